/**
 * MozDef's tests/alerts/geomodel/test_factors.py (asn_movement through the pipe), on MozDef's
 * mock records and on a real MaxMind database holding the same records
 * (test/fixtures/asn-test.mmdb, built by build-asn-test-mmdb.pl), and the factor in a run.
 */
import { fileURLToPath } from 'node:url';
import { runAlertCase, negative, positive } from '@alertkit/harness';
import { describe, expect, it } from 'vitest';
import {
  alert,
  asnMovement,
  openAsnDatabase,
  pipeFactors,
  type AsnLookup,
  type Hop,
  type HopEnd,
} from '../src/index.js';

const DB = fileURLToPath(new URL('./fixtures/asn-test.mmdb', import.meta.url));

const records: Record<string, object> = {
  '1.2.3.4': { autonomous_system_number: 54321, autonomous_system_organization: 'CLOUDFLARENET' },
  '4.3.2.1': { autonomous_system_number: 12345, autonomous_system_organization: 'MOZILLA_SFO1' },
  '5.6.7.8': { autonomous_system_number: 67891, autonomous_system_organization: 'AMAZONAWSNET' },
};
const mockDb: AsnLookup = { get: (ip) => records[ip] ?? null };

const nullOrigin = (ip: string): HopEnd => ({
  ip,
  city: 'Null',
  country: 'NA',
  latitude: 0,
  longitude: 0,
  observed: 0,
});
const hops: Hop[] = [
  { origin: nullOrigin('1.2.3.4'), destination: nullOrigin('4.3.2.1') },
  { origin: nullOrigin('4.3.2.1'), destination: nullOrigin('5.6.7.8') },
];
const org = (pair: unknown, side: 0 | 1) =>
  ((pair as Record<string, unknown>[])[side] as Record<string, unknown>)[
    'autonomous_system_organization'
  ];

describe('asn_movement (MozDef test_factors.py)', () => {
  for (const [name, db] of [
    ['mock records', () => Promise.resolve(mockDb)],
    ['a MaxMind database', () => openAsnDatabase(DB)],
  ] as const) {
    it(`escalates and lists each change of ASN organisation (${name})`, async () => {
      const altered = pipeFactors({ hops, severity: 'INFO', factors: [] }, [
        asnMovement(await db(), 'WARNING'),
      ]);
      expect(altered.severity).toBe('WARNING');
      expect(altered.factors).toHaveLength(1);
      const asnHops = altered.factors[0]?.['asn_hops'] as unknown[];
      expect(asnHops).toHaveLength(2);
      expect([
        org(asnHops[0], 0),
        org(asnHops[0], 1),
        org(asnHops[1], 0),
        org(asnHops[1], 1),
      ]).toEqual(['CLOUDFLARENET', 'MOZILLA_SFO1', 'MOZILLA_SFO1', 'AMAZONAWSNET']);
    });
  }

  it('keeps the severity when no IP changes organisation or one is not in the database', async () => {
    const reader = await openAsnDatabase(DB);
    const unknown: Hop[] = [{ origin: nullOrigin('1.2.3.4'), destination: nullOrigin('9.9.9.9') }];
    expect(
      pipeFactors({ hops: unknown, severity: 'INFO', factors: [] }, [
        asnMovement(reader, 'WARNING'),
      ]),
    ).toEqual({ hops: unknown, severity: 'INFO', factors: [{ asn_hops: [] }] });
  });

  it('refuses a file that is not a MaxMind database, naming it', async () => {
    const notDb = fileURLToPath(new URL('./fixtures/build-asn-test-mmdb.pl', import.meta.url));
    await expect(openAsnDatabase(notDb)).rejects.toThrow(
      `cannot open the MaxMind ASN database ${notDb}`,
    );
  });
});

describe('the ASN factor in a run', () => {
  const login = (ip: string, city: string, latitude: number, longitude: number, at: string) => ({
    _source: {
      tags: ['auth0'],
      utctimestamp: at,
      details: {
        username: 'tester1',
        sourceipaddress: ip,
        sourceipgeolocation: { city, country_code: 'XX', latitude, longitude },
      },
    },
  });
  const toronto = login('1.2.3.4', 'Toronto', 43.6529, -79.3849, '2017-01-01T00:59:00+00:00');
  const sanFrancisco = login(
    '4.3.2.1',
    'San Francisco',
    37.773972,
    -122.431297,
    '2017-01-01T01:00:00+00:00',
  );

  it('sets asnMovementSeverity and the asn_hops factor from the configured database', async () => {
    const config = {
      factors: { asnMovement: { maxmindDbPath: DB } },
      asnMovementSeverity: 'WARNING',
    };
    const run = await runAlertCase(
      alert,
      { config },
      positive(
        'Toronto then San Francisco a minute later, from two ASNs',
        [toronto, sanFrancisco],
        {
          severity: 'WARNING',
        },
      ),
    );
    const details = run.alerts[0]?._source['details'] as { factors: unknown };
    expect(details.factors).toEqual([
      {
        asn_hops: [
          [
            { autonomous_system_number: 54321, autonomous_system_organization: 'CLOUDFLARENET' },
            { autonomous_system_number: 12345, autonomous_system_organization: 'MOZILLA_SFO1' },
          ],
        ],
      },
    ]);
  });

  it('fails the run before searching when the database cannot be opened', async () => {
    const config = { factors: { asnMovement: { maxmindDbPath: '/nonexistent/asn.mmdb' } } };
    await expect(runAlertCase(alert, { config }, negative('any', [toronto]))).rejects.toThrow(
      /prepare failed: cannot open the MaxMind ASN database \/nonexistent\/asn\.mmdb/,
    );
  });
});
