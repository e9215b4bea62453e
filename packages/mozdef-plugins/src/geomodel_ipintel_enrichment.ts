import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { z, type AlertDocument, type JsonValue } from '@alertkit/core';
import type { AlertPlugin } from '@alertkit/runner';
import { detailsOf, objectAt } from './common.js';

/** An IP-intel file: `{ "<ip>": { "<classification>": <threat score> } }`. */
export const ipIntelSchema = z.record(z.string(), z.record(z.string(), z.number()));

/** The parsed IP intel. */
export type IpIntel = z.output<typeof ipIntelSchema>;

/**
 * The config: MozDef's `geomodel_ipintel_enrichment.json`. MozDef shipped an empty path, so the
 * plugin failed to load and was silently skipped; here a missing file is a config error.
 */
export const geomodelIpintelConfig = z.strictObject({
  intel_file_path: z
    .string()
    .min(1)
    .refine((path) => existsSync(resolve(path)), {
      message: 'no such file (a path relative to the working directory, or absolute)',
    })
    .describe('The IP-intel JSON file: { "<ip>": { "TorNode": 127, "VPN": 80 } }'),
  match_tag: z.string().min(1).default('geomodel').describe('Alerts with this tag are enriched'),
});

/** The parsed config. */
export type GeomodelIpintelConfig = z.output<typeof geomodelIpintelConfig>;

const TOR_CLASS = 'TorNode';
const VPN_CLASS = 'VPN';

/**
 * Adds what the intel knows of the hop addresses of a GeoModel alert (MozDef's `enrich`): every
 * hop's origin and the last hop's destination; `details.ipintel` lists `{ ip, classification,
 * threatscore }` (always set) and the summary gets `; Tor nodes detected: ...` and
 * `; VPNs detected: ...`. Addresses keep the order they were first seen in.
 */
export function enrichIpIntel(alert: AlertDocument, intel: IpIntel): AlertDocument {
  const details = detailsOf(alert);
  const hops = Array.isArray(details['hops']) ? details['hops'] : [];
  const ipOf = (hop: JsonValue | undefined, end: string): JsonValue | undefined =>
    objectAt(objectAt(hop)?.[end])?.['ip'];
  const ips = hops.map((hop) => ipOf(hop, 'origin'));
  if (hops.length > 0) ips.push(ipOf(hops[hops.length - 1], 'destination'));
  const ipintel: { ip: string; classification: string; threatscore: number }[] = [];
  for (const ip of new Set(ips)) {
    if (typeof ip !== 'string' || !Object.hasOwn(intel, ip)) continue;
    for (const [classification, threatscore] of Object.entries(intel[ip] ?? {}))
      ipintel.push({ ip, classification, threatscore });
  }
  const tor = ipintel.filter((e) => e.classification === TOR_CLASS).map((e) => e.ip);
  const vpn = ipintel.filter((e) => e.classification === VPN_CLASS).map((e) => e.ip);
  if (tor.length > 0) alert.summary += `; Tor nodes detected: ${tor.join(', ')}`;
  if (vpn.length > 0) alert.summary += `; VPNs detected: ${vpn.join(', ')}`;
  details['ipintel'] = ipintel;
  return alert;
}

/** Reads and checks an IP-intel file; errors name the file. */
export function readIpIntel(path: string): IpIntel {
  const file = resolve(path);
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (cause) {
    throw new Error(`${file}: cannot read the IP intel: ${(cause as Error).message}`, { cause });
  }
  const parsed = ipIntelSchema.safeParse(raw);
  if (!parsed.success) {
    const [issue] = parsed.error.issues;
    throw new Error(
      `${file}: ${issue?.path.map(String).join('.') ?? ''}: ${issue?.message ?? 'invalid'} (expected { "<ip>": { "<classification>": <score> } })`,
    );
  }
  return parsed.data;
}

// The intel is read once per file (MozDef read it when the plugin loaded).
const intelByFile = new Map<string, IpIntel>();

/** MozDef's `geomodel_ipintel_enrichment` plugin. */
export const geomodelIpintelEnrichmentPlugin: AlertPlugin<GeomodelIpintelConfig> = {
  name: 'geomodel_ipintel_enrichment',
  registration: (config) => [config.match_tag],
  config: geomodelIpintelConfig,
  onAlert(alert, { config }) {
    if (!alert.tags.includes(config.match_tag)) return alert;
    const file = resolve(config.intel_file_path);
    let intel = intelByFile.get(file);
    if (!intel) {
      intel = readIpIntel(file);
      intelByFile.set(file, intel);
    }
    return enrichIpIntel(alert, intel);
  },
};

export default geomodelIpintelEnrichmentPlugin;
