import ipaddr from 'ipaddr.js';

/**
 * Parsing of the typed values Elasticsearch indexes (dates, IPs, booleans, numbers) and the
 * orderings it compares them by. Shared by ingest (where a value that does not parse is a
 * mapping conflict) and by the compiler (where it is an invalid query, or no match if lenient).
 */

/** An instant range `[start, end]` in epoch milliseconds, both ends included. */
export interface DateInterval {
  start: number;
  end: number;
}

// `dateOptionalTime` / `strict_date_optional_time`: yyyy[-MM[-dd]][THH[:mm[:ss[.fraction]]]][zone].
const DATE_PATTERN =
  /^([+-]?\d{4,9})(?:-(\d{2})(?:-(\d{2})(?:T(\d{2})(?::(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?)?(Z|[+-]\d{2}(?::?\d{2})?)?)?)?)?$/;

const DAYS_IN_MONTH = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

function isLeapYear(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

function zoneOffsetMs(zone: string | undefined): number | undefined {
  if (zone === undefined || zone === 'Z') return 0;
  const sign = zone.startsWith('-') ? -1 : 1;
  const digits = zone.slice(1).replace(':', '');
  const hours = Number(digits.slice(0, 2));
  const minutes = digits.length > 2 ? Number(digits.slice(2, 4)) : 0;
  if (hours > 18 || minutes > 59) return undefined;
  return sign * (hours * 60 + minutes) * 60_000;
}

/**
 * Parses a date the way Elasticsearch parses `dateOptionalTime` values and query bounds: the
 * result spans the precision the text names (`2017-01-01` is that whole UTC day,
 * `2017-01-01T10:05` that minute, fractions are cut to milliseconds). A number is epoch millis.
 * Returns `undefined` for anything else.
 */
export function parseDateInterval(value: unknown): DateInterval | undefined {
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) return undefined;
    const ms = Math.trunc(value);
    return { start: ms, end: ms };
  }
  if (typeof value !== 'string') return undefined;
  const m = DATE_PATTERN.exec(value);
  if (!m) {
    // Elasticsearch's default date format ends in `||epoch_millis`: digits that are not a date
    // (`"1793534340000"`) are epoch milliseconds.
    if (!/^-?\d+$/.test(value)) return undefined;
    const ms = Number(value);
    return Number.isSafeInteger(ms) ? { start: ms, end: ms } : undefined;
  }
  const year = Number(m[1]);
  const month = m[2] === undefined ? 1 : Number(m[2]);
  const day = m[3] === undefined ? 1 : Number(m[3]);
  const hour = m[4] === undefined ? 0 : Number(m[4]);
  const minute = m[5] === undefined ? 0 : Number(m[5]);
  const second = m[6] === undefined ? 0 : Number(m[6]);
  const millis = m[7] === undefined ? 0 : Number(m[7].padEnd(3, '0').slice(0, 3));
  if (month < 1 || month > 12 || day < 1 || hour > 23 || minute > 59 || second > 59)
    return undefined;
  const maxDay = month === 2 && !isLeapYear(year) ? 28 : (DAYS_IN_MONTH[month - 1] ?? 31);
  if (day > maxDay) return undefined;
  const offset = zoneOffsetMs(m[8]);
  if (offset === undefined) return undefined;
  let utc: number;
  if (year >= 100) utc = Date.UTC(year, month - 1, day, hour, minute, second, millis);
  else {
    // Date.UTC reads years 0..99 as 1900..1999.
    const date = new Date(0);
    date.setUTCFullYear(year, month - 1, day);
    date.setUTCHours(hour, minute, second, millis);
    utc = date.getTime();
  }
  const start = utc - offset;
  // The unit the text stops at decides how far an upper bound rounds up (ES `roundUp`).
  let span: number;
  if (m[7] !== undefined) span = 1;
  else if (m[6] !== undefined) span = 1000;
  else if (m[5] !== undefined) span = 60_000;
  else if (m[4] !== undefined) span = 3_600_000;
  else if (m[3] !== undefined) span = 86_400_000;
  else {
    const end = new Date(start);
    if (m[2] !== undefined) end.setUTCMonth(end.getUTCMonth() + 1);
    else end.setUTCFullYear(end.getUTCFullYear() + 1);
    return { start, end: end.getTime() - 1 };
  }
  return { start, end: start + span - 1 };
}

/** The digits at `from .. from + count - 1` as a number, or -1 if one is not a digit. */
function digitsAt(text: string, from: number, count: number): number {
  let n = 0;
  for (let i = from; i < from + count; i++) {
    const d = text.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return -1;
    n = n * 10 + d;
  }
  return n;
}

/**
 * The instant a date value starts at (what a date field indexes): {@link parseDateInterval}'s
 * `start`, with a fast path for the shape nearly every event carries,
 * `yyyy-MM-ddTHH:mm:ss[.fraction](Z|±HH:mm)`, which would otherwise cost a regexp per value at
 * ingest. Anything else goes through the full parser.
 */
export function parseDateStart(value: unknown): number | undefined {
  if (typeof value === 'string' && value.length >= 20 && value.charCodeAt(10) === 84 /* T */) {
    const year = digitsAt(value, 0, 4);
    const month = digitsAt(value, 5, 2);
    const day = digitsAt(value, 8, 2);
    const hour = digitsAt(value, 11, 2);
    const minute = digitsAt(value, 14, 2);
    const second = digitsAt(value, 17, 2);
    let end = 19;
    let millis = 0;
    if (value.charCodeAt(19) === 46 /* . */) {
      let digits = 0;
      for (end = 20; end < value.length && digits < 10; end++, digits++) {
        const d = value.charCodeAt(end) - 48;
        if (d < 0 || d > 9) break;
        if (digits < 3) millis += d * (digits === 0 ? 100 : digits === 1 ? 10 : 1);
      }
      if (digits === 0 || digits > 9) end = -1;
    }
    let offset = -1;
    const rest = value.length - end;
    if (end > 0 && rest === 1 && value.charCodeAt(end) === 90 /* Z */) offset = 0;
    else if (end > 0 && rest === 6 && value.charCodeAt(end + 3) === 58 /* : */) {
      const sign = value.charCodeAt(end);
      const hours = digitsAt(value, end + 1, 2);
      const minutes = digitsAt(value, end + 4, 2);
      if (
        (sign === 43 || sign === 45) &&
        hours >= 0 &&
        hours <= 18 &&
        minutes >= 0 &&
        minutes <= 59
      )
        offset = (sign === 45 ? -1 : 1) * (hours * 60 + minutes) * 60_000;
    }
    if (
      offset !== -1 &&
      year >= 1000 &&
      value.charCodeAt(4) === 45 &&
      value.charCodeAt(7) === 45 &&
      value.charCodeAt(13) === 58 &&
      value.charCodeAt(16) === 58 &&
      month >= 1 &&
      month <= 12 &&
      day >= 1 &&
      hour >= 0 &&
      hour <= 23 &&
      minute >= 0 &&
      minute <= 59 &&
      second >= 0 &&
      second <= 59 &&
      day <= (month === 2 && !isLeapYear(year) ? 28 : (DAYS_IN_MONTH[month - 1] ?? 31))
    )
      return Date.UTC(year, month - 1, day, hour, minute, second, millis) - offset;
  }
  return parseDateInterval(value)?.start;
}

/** A parsed IP: its display form (as Elasticsearch returns it) and a sortable 32-hex-digit key. */
export interface ParsedIp {
  display: string;
  /** The 16-byte IPv6 form (IPv4 as IPv4-mapped), hex: compares like the address. */
  key: string;
}

function hexOfBytes(bytes: readonly number[]): string {
  let out = '';
  for (const byte of bytes) out += byte.toString(16).padStart(2, '0');
  return out;
}

function v6Bytes(address: ipaddr.IPv4 | ipaddr.IPv6): number[] {
  return address.kind() === 'ipv4'
    ? (address as ipaddr.IPv4).toIPv4MappedAddress().toByteArray()
    : address.toByteArray();
}

const IPV4 = /^(0|[1-9]\d{0,2})\.(0|[1-9]\d{0,2})\.(0|[1-9]\d{0,2})\.(0|[1-9]\d{0,2})$/;
const V4_MAPPED_PREFIX = '00000000000000000000ffff';

function parseAddress(text: string): ipaddr.IPv4 | ipaddr.IPv6 | undefined {
  // Elasticsearch (InetAddresses.forString) accepts only dotted-quad IPv4 and plain IPv6, not the
  // octal/hex/short forms ipaddr.js would also read.
  if (IPV4.test(text) && ipaddr.IPv4.isValidFourPartDecimal(text)) return ipaddr.IPv4.parse(text);
  if (text.includes(':') && !text.includes('%') && ipaddr.IPv6.isValid(text)) {
    const v6 = ipaddr.IPv6.parse(text);
    return v6.isIPv4MappedAddress() ? v6.toIPv4Address() : v6;
  }
  return undefined;
}

/** Parses an IPv4 or IPv6 address; `undefined` if it is not one. */
export function parseIp(value: unknown): ParsedIp | undefined {
  if (typeof value !== 'string') return undefined;
  // Fast path for dotted-quad IPv4 (most values; ingest parses every one). Like Elasticsearch
  // (Guava's InetAddresses), octets with leading zeros are refused: octal or decimal is unclear.
  const v4 = IPV4.exec(value);
  if (v4) {
    let key = V4_MAPPED_PREFIX;
    for (let i = 1; i <= 4; i++) {
      const octet = Number(v4[i]);
      if (octet > 255) return undefined;
      key += (octet < 16 ? '0' : '') + octet.toString(16);
    }
    return { display: value, key };
  }
  const address = parseAddress(value.trim());
  if (!address) return undefined;
  const display =
    address.kind() === 'ipv4' ? address.toString() : (address as ipaddr.IPv6).toRFC5952String();
  return { display, key: hexOfBytes(v6Bytes(address)) };
}

/** An inclusive range of IP keys (see {@link ParsedIp.key}). */
export interface IpRange {
  lowKey: string;
  highKey: string;
}

/**
 * Parses a CIDR (`10.0.0.0/8`, `2001:db8::/32`) into its first and last address. With
 * `strict`, a CIDR with host bits set is refused (Python's `ip_network`, which MozDef's
 * SubnetMatch uses); Elasticsearch's ip `term` query accepts it and masks the bits.
 */
export function parseCidr(value: unknown, strict = false): IpRange | undefined {
  if (typeof value !== 'string') return undefined;
  const slash = value.indexOf('/');
  if (slash < 0) return undefined;
  const address = parseAddress(value.slice(0, slash).trim());
  const bitsText = value.slice(slash + 1).trim();
  if (!address || !/^\d{1,3}$/.test(bitsText)) return undefined;
  const bits = Number(bitsText);
  const width = address.kind() === 'ipv4' ? 32 : 128;
  if (bits > width) return undefined;
  const bytes = v6Bytes(address);
  const prefix = bits + (128 - width);
  const low = [...bytes];
  const high = [...bytes];
  for (let bit = prefix; bit < 128; bit++) {
    const index = bit >> 3;
    const mask = 0x80 >> (bit & 7);
    low[index] = (low[index] ?? 0) & ~mask;
    high[index] = (high[index] ?? 0) | mask;
  }
  if (strict && low.some((byte, i) => byte !== bytes[i])) return undefined;
  return { lowKey: hexOfBytes(low), highKey: hexOfBytes(high) };
}

/** An IP or a CIDR as an inclusive key range (a single IP is a range of one). */
export function parseIpOrCidr(value: unknown): IpRange | undefined {
  const ip = parseIp(value);
  if (ip) return { lowKey: ip.key, highKey: ip.key };
  return parseCidr(value);
}

/** Elasticsearch's boolean values: `true`/`false`, their strings, and `""` (false). */
export function parseBoolean(value: unknown): boolean | undefined {
  if (value === true || value === 'true') return true;
  if (value === false || value === 'false' || value === '') return false;
  return undefined;
}

/** A JSON number or a numeric string (Elasticsearch coerces those); `undefined` otherwise. */
export function parseNumber(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) ? value : undefined;
  if (typeof value !== 'string' || value.trim() === '') return undefined;
  const n = Number(value);
  return Number.isFinite(n) ? n : undefined;
}

/** The text a scalar is indexed as in a keyword field (numbers as their JSON text). */
export function keywordText(value: string | number | boolean): string {
  return typeof value === 'string' ? value : String(value);
}

/**
 * Compares strings by Unicode code point, which is the order of their UTF-8 bytes (how Lucene
 * orders terms). JavaScript's `<` compares UTF-16 units, which differs for astral characters.
 */
export function compareCodePoints(a: string, b: string): number {
  const length = Math.min(a.length, b.length);
  for (let i = 0; i < length; i++) {
    let x = a.charCodeAt(i);
    let y = b.charCodeAt(i);
    if (x === y) continue;
    // Surrogates (astral code points) sort after U+E000..U+FFFF in code point order.
    if (x >= 0xd800) x += x < 0xe000 ? 0x2000 : -0x800;
    if (y >= 0xd800) y += y < 0xe000 ? 0x2000 : -0x800;
    return x - y;
  }
  return a.length - b.length;
}
