import { describe, expect, it } from 'vitest';
import {
  enrichPortScan,
  portScanEnrichmentConfig,
  portScanEnrichmentPlugin,
} from './port_scan_enrichment.js';
import { alertWith, eventWith, hoursAgo, NOW, runPlugin, storeWith } from './plugins.testkit.js';

// MozDef's example, with the T the events mapping's date format needs to index it.
const EXAMPLE_TIMESTAMP = '2016-07-13T22:33:31.625443+00:00';

const conn = (from: string, to: string, port: number, hours: number) => ({
  utctimestamp: hoursAgo(hours),
  timestamp: EXAMPLE_TIMESTAMP,
  category: 'bro',
  source: 'conn',
  details: { sourceipaddress: from, destinationipaddress: to, destinationport: port },
});

const scanAlert = (ip = '127.0.0.1') =>
  alertWith({
    tags: ['portscan'],
    events: [eventWith({ details: { sourceipaddress: ip } })],
    details: { something: 'original' },
  });

describe('port_scan_enrichment', () => {
  it("MozDef's test_alert_enriched: at most maxConnections recent connections, details kept", async () => {
    const store = storeWith([
      conn('127.0.0.1', '1.2.3.4', 80, 0.5),
      conn('127.0.0.1', '4.3.2.1', 443, 0.5),
    ]);
    const config = portScanEnrichmentConfig.parse({
      searchWindow: { hours: 1 },
      maxConnections: 1,
    });
    const enriched = await enrichPortScan(scanAlert(), {
      config,
      search: (criteria) =>
        store.search({ criteria: 'build' in criteria ? criteria.build() : criteria, now: NOW }),
    });
    const details = enriched['details'] as Record<string, unknown>;
    expect(details['recentconnections']).toHaveLength(1);
    expect(details['recentconnections']).toEqual([
      { destinationipaddress: '1.2.3.4', destinationport: 80, timestamp: EXAMPLE_TIMESTAMP },
    ]);
    expect(details['something']).toBe('original');
  });

  it('searches the connections of the first event source only, within the window', async () => {
    const store = storeWith([
      conn('10.0.0.5', '1.1.1.1', 22, 1),
      conn('10.0.0.6', '2.2.2.2', 22, 1),
      conn('10.0.0.5', '3.3.3.3', 25, 30),
      { ...conn('10.0.0.5', '4.4.4.4', 80, 1), source: 'dns' },
    ]);
    const out = await runPlugin(portScanEnrichmentPlugin, scanAlert('10.0.0.5'), { store });
    expect(out?.['details']).toEqual({
      something: 'original',
      recentconnections: [
        { destinationipaddress: '1.1.1.1', destinationport: 22, timestamp: EXAMPLE_TIMESTAMP },
      ],
    });
    const wider = await runPlugin(portScanEnrichmentPlugin, scanAlert('10.0.0.5'), {
      store,
      config: { searchWindow: { days: 2 }, maxConnections: 0 },
    });
    expect(
      (
        wider?.['details'] as { recentconnections: { destinationipaddress: string }[] }
      ).recentconnections.map((c) => c.destinationipaddress),
    ).toEqual(['1.1.1.1', '3.3.3.3']);
  });

  it('reads its config under the names of its JSON file (MozDef read searchIndices and searched alerts)', async () => {
    // The events are found although MozDef's own config would have sent it to the alerts index.
    const store = storeWith([conn('10.0.0.5', '1.1.1.1', 22, 1)]);
    await store.saveAlert({
      _index: 'alerts',
      _id: 'old-alert',
      _source: { ...scanAlert('10.0.0.5'), category: 'bro', source: 'conn' },
    });
    const out = await runPlugin(portScanEnrichmentPlugin, scanAlert('10.0.0.5'), {
      store,
      config: { maxConnections: 32, matchTags: ['portscan'], searchWindow: { hours: 24 } },
    });
    expect(out?.['details']).toMatchObject({
      recentconnections: [{ destinationipaddress: '1.1.1.1' }],
    });
    expect(portScanEnrichmentConfig.safeParse({ indicesToSearch: ['events-weekly'] }).success).toBe(
      false,
    );
  });

  it('only enriches alerts tagged with one of matchTags (empty: portscan)', async () => {
    const store = storeWith([conn('10.0.0.5', '1.1.1.1', 22, 1)]);
    const untagged = { ...scanAlert('10.0.0.5'), tags: ['other'], category: 'portscan' };
    expect(await runPlugin(portScanEnrichmentPlugin, untagged, { store })).toEqual(untagged);
    const custom = { ...scanAlert('10.0.0.5'), tags: ['scan'] };
    const out = await runPlugin(portScanEnrichmentPlugin, custom, {
      store,
      config: { matchTags: ['scan'] },
    });
    expect(out?.['details']).toHaveProperty('recentconnections');
    expect(portScanEnrichmentConfig.parse({ matchTags: [] }).matchTags).toEqual(['portscan']);
  });

  it('leaves an alert without a first event source address alone', async () => {
    const alert = alertWith({ tags: ['portscan'] });
    expect(await runPlugin(portScanEnrichmentPlugin, alert, { store: storeWith([]) })).toEqual(
      alert,
    );
  });

  it('refuses an empty or unknown search window', () => {
    expect(portScanEnrichmentConfig.safeParse({ searchWindow: {} }).success).toBe(false);
    expect(portScanEnrichmentConfig.safeParse({ searchWindow: { fortnights: 1 } }).success).toBe(
      false,
    );
  });
});
