import { z, type AlertDocument, type JsonValue } from '@alertkit/core';
import { match, search } from '@alertkit/query';
import type { AlertPlugin, PluginContext } from '@alertkit/runner';
import { detailsOf, firstEventSourceIp, objectAt } from './common.js';

/** A search window as Python's `timedelta` keywords MozDef passed it (`{ hours: 24 }`). */
const windowSchema = z
  .strictObject({
    weeks: z.number().nonnegative().optional(),
    days: z.number().nonnegative().optional(),
    hours: z.number().nonnegative().optional(),
    minutes: z.number().nonnegative().optional(),
    seconds: z.number().nonnegative().optional(),
    milliseconds: z.number().nonnegative().optional(),
  })
  .refine((window) => Object.values(window).some((n) => n !== undefined && n > 0), {
    message: 'the window must be longer than zero, e.g. { "hours": 24 }',
  });

/**
 * The config: MozDef's `port_scan_enrichment.json`, read under the names that file uses
 * (MozDef's code read `searchIndices`, which the file does not have, and so searched `alerts`:
 * here the plugin always searches the events of the installation's store).
 */
export const portScanEnrichmentConfig = z.strictObject({
  maxConnections: z
    .number()
    .int()
    .nonnegative()
    .default(32)
    .describe('Most connections listed; 0 lists all of them'),
  matchTags: z
    .array(z.string().min(1))
    .default(['portscan'])
    .transform((tags) => (tags.length === 0 ? ['portscan'] : tags))
    .describe('Alerts with one of these tags are enriched (empty: portscan)'),
  searchWindow: windowSchema
    .default({ hours: 24 })
    .describe('How far back connections are searched, e.g. { "hours": 24 }'),
});

/** The parsed config. */
export type PortScanEnrichmentConfig = z.output<typeof portScanEnrichmentConfig>;

/**
 * Lists the connections the scanning address made (MozDef's `enrich`): searches Bro `conn`
 * events from the source address of the alert's first event in the window and sets
 * `details.recentconnections` to their `{ destinationipaddress, destinationport, timestamp }`
 * (the first `maxConnections`, in store order).
 */
export async function enrichPortScan(
  alert: AlertDocument,
  context: Pick<PluginContext<PortScanEnrichmentConfig>, 'search' | 'config'>,
): Promise<AlertDocument> {
  const ip = firstEventSourceIp(alert);
  if (ip === undefined) return alert;
  const { config } = context;
  const { hits } = await context.search(
    search(config.searchWindow).must(
      match('category', 'bro'),
      match('source', 'conn'),
      match('details.sourceipaddress', ip),
    ),
  );
  const taken = config.maxConnections === 0 ? hits : hits.slice(0, config.maxConnections);
  detailsOf(alert)['recentconnections'] = taken.map((hit): JsonValue => {
    const details = objectAt(hit._source['details']);
    return {
      destinationipaddress: details?.['destinationipaddress'] ?? null,
      destinationport: details?.['destinationport'] ?? null,
      timestamp: hit._source['timestamp'] ?? null,
    };
  });
  return alert;
}

/** MozDef's `port_scan_enrichment` plugin. */
export const portScanEnrichmentPlugin: AlertPlugin<PortScanEnrichmentConfig> = {
  name: 'port_scan_enrichment',
  registration: (config) => config.matchTags,
  config: portScanEnrichmentConfig,
  onAlert: (alert, context) =>
    // Registration matches a value anywhere; MozDef enriched only alerts with the tag itself.
    context.config.matchTags.some((tag) => alert.tags.includes(tag))
      ? enrichPortScan(alert, context)
      : alert,
};

export default portScanEnrichmentPlugin;
