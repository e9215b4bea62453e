import { describe, expect, it } from 'vitest';
import {
  enrichSites,
  findIpAddresses,
  formatSite,
  ipSourceEnrichmentConfig,
  ipSourceEnrichmentPlugin,
} from './ip_source_enrichment.js';
import { alertWith, runPlugin } from './plugins.testkit.js';

// MozDef's tests/alerts/plugins/test_ip_source_enrichment.py, ported.
const goodIpv4 = '255.0.1.2';
const goodIpv6 = '3001:4d9c:b29:12f0::';
const badIpv4 = '192.168.0.1';
const badIpv6 = '2001:db8:a0b:12f0::';

const knownIps = [
  { range: `${goodIpv4}/8`, site: 'office1', format: '{0} known' },
  { range: `${goodIpv6}/64`, site: 'office2', format: '{0} known' },
];

const alertWithIpv4 = alertWith({
  category: 'bro',
  tags: ['portscan'],
  summary: 'this is a test alert',
  details: {
    sourceipaddress: goodIpv4,
    destinationipaddress: badIpv4,
    ports: [22, 9001, 25505, 65534],
  },
});
const alertWithIpv6 = alertWith({
  category: 'bro',
  tags: ['test'],
  summary: 'Another test alert',
  details: {
    sourceipaddress: goodIpv6,
    destinationipaddress: badIpv6,
    port: [22, 9001, 24404, 65532],
  },
});
const alertWithIpv4InSummary = alertWith({
  category: 'test',
  tags: ['ip', 'in', 'summary'],
  summary: `Testing:${goodIpv4} is a random IP in a poorly formatted string`,
  details: {},
});
const alertWithIpv6InSummary = alertWith({
  category: 'test',
  tags: ['ip', 'in', 'summary'],
  summary: `Found IPs ["${goodIpv6}"]`,
  details: {},
});

const enrich = (alert: typeof alertWithIpv4) => enrichSites(structuredClone(alert), knownIps);

describe('ip_source_enrichment (MozDef tests)', () => {
  it('test_ipv4_addrs_enriched', () => {
    const enriched = enrich(alertWithIpv4);
    expect(enriched.summary).toContain(`${goodIpv4} known`);
    expect(enriched['details']).toMatchObject({ sites: [{ ip: goodIpv4, site: 'office1' }] });
  });

  it('test_ipv6_addrs_enriched', () => {
    const enriched = enrich(alertWithIpv6);
    expect(enriched.summary).toContain(`${goodIpv6} known`);
    expect(enriched['details']).toMatchObject({ sites: [{ ip: goodIpv6, site: 'office2' }] });
  });

  it('test_ipv4_addrs_in_summary_enriched', () => {
    const enriched = enrich(alertWithIpv4InSummary);
    expect(enriched.summary).toContain(`${goodIpv4} known`);
    expect(enriched['details']).toEqual({ sites: [{ ip: goodIpv4, site: 'office1' }] });
  });

  it('test_ipv6_addrs_in_summary_enriched', () => {
    const enriched = enrich(alertWithIpv6InSummary);
    expect(enriched.summary).toContain(`${goodIpv6} known`);
    expect(enriched['details']).toEqual({ sites: [{ ip: goodIpv6, site: 'office2' }] });
  });

  it('test_unrecognized_ipv4_addrs_not_enriched', () => {
    expect(enrich(alertWithIpv4).summary).not.toContain(`${badIpv4} known`);
  });

  it('test_unrecognized_ipv6_addrs_not_enriched', () => {
    expect(enrich(alertWithIpv6).summary).not.toContain(`${badIpv6} known`);
  });
});

describe('ip_source_enrichment', () => {
  it('runs on every alert with MozDef example config by default, appending "; " + format', async () => {
    const out = await runPlugin(
      ipSourceEnrichmentPlugin,
      alertWith({
        summary: '10 ssh bruteforce attempts by 8.32.1.2',
        events: [
          {
            documentindex: 'events',
            documentid: 'e',
            documentsource: { details: { sourceipaddress: '8.32.1.2', peer: '4a00:7a49:232::' } },
          },
        ],
      }),
    );
    expect(out?.summary).toBe(
      '10 ssh bruteforce attempts by 8.32.1.2; 8.32.1.2 is in OFFICE1.; 4a00:7a49:232:: is in OFFICE2.',
    );
    // Each distinct address once, although it appears twice.
    expect(out?.['details']).toEqual({
      sites: [
        { ip: '8.32.1.2', site: 'OFFICE1' },
        { ip: '4a00:7a49:232::', site: 'OFFICE2' },
      ],
    });
  });

  it('always sets details.sites, empty when no known address is found', async () => {
    const out = await runPlugin(ipSourceEnrichmentPlugin, alertWith({ summary: 'no address' }), {
      config: { known: knownIps },
    });
    expect(out?.summary).toBe('no address');
    expect(out?.['details']).toEqual({ sites: [] });
  });

  it('finds addresses only in string values, as MozDef', () => {
    expect(findIpAddresses('a 1.2.3.4 b 2001:db8:0:1::')).toEqual(['1.2.3.4', '2001:db8:0:1::']);
    // MozDef's IPv6 expression tries `x:...:` before the longer forms, so an address with
    // digits after `::` is cut there, in Python as here (kept as MozDef; see the README).
    expect(findIpAddresses('2001:db8::1')).toEqual(['2001:db8::']);
    const keysAndNumbers = enrichSites(
      alertWith({ details: { '255.0.0.1': 1, n: 4278190081 } }),
      knownIps,
    );
    expect(keysAndNumbers['details']).toMatchObject({ sites: [] });
  });

  it('formats as Python: {0} the address, {1} the site, {} in turn, {{ }} escaped', () => {
    expect(formatSite('{0} is from {1}', '1.2.3.4', 'HQ')).toBe('1.2.3.4 is from HQ');
    expect(formatSite('{} at {} {{x}}', '1.2.3.4', 'HQ')).toBe('1.2.3.4 at HQ {x}');
  });

  it('refuses a config with a range that is not CIDR or a format with other fields', () => {
    const bad = ipSourceEnrichmentConfig.safeParse({
      known: [{ range: '10.0.0.0/33', site: 'X', format: '{0} {2}' }],
    });
    expect(bad.success).toBe(false);
    expect(bad.error?.issues.map((i) => [i.path.join('.'), i.message])).toEqual([
      ['known.0.range', expect.stringContaining('CIDR') as string],
      ['known.0.format', expect.stringContaining('{1}') as string],
    ]);
  });
});
