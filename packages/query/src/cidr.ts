import { AlertkitError } from '@alertkit/core';
import ipaddr from 'ipaddr.js';

/** A parsed, validated CIDR block (IPv4 or IPv6). */
export interface CidrBlock {
  version: 4 | 6;
  /** The network address as written canonically (`10.0.0.0`, `2001:db8::`). */
  network: string;
  prefixLength: number;
  /** First address of the block (the network address itself, as Python's `ipaddress` lists it). */
  first: string;
  /** Last address of the block (the broadcast address for IPv4). */
  last: string;
}

const DIGITS = /^\d{1,3}$/;

function invalid(context: string, cidr: string, reason: string): AlertkitError {
  return new AlertkitError(
    'QUERY_INVALID',
    `${context}: ${JSON.stringify(cidr)} is not a valid CIDR: ${reason}`,
    {
      details: { cidr, reason },
    },
  );
}

/** IPv4 in the strict dotted-quad form Python's `ipaddress` accepts (no octal, hex, short forms or leading zeros). */
function isStrictIPv4(text: string): boolean {
  const parts = text.split('.');
  return (
    parts.length === 4 &&
    parts.every((p) => DIGITS.test(p) && Number(p) <= 255 && (p === '0' || !p.startsWith('0')))
  );
}

function canonical(address: ipaddr.IPv4 | ipaddr.IPv6): string {
  return address.kind() === 'ipv6'
    ? (address as ipaddr.IPv6).toRFC5952String()
    : address.toString();
}

function parsePrefix(
  context: string,
  cidr: string,
  version: 4 | 6,
  text: string | undefined,
): number {
  const max = version === 4 ? 32 : 128;
  if (text === undefined) return max;
  if (/^\d{1,3}$/.test(text) && Number(text) <= max) return Number(text);
  // Python's IPv4Network also takes a netmask (`10.0.0.0/255.0.0.0`).
  if (version === 4 && isStrictIPv4(text)) {
    const length = ipaddr.IPv4.parse(text).prefixLengthFromSubnetMask();
    if (length !== null) return length;
  }
  throw invalid(context, cidr, `the prefix length must be an integer from 0 to ${String(max)}`);
}

/**
 * Parses a CIDR block such as `10.0.0.0/8` or `2001:db8::/32` (a bare address is a /32 or /128),
 * strictly as Python's `ipaddress.ip_network(cidr)` does: a block with host bits set
 * (`10.0.0.1/8`) is an error, as it is in MozDef's `SubnetMatch`.
 *
 * @param context - names the caller in error messages (e.g. `subnet`).
 * @throws AlertkitError `QUERY_INVALID` naming the CIDR and what is wrong with it.
 */
export function parseCidr(cidr: string, context = 'subnet'): CidrBlock {
  if (typeof cidr !== 'string') throw invalid(context, String(cidr), 'expected a string');
  const slash = cidr.indexOf('/');
  const addressText = slash === -1 ? cidr : cidr.slice(0, slash);
  const prefixText = slash === -1 ? undefined : cidr.slice(slash + 1);

  let address: ipaddr.IPv4 | ipaddr.IPv6;
  if (isStrictIPv4(addressText)) {
    address = ipaddr.IPv4.parse(addressText);
  } else if (
    addressText.includes(':') &&
    !addressText.includes('%') &&
    ipaddr.IPv6.isValid(addressText)
  ) {
    address = ipaddr.IPv6.parse(addressText);
  } else {
    throw invalid(context, cidr, `${JSON.stringify(addressText)} is not an IPv4 or IPv6 address`);
  }
  const version = address.kind() === 'ipv4' ? 4 : 6;
  const prefixLength = parsePrefix(context, cidr, version, prefixText);
  const normalised = `${canonical(address)}/${String(prefixLength)}`;
  const family = version === 4 ? ipaddr.IPv4 : ipaddr.IPv6;
  const first = family.networkAddressFromCIDR(normalised);
  const last = family.broadcastAddressFromCIDR(normalised);
  if (canonical(first) !== canonical(address)) {
    throw invalid(
      context,
      cidr,
      `host bits are set (the network is ${canonical(first)}/${String(prefixLength)})`,
    );
  }
  return {
    version,
    network: canonical(first),
    prefixLength,
    first: canonical(first),
    last: canonical(last),
  };
}

/**
 * The CIDR block whose first and last addresses are exactly `first` and `last`, or `undefined`
 * when the range is not one aligned block (used to read MozDef's subnet query_string back).
 */
export function cidrFromRange(first: string, last: string): CidrBlock | undefined {
  const lower = parseAddress(first);
  const upper = parseAddress(last);
  if (lower === undefined || upper === undefined || lower.kind() !== upper.kind()) return undefined;
  const bits = lower.kind() === 'ipv4' ? 32 : 128;
  for (let prefix = 0; prefix <= bits; prefix++) {
    const block = `${canonical(lower)}/${String(prefix)}`;
    const family = lower.kind() === 'ipv4' ? ipaddr.IPv4 : ipaddr.IPv6;
    if (canonical(family.networkAddressFromCIDR(block)) !== canonical(lower)) continue;
    if (canonical(family.broadcastAddressFromCIDR(block)) === canonical(upper))
      return parseCidr(block);
  }
  return undefined;
}

function parseAddress(text: string): ipaddr.IPv4 | ipaddr.IPv6 | undefined {
  if (isStrictIPv4(text)) return ipaddr.IPv4.parse(text);
  if (text.includes(':') && !text.includes('%') && ipaddr.IPv6.isValid(text))
    return ipaddr.IPv6.parse(text);
  return undefined;
}

/**
 * True when `ip` (IPv4 or IPv6 text) lies in the block. An IPv4-mapped IPv6 address
 * (`::ffff:10.1.2.3`) counts as its IPv4 address, as Elasticsearch's `ip` type stores both alike.
 */
export function cidrContains(block: CidrBlock, ip: string): boolean {
  let address = parseAddress(ip);
  if (address === undefined) return false;
  let network: ipaddr.IPv4 | ipaddr.IPv6 =
    block.version === 4 ? ipaddr.IPv4.parse(block.network) : ipaddr.IPv6.parse(block.network);
  let prefix = block.prefixLength;
  if (address.kind() === 'ipv6' && (address as ipaddr.IPv6).isIPv4MappedAddress())
    address = (address as ipaddr.IPv6).toIPv4Address();
  if (network.kind() === 'ipv6' && (network as ipaddr.IPv6).isIPv4MappedAddress() && prefix >= 96) {
    network = (network as ipaddr.IPv6).toIPv4Address();
    prefix -= 96;
  }
  if (address.kind() !== network.kind()) return false;
  return address.match(network, prefix);
}
