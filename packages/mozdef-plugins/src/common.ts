import ipaddr from 'ipaddr.js';
import { z, type AlertDocument, type JsonObject, type JsonValue } from '@alertkit/core';

/** A JSON object, or undefined for anything else (a missing key, a list, a scalar). */
export function objectAt(value: JsonValue | undefined): JsonObject | undefined {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? value : undefined;
}

/** `alert.details`, created as `{}` when absent (MozDef's `alert.get('details', {})` then set). */
export function detailsOf(alert: AlertDocument): JsonObject {
  const details = objectAt(alert['details']);
  if (details) return details;
  const created: JsonObject = {};
  alert['details'] = created;
  return created;
}

/** `alert.events[0].documentsource.details.sourceipaddress`, as MozDef's port-scan plugins read it. */
export function firstEventSourceIp(alert: AlertDocument): string | undefined {
  const [first] = alert.events;
  const ip = objectAt(objectAt(first?.documentsource)?.['details'])?.['sourceipaddress'];
  return typeof ip === 'string' && ip !== '' ? ip : undefined;
}

/** A dotted-quad IPv4 address (netaddr's `valid_ipv4` with `inet_pton` rules: no `127.1`). */
export function isIPv4(value: unknown): value is string {
  return typeof value === 'string' && ipaddr.IPv4.isValidFourPartDecimal(value);
}

/** An IPv6 address (netaddr's `valid_ipv6`). */
export function isIPv6(value: unknown): value is string {
  return typeof value === 'string' && ipaddr.IPv6.isValid(value);
}

/** An address or CIDR range (`10.0.0.0/8`, `2001:db8::/32`, or one address) as netaddr's IPSet takes it. */
export type AddressRange = [ipaddr.IPv4 | ipaddr.IPv6, number];

/** Parses a CIDR range or a single address (a host range); undefined when it is neither. */
export function parseRange(text: string): AddressRange | undefined {
  try {
    if (text.includes('/')) return ipaddr.parseCIDR(text);
    const address = ipaddr.parse(text);
    return [address, address.kind() === 'ipv4' ? 32 : 128];
  } catch {
    return undefined;
  }
}

/** Whether `ip` lies in one of `ranges` (an IPv4 address is never in an IPv6 range, as in netaddr). */
export function inRanges(ip: string, ranges: readonly AddressRange[]): boolean {
  let address: ipaddr.IPv4 | ipaddr.IPv6;
  try {
    address = ipaddr.parse(ip);
  } catch {
    return false;
  }
  return ranges.some(([network, bits]) => {
    if (network.kind() !== address.kind()) return false;
    return address.kind() === 'ipv4'
      ? (address as ipaddr.IPv4).match(network, bits)
      : (address as ipaddr.IPv6).match(network, bits);
  });
}

/** A config string that must be a CIDR range or an address. */
export const cidrSchema = z.string().refine((text) => parseRange(text) !== undefined, {
  message: 'expected a CIDR range such as 10.0.0.0/8 or 2001:db8::/32, or an address',
});

/** Milliseconds of a timestamp (MozDef's `toUTC`); unparseable ones sort as the oldest. */
export function timeOf(value: JsonValue | undefined): number {
  const ms =
    typeof value === 'string' || typeof value === 'number' ? Date.parse(String(value)) : NaN;
  return Number.isNaN(ms) ? -Infinity : ms;
}

/** The events' `_source`s, newest first by `utctimestamp` (MozDef sorts the hits it got). */
export function newestFirst(
  sources: readonly JsonObject[],
  key: (source: JsonObject) => JsonValue | undefined = (s) => s['utctimestamp'],
): JsonObject[] {
  return [...sources].sort((a, b) => timeOf(key(b)) - timeOf(key(a)));
}
