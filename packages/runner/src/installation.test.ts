import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EmbeddedStore } from '@alertkit/query';
import { loadInstallationConfig } from './config/loadInstallationConfig.js';
import { loadEnabledAlerts, openInstallation } from './installation.js';
import { createLogger } from './logger.js';
import { blockCodecs } from '../test/blockCodecs.js';

const here = dirname(fileURLToPath(import.meta.url));
const source = (pkg: string) => pathToFileURL(resolve(here, `../../${pkg}/src/index.ts`)).href;
const NOW = new Date('2026-11-01T12:00:00Z');
let dir: string;

/** An alert package on disk whose built entry imports core and query from source. */
async function writeAlertPackage(): Promise<string> {
  const pkg = join(dir, 'alerts', 'wrong-password');
  await mkdir(join(pkg, 'dist'), { recursive: true });
  await writeFile(
    join(pkg, 'package.json'),
    JSON.stringify({
      name: 'alert-wrong-password',
      version: '0.4.2',
      exports: { '.': { default: './dist/index.js' } },
    }),
  );
  await writeFile(
    join(pkg, 'dist', 'index.js'),
    `import { defineAlert } from ${JSON.stringify(source('core'))};
import { match, search } from ${JSON.stringify(source('query'))};
export const alert = defineAlert({ name: 'wrong-password', description: 'a wrong password', severity: 'WARNING', category: 'auth',
  criteria: search({ minutes: 5 }).must(match('summary', 'wrong')), onEvent: (e) => ({ summary: 'wrong password on ' + e._id }),
  afterRun: async (_config, { state }) => { await state.put('runs', { count: ((await state.get('runs'))?.count ?? 0) + 1 }); } });`,
  );
  return pkg;
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'alertkit-installation-'));
  await writeAlertPackage();
  // Two events the alert matches, a malformed line, and one the mapping refuses (a non-IP in an ip field).
  const at = (s: number) => new Date(NOW.getTime() - s * 1000).toISOString();
  await writeFile(
    join(dir, 'events.ndjson'),
    [
      JSON.stringify({
        _id: 'e1',
        _source: { utctimestamp: at(30), summary: 'wrong password for root' },
      }),
      '{"broken": ',
      JSON.stringify({
        _id: 'e2',
        _source: {
          utctimestamp: at(60),
          summary: 'Wrong password for bob',
          details: { sourceipaddress: 'nope' },
        },
      }),
      JSON.stringify({ _id: 'e3', _source: { utctimestamp: at(90), summary: 'WRONG PASSWORD' } }),
    ].join('\n'),
  );
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('an installation on the memory store', () => {
  it('skips bad event lines, alerts, persists alerts and tags, and does not re-alert after a restart', async () => {
    const alertDir = join(dir, 'alerts', 'wrong-password');
    const configFile = join(dir, 'alertkit.config.json');
    await writeFile(
      configFile,
      JSON.stringify({
        alerts: [{ path: alertDir }],
        store: { type: 'memory', events: ['events.ndjson'] },
        sinks: [{ type: 'file', path: 'out/alerts.ndjson' }],
        stateDir: 'state',
      }),
    );
    const lines: string[] = [];
    const logger = createLogger({
      level: 'warn',
      destination: { write: (line: string) => void lines.push(line) },
    });

    const first = await openInstallation(await loadInstallationConfig({ file: configFile }), {
      logger,
    });
    expect(first.alerts.map((a) => `${a.packageName}@${a.version}`)).toEqual([
      'alert-wrong-password@0.4.2',
    ]);
    const summary = await first.runner.runCycle(NOW);
    expect(summary.raised).toBe(2);
    await first.close();
    expect(lines.join('')).toContain('skipped a malformed event');
    expect(lines.join('')).toContain('skipped an event the mapping refuses');
    const delivered = (await readFile(join(dir, 'out', 'alerts.ndjson'), 'utf8'))
      .trim()
      .split('\n');
    expect(
      delivered
        .map((l) => (JSON.parse(l) as { _source: { summary: string } })._source.summary)
        .sort(),
    ).toEqual(['wrong password on e1', 'wrong password on e3']);

    // A restart reloads the events from the files and the alerts and tags from the state file.
    const second = await openInstallation(await loadInstallationConfig({ file: configFile }), {
      logger,
    });
    expect(await second.store.listAlerts()).toHaveLength(2);
    // The alert's state came back from the state file too.
    expect(await second.store.getState?.('wrong-password', 'runs')).toEqual({ count: 1 });
    const again = await second.runner.runCycle(new Date(NOW.getTime() + 60_000));
    expect(again.raised).toBe(0);
    expect(await second.store.getState?.('wrong-password', 'runs')).toEqual({ count: 2 });
    await second.close();

    // --fresh forgets it all: the same events alert again.
    const fresh = await openInstallation(await loadInstallationConfig({ file: configFile }), {
      logger,
      fresh: true,
    });
    expect((await fresh.runner.runCycle(NOW)).raised).toBe(2);
    expect(await fresh.store.getState?.('wrong-password', 'runs')).toEqual({ count: 1 });
    await fresh.close();
  });

  it('keeps the loaded events in LZ4 blocks on two threads (no core idle to compress) and DEFLATE on one, or as store.codec says, read back whole', async () => {
    const home = join(dir, 'codec');
    await mkdir(home, { recursive: true });
    const events = Array.from({ length: 600 }, (_, i) => ({
      _index: 'events',
      _id: `z${i}`,
      _source: { utctimestamp: NOW.toISOString(), summary: `event ${i} from host${i % 9}` },
    }));
    await writeFile(join(home, 'events.ndjson'), events.map((e) => JSON.stringify(e)).join('\n'));
    const configFile = join(home, 'alertkit.config.json');
    const codecs = async (loadThreads: number, codec?: string) => {
      await writeFile(
        configFile,
        JSON.stringify({
          alerts: [],
          store: { type: 'memory', events: ['events.ndjson'], loadThreads, codec },
          stateDir: 'state',
        }),
      );
      const installation = await openInstallation(
        await loadInstallationConfig({ file: configFile }),
      );
      const store = installation.store as EmbeddedStore;
      await store.index.sources.settled();
      expect([...store.index.allEvents()]).toEqual(events);
      const codecs = await blockCodecs(store);
      await installation.close();
      return codecs;
    };
    // (A file this small is read on the main thread alone, by the store made for two.)
    expect(await codecs(2)).toEqual(['lz4', 'lz4', 'open']);
    expect(await codecs(1)).toEqual(['deflate 6', 'deflate 6', 'open']);
    // The installation's choice (store.codec) over either default.
    expect(await codecs(1, 'lz4')).toEqual(['lz4', 'lz4', 'open']);
    // DEFLATE on two threads at the fast level, as before LZ4.
    expect(await codecs(2, 'deflate')).toEqual(['deflate 1', 'deflate 1', 'open']);
  });

  it('runs the plugins the installation file names on each alert before it is saved', async () => {
    const alertDir = join(dir, 'alerts', 'wrong-password');
    await writeFile(
      join(dir, 'plugin.mjs'),
      "export default { name: 'escalate', registration: 'auth', onAlert: (a) => ({ ...a, severity: 'CRITICAL', summary: a.summary + ' [escalated]' }) };",
    );
    const configFile = join(dir, 'with-plugin.json');
    await writeFile(
      configFile,
      JSON.stringify({
        alerts: [{ path: alertDir }],
        store: { type: 'memory', events: ['events.ndjson'] },
        plugins: ['./plugin.mjs'],
        stateDir: 'plugin-state',
      }),
    );
    const installation = await openInstallation(
      await loadInstallationConfig({ file: configFile }),
      { fresh: true },
    );
    await installation.runner.runCycle(NOW);
    const saved = await installation.store.listAlerts();
    await installation.close();
    expect(saved.map((a) => [a._source.severity, a._source.summary]).sort()).toEqual([
      ['CRITICAL', 'wrong password on e1 [escalated]'],
      ['CRITICAL', 'wrong password on e3 [escalated]'],
    ]);
  });

  it('gives configured plugins the store, and saves and delivers the alert when a plugin never settles', async () => {
    const alertDir = join(dir, 'alerts', 'wrong-password');
    await writeFile(
      join(dir, 'hangs.mjs'),
      "export default { name: 'hangs', onAlert: (a) => { a.summary = 'hung'; return new Promise(() => {}); } };",
    );
    // Counts the alert's matching events in the store with the run's now and a configured word.
    await writeFile(
      join(dir, 'count.mjs'),
      `import { z } from ${JSON.stringify(source('core'))};
import { match, search } from ${JSON.stringify(source('query'))};
export default { name: 'count', registration: (c) => [c.tag], config: z.strictObject({ word: z.string(), tag: z.string().default('auth') }),
  onAlert: async (a, { search: find, config }) => {
    const { total } = await find(search({ minutes: 5 }).must(match('summary', config.word)));
    return { ...a, details: { ...a.details, matching: total } };
  } };`,
    );
    const configFile = join(dir, 'with-configured-plugins.json');
    const delivered = join(dir, 'delivered.ndjson');
    await writeFile(
      configFile,
      JSON.stringify({
        alerts: [{ path: alertDir }],
        store: { type: 'memory', events: ['events.ndjson'] },
        sinks: [{ type: 'file', name: 'file', path: delivered }],
        plugins: [
          { plugin: './hangs.mjs', timeoutMs: 50 },
          { plugin: './count.mjs', config: { word: 'password' } },
        ],
        stateDir: 'configured-plugin-state',
      }),
    );
    const lines: string[] = [];
    const logger = createLogger({
      level: 'warn',
      destination: { write: (l: string) => void lines.push(l) },
    });
    const installation = await openInstallation(
      await loadInstallationConfig({ file: configFile }),
      { fresh: true, logger },
    );
    await installation.runner.runCycle(NOW);
    const saved = await installation.store.listAlerts();
    await installation.close();
    expect(saved.map((a) => [a._source.summary, a._source.details]).sort()).toEqual([
      ['wrong password on e1', { matching: 2 }],
      ['wrong password on e3', { matching: 2 }],
    ]);
    const sent = (await readFile(delivered, 'utf8')).trim().split('\n');
    expect(sent).toHaveLength(2);
    const hung = lines
      .map((l) => JSON.parse(l) as Record<string, unknown>)
      .filter((l) => l['plugin'] === 'hangs');
    expect(hung.map((l) => l['alertId']).sort()).toEqual(saved.map((a) => a._id).sort());

    await writeFile(
      configFile,
      JSON.stringify({
        alerts: [{ path: alertDir }],
        plugins: ['./hangs.mjs', { plugin: './count.mjs', config: { word: 3 } }],
        stateDir: 'configured-plugin-state',
      }),
    );
    await expect(
      openInstallation(await loadInstallationConfig({ file: configFile })),
    ).rejects.toThrow(/with-configured-plugins\.json: plugin count: plugins\[1\]\.config\.word: /);
  });

  it('refuses an installed package outside its version range, naming both', async () => {
    const root = join(dir, 'installed');
    await mkdir(join(root, 'node_modules'), { recursive: true });
    await writeFile(join(root, 'package.json'), '{}');
    await rm(join(root, 'node_modules', 'alert-wrong-password'), { recursive: true, force: true });
    const { cp } = await import('node:fs/promises');
    await cp(
      join(dir, 'alerts', 'wrong-password'),
      join(root, 'node_modules', 'alert-wrong-password'),
      { recursive: true },
    );
    const configFile = join(root, 'alertkit.config.json');
    await writeFile(
      configFile,
      JSON.stringify({
        alerts: [{ package: 'alert-wrong-password', version: '^0.5.0' }],
        stateDir: 'state',
      }),
    );
    await expect(
      openInstallation(await loadInstallationConfig({ file: configFile })),
    ).rejects.toThrow(
      'alerts: alert-wrong-password@0.4.2 is installed but the installation asks for ^0.5.0',
    );
    await writeFile(
      configFile,
      JSON.stringify({ alerts: [{ package: 'alert-missing' }], stateDir: 'state' }),
    );
    await expect(
      openInstallation(await loadInstallationConfig({ file: configFile })),
    ).rejects.toThrow('package "alert-missing" is not installed');
  });

  it('an entry with enabled: false keeps its alert off even when a directory of alerts holds it', async () => {
    const alertsDir = join(dir, 'alerts');
    const enabledNames = async (entry: Record<string, unknown>) => {
      const configFile = join(dir, 'disabled.json');
      await writeFile(configFile, JSON.stringify({ alerts: [entry], stateDir: 'state' }));
      const { alerts, scheduled } = await loadEnabledAlerts(
        await loadInstallationConfig({ file: configFile }),
        [alertsDir],
      );
      expect(scheduled.map((s) => s.alert.name)).toEqual(alerts.map((a) => a.alert.name));
      return alerts.map((a) => a.alert.name);
    };
    // Named by path (relative to the installation file) or by package name.
    expect(await enabledNames({ path: 'alerts/wrong-password', enabled: false })).toEqual([]);
    expect(await enabledNames({ package: 'alert-wrong-password', enabled: false })).toEqual([]);
    // Enabled (or another alert disabled), the directory's copy runs, once.
    expect(await enabledNames({ path: 'alerts/wrong-password' })).toEqual(['wrong-password']);
    expect(await enabledNames({ package: 'alert-other', enabled: false })).toEqual([
      'wrong-password',
    ]);
  });

  it('an entry naming a package that is not installed configures the one of an --alerts directory', async () => {
    const configFile = join(dir, 'from-dirs.json');
    await writeFile(
      configFile,
      JSON.stringify({
        alerts: [{ package: 'alert-wrong-password', config: {}, schedule: { every: '5m' } }],
        stateDir: 'state',
      }),
    );
    const loaded = await loadInstallationConfig({ file: configFile });
    const { alerts, scheduled } = await loadEnabledAlerts(loaded, [join(dir, 'alerts')]);
    // Once, with the entry's schedule and config.
    expect(alerts.map((a) => a.dir)).toEqual([join(dir, 'alerts', 'wrong-password')]);
    expect(scheduled).toEqual([expect.objectContaining({ schedule: { every: '5m' }, config: {} })]);
    // Without the directory it is not found, and the error says where it was looked for.
    await expect(loadEnabledAlerts(loaded, [])).rejects.toThrow(
      /package "alert-wrong-password" is not installed in .* nor in a directory given with --alerts/,
    );
  });
});
