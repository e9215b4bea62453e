import { z, type AlertDocument, type JsonValue } from '@alertkit/core';
import type { AlertPlugin } from '@alertkit/runner';
import { cidrSchema, detailsOf, inRanges, parseRange } from './common.js';

// MozDef's expressions, unchanged: what they find (and miss) is what MozDef found.
const IPV4 =
  /(?:(?:25[0-5]|2[0-4][0-9]|[01]?[0-9][0-9]?)\.){3}(?:25[0-5]|2[0-4][0-9]|[01]?[0-9][0-9]?)/g;
const IPV6 =
  /(([0-9a-fA-F]{1,4}:){7,7}[0-9a-fA-F]{1,4}|([0-9a-fA-F]{1,4}:){1,7}:|([0-9a-fA-F]{1,4}:){1,6}:[0-9a-fA-F]{1,4}|([0-9a-fA-F]{1,4}:){1,5}(:[0-9a-fA-F]{1,4}){1,2}|([0-9a-fA-F]{1,4}:){1,4}(:[0-9a-fA-F]{1,4}){1,3}|([0-9a-fA-F]{1,4}:){1,3}(:[0-9a-fA-F]{1,4}){1,4}|([0-9a-fA-F]{1,4}:){1,2}(:[0-9a-fA-F]{1,4}){1,5}|[0-9a-fA-F]{1,4}:((:[0-9a-fA-F]{1,4}){1,6})|:((:[0-9a-fA-F]{1,4}){1,7}|:)|fe80:(:[0-9a-fA-F]{0,4}){0,4}%[0-9a-zA-Z]{1,}|::(ffff(:0{1,4}){0,1}:){0,1}((25[0-5]|(2[0-4]|1{0,1}[0-9]){0,1}[0-9])\.){3,3}(25[0-5]|(2[0-4]|1{0,1}[0-9]){0,1}[0-9])|([0-9a-fA-F]{1,4}:){1,4}:((25[0-5]|(2[0-4]|1{0,1}[0-9]){0,1}[0-9])\.){3,3}(25[0-5]|(2[0-4]|1{0,1}[0-9]){0,1}[0-9]))/g;

/** Every IPv4 then IPv6 address in a string (MozDef's `_find_ip_addresses`). */
export function findIpAddresses(text: string): string[] {
  return [...text.matchAll(IPV4), ...text.matchAll(IPV6)].map((m) => m[0]);
}

/** Every address in the string values anywhere in a document (keys are not searched). */
function findIps(value: JsonValue, into: string[] = []): string[] {
  if (typeof value === 'string') into.push(...findIpAddresses(value));
  else if (Array.isArray(value)) for (const item of value) findIps(item, into);
  else if (value !== null && typeof value === 'object')
    for (const item of Object.values(value)) findIps(item, into);
  return into;
}

/** Python's `str.format` for `{0}` (the address), `{1}` (the site), `{}` and `{{`/`}}`. */
export function formatSite(format: string, ip: string, site: string): string {
  const args = [ip, site];
  let auto = 0;
  return format.replace(/\{\{|\}\}|\{(\d*)\}/g, (token, index: string) => {
    if (token === '{{') return '{';
    if (token === '}}') return '}';
    const at = index === '' ? auto++ : Number(index);
    const value = args[at];
    if (value === undefined) throw new Error(`format "${format}": no argument {${at}}`);
    return value;
  });
}

const knownSchema = z.strictObject({
  range: cidrSchema.describe('Addresses of the site, e.g. 8.32.0.0/16'),
  site: z.string().min(1).describe('The site name, e.g. OFFICE1'),
  format: z
    .string()
    .refine(
      (format) => {
        try {
          formatSite(format, '', '');
          return true;
        } catch {
          return false;
        }
      },
      { message: 'only {0} (the address) and {1} (the site) can be filled in' },
    )
    .describe('What is appended to the summary: {0} is the address, {1} the site (Python format)'),
});

/** The config: MozDef's `ip_source_enrichment.json`, with its example sites as the default. */
export const ipSourceEnrichmentConfig = z.strictObject({
  known: z
    .array(knownSchema)
    .default([
      { range: '8.32.0.0/16', site: 'OFFICE1', format: '{0} is in OFFICE1.' },
      { range: '4a00:7a49:232::/48', site: 'OFFICE2', format: '{0} is in OFFICE2.' },
    ])
    .describe('Known address ranges and how to name them in the summary'),
});

/** One known site as configured. */
export type KnownSite = z.output<typeof knownSchema>;

/**
 * Adds where known addresses come from (MozDef's `enrich`): for each distinct address found in
 * any string of the alert that lies in a known range, appends `"; " + format` to the summary
 * and `{ ip, site }` to `details.sites` (always set, possibly empty).
 */
export function enrichSites(alert: AlertDocument, known: readonly KnownSite[]): AlertDocument {
  const ranges = known.map((k) => ({ ...k, parsed: parseRange(k.range) }));
  const ips = [...new Set(findIps(alert))];
  const sites: JsonValue[] = [];
  detailsOf(alert)['sites'] = sites;
  for (const ip of ips) {
    for (const desc of ranges) {
      if (!desc.parsed || !inRanges(ip, [desc.parsed])) continue;
      alert.summary += `; ${formatSite(desc.format, ip, desc.site)}`;
      sites.push({ ip, site: desc.site });
    }
  }
  return alert;
}

/** MozDef's `ip_source_enrichment` plugin: names the known sites of the addresses in an alert. */
export const ipSourceEnrichmentPlugin: AlertPlugin<z.output<typeof ipSourceEnrichmentConfig>> = {
  name: 'ip_source_enrichment',
  registration: ['*'],
  config: ipSourceEnrichmentConfig,
  onAlert: (alert, { config }) => enrichSites(alert, config.known),
};

export default ipSourceEnrichmentPlugin;
