import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { composePlugins, configurePlugin, createLogger } from '@alertkit/runner';
import {
  enrichIpIntel,
  geomodelIpintelConfig,
  geomodelIpintelEnrichmentPlugin,
} from './geomodel_ipintel_enrichment.js';
import { alertWith, NOW, runPlugin } from './plugins.testkit.js';

const hop = (origin: string, destination: string) => ({
  origin: { ip: origin },
  destination: { ip: destination },
});
const testAlert = () =>
  alertWith({
    summary: 'test alert',
    tags: ['geomodel'],
    details: {
      hops: [hop('1.2.3.4', '4.3.2.1'), hop('4.3.2.1', '1.4.2.3'), hop('1.4.2.3', '1.2.3.4')],
    },
  });
const testIntel = { '1.2.3.4': { TorNode: 127 }, '4.3.2.1': { Spam: 32, VPN: 80 } };

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ipintel-'));
  await writeFile(join(dir, 'intel.json'), JSON.stringify(testIntel));
  await writeFile(join(dir, 'bad.json'), JSON.stringify({ '1.2.3.4': { TorNode: 'high' } }));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('geomodel_ipintel_enrichment', () => {
  it("MozDef's test_enrichment", () => {
    const enriched = enrichIpIntel(testAlert(), testIntel);
    const details = enriched['details'] as { hops: unknown[]; ipintel: unknown[] };
    expect(details.hops).toHaveLength(3);
    expect(details.ipintel).toHaveLength(3);
    expect(details.ipintel).toContainEqual({
      ip: '1.2.3.4',
      classification: 'TorNode',
      threatscore: 127,
    });
    expect(details.ipintel).toContainEqual({
      ip: '4.3.2.1',
      classification: 'Spam',
      threatscore: 32,
    });
    expect(details.ipintel).toContainEqual({
      ip: '4.3.2.1',
      classification: 'VPN',
      threatscore: 80,
    });
    expect(enriched.summary).toBe(
      'test alert; Tor nodes detected: 1.2.3.4; VPNs detected: 4.3.2.1',
    );
  });

  it('reads the intel file of its config and enriches geomodel-tagged alerts only', async () => {
    const config = { intel_file_path: join(dir, 'intel.json') };
    const out = await runPlugin(geomodelIpintelEnrichmentPlugin, testAlert(), { config });
    expect(out?.summary).toBe('test alert; Tor nodes detected: 1.2.3.4; VPNs detected: 4.3.2.1');
    const untagged = { ...testAlert(), tags: ['other'] };
    expect(await runPlugin(geomodelIpintelEnrichmentPlugin, untagged, { config })).toEqual(
      untagged,
    );
  });

  it('sets an empty ipintel and keeps the summary when no hop is known', () => {
    const enriched = enrichIpIntel(testAlert(), { '8.8.8.8': { TorNode: 1 } });
    expect(enriched['details']).toMatchObject({ ipintel: [] });
    expect(enriched.summary).toBe('test alert');
    expect(enrichIpIntel(alertWith({ summary: 's' }), testIntel)['details']).toEqual({
      ipintel: [],
    });
  });

  it('refuses a config without an existing intel file (MozDef shipped an empty path)', () => {
    const empty = geomodelIpintelConfig.safeParse({ intel_file_path: '' });
    expect(empty.success).toBe(false);
    const missing = geomodelIpintelConfig.safeParse({ intel_file_path: join(dir, 'nope.json') });
    expect(missing.error?.issues[0]?.message).toContain('no such file');
  });

  it('fails (leaving the alert as it was) on an intel file of the wrong shape, naming the file', async () => {
    const lines: string[] = [];
    const logger = createLogger({
      level: 'warn',
      destination: { write: (l: string) => void lines.push(l) },
    });
    const config = geomodelIpintelConfig.parse({ intel_file_path: join(dir, 'bad.json') });
    const chain = composePlugins(
      [configurePlugin(geomodelIpintelEnrichmentPlugin, config)],
      logger,
    );
    expect(await chain(testAlert(), { now: NOW, alertId: 'a1' })).toEqual(testAlert());
    expect(lines.join('')).toContain('bad.json');
  });
});
