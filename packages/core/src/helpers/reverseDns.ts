/**
 * MozDef's `hostname_from_ip` / `add_hostname_to_ip`, with the reverse-DNS lookup injected so
 * runs are reproducible (the harness uses MozDef's mock table, the runner a table from
 * `ALERTKIT_REVERSE_DNS` or the system resolver).
 */
import { reverse } from 'node:dns/promises';
import { pyFormat } from './pyFormat.js';

/** Looks up the host name of an IP address; `null`/`undefined` (or a throw) means "unknown". */
export type ReverseDnsResolver = (
  ip: string,
) => Promise<string | null | undefined> | string | null | undefined;

/** The system resolver (`dns.reverse`): the first name, or `null` when the lookup fails. */
export const systemReverseDns: ReverseDnsResolver = async (ip) => {
  const names = await reverse(ip);
  return names[0] ?? null;
};

/**
 * A resolver that answers from a table (`{"10.2.3.4": "host.example"}`); other addresses get
 * `fallback` (a name, or a resolver to ask; default: unknown).
 */
export function reverseDnsFromTable(
  table: Readonly<Record<string, string>>,
  fallback?: string | ReverseDnsResolver,
): ReverseDnsResolver {
  return (ip) => {
    if (Object.hasOwn(table, ip)) return table[ip];
    if (typeof fallback === 'function') return fallback(ip);
    return fallback ?? null;
  };
}

/** MozDef's test-suite mock: `10.2.3.4` is `mock_hostname1.mozilla.org`, every other IP `mock.mozilla.org`. */
export const mozdefMockReverseDns: ReverseDnsResolver = reverseDnsFromTable(
  { '10.2.3.4': 'mock_hostname1.mozilla.org' },
  'mock.mozilla.org',
);

/** The host name of `ip`, or `null` when the resolver fails or knows none (MozDef's `hostname_from_ip`). */
export async function hostnameFromIp(
  ip: string,
  resolve: ReverseDnsResolver = systemReverseDns,
): Promise<string | null> {
  try {
    const name = await resolve(ip);
    return typeof name === 'string' && name !== '' ? name : null;
  } catch {
    return null;
  }
}

/** Options of {@link addHostnameToIp}. */
export interface AddHostnameOptions {
  /** Python format with `{0}` = ip and `{1}` = host name; default `'{0} ({1})'`. */
  format?: string;
  /** Only resolve private addresses (RFC 1918 and friends, as netaddr's `is_private`); default true. */
  requireInternal?: boolean;
  /** The resolver; default the system's. */
  resolve?: ReverseDnsResolver;
}

/**
 * MozDef's `add_hostname_to_ip`: `10.2.3.4 (host.example)` for a private address that resolves,
 * the bare IP otherwise (public address with `requireInternal`, or no name).
 */
export async function addHostnameToIp(
  ip: string,
  options: AddHostnameOptions = {},
): Promise<string> {
  if ((options.requireInternal ?? true) && !isPrivateIp(ip)) return ip;
  const name = await hostnameFromIp(ip, options.resolve);
  return name === null ? ip : pyFormat(options.format ?? '{0} ({1})', ip, name);
}

// netaddr 0.7's IPV4_PRIVATE plus link-local, which its is_private() also accepts.
const PRIVATE_V4: readonly [number, number][] = [
  [0x0a000000, 8], // 10.0.0.0/8
  [0x64400000, 10], // 100.64.0.0/10
  [0xac100000, 12], // 172.16.0.0/12
  [0xc0000000, 24], // 192.0.0.0/24
  [0xc0a80000, 16], // 192.168.0.0/16
  [0xc6120000, 15], // 198.18.0.0/15
  [0xefc00000, 14], // 239.192.0.0/14
  [0xa9fe0000, 16], // 169.254.0.0/16
];

/** True for an address netaddr's `is_private()` accepts; false for public or malformed ones. */
export function isPrivateIp(ip: string): boolean {
  const v4 = parseIpv4(ip);
  if (v4 !== undefined)
    return PRIVATE_V4.some(([base, bits]) => v4 >>> (32 - bits) === base >>> (32 - bits));
  if (!ip.includes(':')) return false;
  const first = Number.parseInt(ip.split(':')[0] || '0', 16);
  // fc00::/7 (unique local) and fe80::/10 (link local).
  return (first & 0xfe00) === 0xfc00 || (first & 0xffc0) === 0xfe80;
}

function parseIpv4(ip: string): number | undefined {
  const parts = ip.split('.');
  if (parts.length !== 4 || parts.some((p) => !/^\d{1,3}$/.test(p) || Number(p) > 255))
    return undefined;
  return parts.reduce((acc, p) => acc * 256 + Number(p), 0);
}
