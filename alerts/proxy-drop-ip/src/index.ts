import { Category, defineAlert, pyFormat, valueByPath, z } from '@alertkit/core';
import { match, queryString, search } from '@alertkit/query';

const HOST_ERROR = 'expected a host (a non-empty string), e.g. "169.254.169.254"';

/**
 * The alert's settings (MozDef's `proxy_drop_ip.conf`), with MozDef's defaults. zod's object
 * drops unknown keys, which core's `resolveAlertConfig` then reports as unknown.
 */
const configSchema = z.object({
  ipWhitelist: z
    .array(z.string({ error: HOST_ERROR }).min(1, { error: HOST_ERROR }), {
      error: 'expected a list of hosts (non-empty strings), e.g. ["169.254.169.254"]',
    })
    // MozDef's `ip_whitelist = 169.254.169.254` (the cloud metadata address).
    .default(['169.254.169.254'])
    .describe(
      'Destination hosts never reported (exact `details.host` values), e.g. the cloud metadata address',
    ),
});

/** The alert's settings (MozDef's `proxy_drop_ip.conf`): the output of its config schema. */
export type ProxyDropIpConfig = z.output<typeof configSchema>;

const HEX = /^[0-9a-fA-F]$/;
const isDigit = (c: string | undefined) => c !== undefined && c >= '0' && c <= '9';
// C's isspace() in the C locale.
const isCSpace = (c: string | undefined) => c !== undefined && ' \t\n\v\f\r'.includes(c);

/** glibc's `inet_aton` (Python's `socket.inet_aton`): 1 to 4 parts, each decimal, octal (`0`) or hex (`0x`); the last fills the remaining bytes; anything after whitespace is ignored. */
function isInetAtonAddress(text: string): boolean {
  const parts: number[] = [];
  let i = 0;
  for (;;) {
    if (!isDigit(text[i])) return false;
    // strtoul(part, &end, 0)
    let end = i;
    let value: number;
    if (
      text[i] === '0' &&
      (text[i + 1] === 'x' || text[i + 1] === 'X') &&
      HEX.test(text[i + 2] ?? '')
    ) {
      end = i + 2;
      while (HEX.test(text[end] ?? '')) end++;
      value = parseInt(text.slice(i + 2, end), 16);
    } else if (text[i] === '0') {
      end = i + 1;
      while (/^[0-7]$/.test(text[end] ?? '')) end++;
      value = parseInt(text.slice(i, end), 8);
    } else {
      while (isDigit(text[end])) end++;
      value = parseInt(text.slice(i, end), 10);
    }
    if (value > 0xffffffff) return false;
    if (text[end] !== '.') {
      i = end;
      const max = [0xffffffff, 0xffffff, 0xffff, 0xff][parts.length] ?? 0;
      return (i === text.length || isCSpace(text[i])) && value <= max;
    }
    if (parts.length > 2 || value > 0xff) return false;
    parts.push(value);
    i = end + 1;
  }
}

/** glibc's `inet_pton(AF_INET, ...)` as used inside an IPv6 address: exactly 4 decimal octets, no leading zeros. */
function isInetPton4Address(text: string): boolean {
  let octets = 0;
  let current = 0;
  let sawDigit = false;
  for (const c of text) {
    if (isDigit(c)) {
      const next = current * 10 + Number(c);
      if ((sawDigit && current === 0) || next > 255) return false;
      current = next;
      if (!sawDigit && ++octets > 4) return false;
      sawDigit = true;
    } else if (c === '.' && sawDigit) {
      if (octets === 4) return false;
      current = 0;
      sawDigit = false;
    } else return false;
  }
  return octets === 4;
}

/** glibc's `inet_pton(AF_INET6, ...)`: groups of 1-4 hex digits, one `::`, an optional dotted IPv4 tail; no zone id. */
function isInetPton6Address(text: string): boolean {
  let i = 0;
  if (text === '') return false;
  if (text[0] === ':' && text[1] !== ':') return false;
  if (text[0] === ':') i = 1;
  let bytes = 0;
  let sawDoubleColon = false;
  let token = i;
  let digits = 0;
  while (i < text.length) {
    const c = text[i++] as string;
    if (HEX.test(c)) {
      if (digits === 4) return false;
      digits++;
    } else if (c === ':') {
      token = i;
      if (digits === 0) {
        if (sawDoubleColon) return false;
        sawDoubleColon = true;
      } else {
        if (i === text.length || bytes + 2 > 16) return false;
        bytes += 2;
        digits = 0;
      }
    } else if (c === '.' && bytes + 4 <= 16 && isInetPton4Address(text.slice(token))) {
      bytes += 4;
      digits = 0;
      break;
    } else return false;
  }
  if (digits > 0) {
    if (bytes + 2 > 16) return false;
    bytes += 2;
  }
  if (sawDoubleColon) return bytes < 16;
  return bytes === 16;
}

/**
 * Whether netaddr 0.7's `IPAddress(host)` accepts the host, as MozDef's alert decides "IP-based":
 * IPv4 by `inet_aton` (so `127.1`, `1234`, `0x7f.1` and `1.2.3.4 trailing` count), else IPv6 by
 * `inet_pton`. Hosts with `/` (netaddr raises ValueError) or NUL (Python refuses) do not.
 * Non-string hosts do not count either: MozDef accepted a JSON number as an address and then
 * crashed joining it into the summary.
 */
export function isNetaddrIpAddress(host: unknown): boolean {
  if (typeof host !== 'string' || host.includes('/') || host.includes('\0')) return false;
  return isInetAtonAddress(host) || isInetPton6Address(host);
}

/** Python's `sorted()` of strings: by code point (JavaScript's default sort compares UTF-16 units). */
function pySorted(values: Iterable<string>): string[] {
  const key = (s: string) => Array.from(s, (c) => c.codePointAt(0) ?? 0);
  return [...values].sort((a, b) => {
    const [x, y] = [key(a), key(b)];
    for (let i = 0; i < Math.min(x.length, y.length); i++)
      if (x[i] !== y[i]) return (x[i] ?? 0) - (y[i] ?? 0);
    return x.length - y.length;
  });
}

/**
 * Squid denied a client's request to a bare IP address instead of a host name: malware and
 * command-and-control traffic often skip DNS, legitimate browsing rarely does. One alert per
 * source address, listing the denied IP destinations.
 *
 * Port of MozDef's `AlertProxyDropIP` (alerts/proxy_drop_ip.py).
 */
export const alert = defineAlert({
  name: 'proxy-drop-ip',
  classname: 'AlertProxyDropIP',
  description: 'The proxy denied requests to IP-address destinations',
  severity: 'WARNING',
  category: Category.SQUID,
  tags: ['squid', 'proxy'],
  config: configSchema,
  criteria: (config) =>
    search({ minutes: 20 })
      .must(
        match('category', 'proxy'),
        match('details.proxyaction', 'TCP_DENIED'),
        // Anything starting like an IPv4 or IPv6 address; over-matches on purpose (FQDNs such as
        // `1.example.com`), onAggregation weeds those out.
        queryString('details.host: /[0-9a-fA-F]{1,4}.*/'),
      )
      .mustNot(config.ipWhitelist.map((host) => match('details.host', host))),
  aggregate: { field: 'details.sourceipaddress', threshold: 1, samples: 10 },
  onAggregation(group) {
    // From ALL events of the group (not the samples), keep those whose host is an IP address.
    const kept = group.allEvents.filter((e) =>
      isNetaddrIpAddress(valueByPath(e._source, 'details.host')),
    );
    // Only over-matches: no alert (and nothing tagged).
    if (kept.length === 0) return null;
    const hosts = new Set(kept.map((e) => valueByPath(e._source, 'details.host') as string));
    return {
      summary: pyFormat(
        'Suspicious Proxy DROP event(s) detected from {0} to the following IP-based destination(s): {1}',
        group.value,
        pySorted(hosts).join(','),
      ),
      // MozDef puts every kept event in the alert, not capped at the 10 samples; all events of
      // the group (kept or not) are tagged, as walkAggregations tags the group's allevents.
      events: kept,
    };
  },
});

export default alert;
