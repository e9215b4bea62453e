import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { createRequire } from 'node:module';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z, type AlertDocument } from '@alertkit/core';
import { createEmbeddedStore, match, search } from '@alertkit/query';
import { AlertWorkers } from './isolation/alertWorkers.js';
import { createLogger } from './logger.js';
import {
  composePlugins,
  configurePlugin,
  definePlugin,
  loadPlugins,
  type ConfiguredPlugin,
} from './plugins.js';

/** zod as this package resolves it, for plugin modules written to a temporary directory. */
const zodUrl = pathToFileURL(createRequire(import.meta.url).resolve('zod')).href;

const alert: AlertDocument = {
  utctimestamp: '2017-01-01T01:00:00+00:00',
  severity: 'NOTICE',
  summary: '10 ssh bruteforce attempts by 10.2.3.4',
  category: 'bruteforce',
  tags: ['ssh'],
  events: [
    {
      documentindex: 'events',
      documentid: 'a',
      documentsource: { details: { sourceipaddress: '10.2.3.4' } },
    },
  ],
  channel: null,
  notify_mozdefbot: false,
  status: 'manual',
  classname: 'AlertBruteforceSsh',
};

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'alertkit-plugins-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('alert plugins', () => {
  it('run in priority order, only when registered for something in the alert', async () => {
    const calls: string[] = [];
    const tag = (name: string, registration: string | string[], priority?: number) =>
      definePlugin({
        name,
        registration,
        ...(priority === undefined ? {} : { priority }),
        onAlert: (a) => {
          calls.push(name);
          return { ...a, tags: [...a.tags, name] };
        },
      });
    const chain = composePlugins([
      tag('late', '*', 200),
      tag('by-value', 'bruteforce'),
      tag('nested-key', 'sourceipaddress', 50),
      tag('unregistered', ['geomodel', 'nothing']),
      tag('upper-case-never-matches', 'AlertBruteforceSsh'),
    ]);
    const out = await chain(alert);
    expect(calls).toEqual(['nested-key', 'by-value', 'late']);
    expect(out?.tags).toEqual(['ssh', 'nested-key', 'by-value', 'late']);
    expect(alert.tags).toEqual(['ssh']);
  });

  it('see what earlier plugins changed, keep the alert when one throws, and suppress it on null', async () => {
    const lines: string[] = [];
    const logger = createLogger({
      level: 'info',
      destination: { write: (l: string) => void lines.push(l) },
    });
    const chain = composePlugins(
      [
        definePlugin({ name: 'enrich', onAlert: (a) => ({ ...a, category: 'enriched' }) }),
        definePlugin({
          name: 'after-enrich',
          registration: 'enriched',
          onAlert: (a) => ({ ...a, severity: 'WARNING' }),
        }),
        definePlugin({
          name: 'broken',
          onAlert: () => {
            throw new Error('boom');
          },
        }),
      ],
      logger,
    );
    expect(await chain(alert)).toMatchObject({ category: 'enriched', severity: 'WARNING' });
    expect(lines.join('')).toContain('"plugin":"broken"');
    const suppress = composePlugins(
      [definePlugin({ name: 'drop', registration: 'ssh', onAlert: () => null })],
      logger,
    );
    expect(await suppress(alert)).toBeNull();
  });

  it('load from the installation file: paths to modules default-exporting a plugin', async () => {
    await writeFile(join(dir, 'ok.mjs'), "export default { name: 'ok', onAlert: (a) => a };");
    await writeFile(join(dir, 'bad.mjs'), 'export default 42;');
    expect((await loadPlugins(['./ok.mjs'], dir)).map((p) => p.plugin.name)).toEqual(['ok']);
    await expect(loadPlugins(['./ok.mjs', './bad.mjs'], dir)).rejects.toThrow(
      'plugins[1]: "./bad.mjs" must default-export { name, onAlert(alert, context)',
    );
    await expect(loadPlugins(['alertkit-plugin-missing'], dir)).rejects.toThrow(
      'plugins[0]: "alertkit-plugin-missing" is not installed',
    );
  });

  it('load a package export (`pkg/sub`) and refuse a subpath the package does not export', async () => {
    const pkg = join(dir, 'node_modules', '@acme', 'plugins');
    await mkdir(join(pkg, 'dist'), { recursive: true });
    await writeFile(
      join(pkg, 'package.json'),
      JSON.stringify({
        name: '@acme/plugins',
        type: 'module',
        exports: { './tagger': { default: './dist/tagger.js' } },
      }),
    );
    await writeFile(
      join(pkg, 'dist', 'tagger.js'),
      "export default { name: 'tagger', registration: ['ssh'], priority: 7, onAlert: (a) => a };",
    );
    const [tagger] = await loadPlugins([{ plugin: '@acme/plugins/tagger', timeoutMs: 250 }], dir);
    expect(tagger).toMatchObject({
      spec: '@acme/plugins/tagger',
      registration: ['ssh'],
      priority: 7,
      timeoutMs: 250,
    });
    await expect(
      loadPlugins(['@acme/plugins/tagger', '@acme/plugins/nope'], dir, { file: 'x.json' }),
    ).rejects.toThrow('x.json: plugins[1]: cannot load "@acme/plugins/nope"');
  });

  it("parse the config with the plugin's schema; errors name the file and the key path", async () => {
    const plugin = definePlugin({
      name: 'sites',
      config: z.strictObject({
        known: z.array(z.strictObject({ range: z.string().min(3), site: z.string() })).default([]),
        matchTag: z.string().default('portscan'),
      }),
      registration: (config) => [config.matchTag],
      onAlert: (a) => a,
    });
    const loaded = configurePlugin(plugin, plugin.config?.parse({}));
    expect(loaded).toMatchObject({ registration: ['portscan'], timeoutMs: 5000, priority: 100 });
    const module = join(dir, 'sites-plugin.mjs');
    await writeFile(
      module,
      `import { z } from ${JSON.stringify(zodUrl)};
export default { name: 'sites', config: z.strictObject({ known: z.array(z.strictObject({ range: z.string(), site: z.string() })) }), onAlert: (a) => a };`,
    );
    const [configured] = await loadPlugins(
      [{ plugin: './sites-plugin.mjs', config: { known: [{ range: '10.0.0.0/8', site: 'HQ' }] } }],
      dir,
    );
    expect(configured?.config).toEqual({ known: [{ range: '10.0.0.0/8', site: 'HQ' }] });
    await expect(
      loadPlugins(
        ['./ok.mjs', { plugin: './sites-plugin.mjs', config: { known: [{ range: 8 }], x: 1 } }],
        dir,
        { file: '/etc/alertkit.json' },
      ),
    ).rejects.toThrow(
      /^\/etc\/alertkit.json: plugin sites: plugins\[1\]\.config\.known\[0\]\.range: .*expected string.*plugins\[1\]\.config\.known\[0\]\.site: .*plugins\[1\]\.config\.x: unknown key "x"$/,
    );
    await expect(loadPlugins([{ plugin: './ok.mjs', config: { a: 1 } }], dir)).rejects.toThrow(
      'plugins[0].config: plugin ok takes no config',
    );
  });

  it("give onAlert the store search (window ending at the run's now), the config and a logger", async () => {
    const store = createEmbeddedStore();
    store.ingest([
      {
        _index: 'events',
        _id: 'in',
        _source: {
          utctimestamp: '2017-01-01T00:30:00+00:00',
          tags: ['auth0'],
          details: { username: 'ann' },
        },
      },
      {
        _index: 'events',
        _id: 'old',
        _source: {
          utctimestamp: '2016-12-30T00:30:00+00:00',
          tags: ['auth0'],
          details: { username: 'old' },
        },
      },
      {
        _index: 'events',
        _id: 'later',
        _source: {
          utctimestamp: '2017-01-01T02:30:00+00:00',
          tags: ['auth0'],
          details: { username: 'late' },
        },
      },
    ]);
    const lines: string[] = [];
    const logger = createLogger({
      level: 'info',
      destination: { write: (l: string) => void lines.push(l) },
    });
    const now = new Date('2017-01-01T01:00:00Z');
    const chain = composePlugins(
      [
        configurePlugin(
          definePlugin<{ field: string }>({
            name: 'who',
            onAlert: async (a, context) => {
              const { hits } = await context.search(
                search({ hours: 6 }).must(match('tags', 'auth0')),
              );
              context.log.info({ hits: hits.length }, 'searched');
              return {
                ...a,
                details: {
                  [context.config.field]: hits.map((h) => h._source['details'] ?? null),
                  at: context.now.toISOString(),
                  id: context.alertId,
                },
              };
            },
          }),
          { field: 'found' },
        ),
      ],
      logger,
      { store },
    );
    const out = await chain(alert, { now, alertId: 'alert-1' });
    expect(out?.details).toEqual({
      found: [{ username: 'ann' }],
      at: '2017-01-01T01:00:00.000Z',
      id: 'alert-1',
    });
    expect(lines.join('')).toMatch(/"plugin":"who","alertId":"alert-1".*"hits":1/);
    // Without a store, searching fails like any plugin error: the alert goes on unchanged.
    expect(
      await composePlugins(
        [
          configurePlugin(
            definePlugin({
              name: 'who',
              onAlert: async (a, c) => {
                await c.search(search());
                return { ...a, summary: 'changed' };
              },
            }),
          ),
        ],
        logger,
      )(alert),
    ).toEqual(alert);
  });

  it('leave the alert as it was when a plugin never settles or throws, logging its name and the alert id', async () => {
    const lines: string[] = [];
    const logger = createLogger({
      level: 'info',
      destination: { write: (l: string) => void lines.push(l) },
    });
    const neverSettles = definePlugin({
      name: 'hangs',
      timeoutMs: 20,
      onAlert: (a) => {
        // Mutates its copy, then waits forever: neither may reach the alert.
        a.summary = 'changed by a plugin that hung';
        return new Promise<AlertDocument>(() => {});
      },
    });
    const after = definePlugin({ name: 'after', onAlert: (a) => ({ ...a, severity: 'WARNING' }) });
    const chain = composePlugins([neverSettles, after], logger);
    const out = await chain(alert, { now: new Date(), alertId: 'alert-9' });
    expect(out).toEqual({ ...alert, severity: 'WARNING' });
    const line = lines
      .map((l) => JSON.parse(l) as Record<string, unknown>)
      .find((l) => l['plugin'] === 'hangs');
    expect(line).toMatchObject({ alertId: 'alert-9', timeoutMs: 20 });
    expect(line?.['msg']).toContain('time limit');
    // The entry's limit overrides the plugin's.
    const configured = configurePlugin(neverSettles, undefined, { timeoutMs: 30 });
    lines.length = 0;
    await composePlugins([configured], logger)(alert, { now: new Date(), alertId: 'alert-10' });
    expect(lines.join('')).toContain('"timeoutMs":30');
  });

  it('in a worker: a synchronous endless loop is stopped at its limit, the alert goes on, the next plugin runs', async () => {
    await writeFile(
      join(dir, 'loops.mjs'),
      "export default { name: 'loops', onAlert: () => { for (;;) {} } };",
    );
    // A worker plugin searches the main thread's store, reads its config and logs through it.
    await writeFile(
      join(dir, 'counts.mjs'),
      `export default { name: 'counts', onAlert: async (a, context) => {
        const found = await context.search({ query: { type: 'bool', must: [{ type: 'match', field: 'details.program', value: 'sshd' }] } });
        context.log.info({ total: found.total }, 'searched');
        return { ...a, details: { ...a.details, sshdEvents: found.total, label: context.config } };
      } };`,
    );
    const lines: string[] = [];
    const logger = createLogger({
      level: 'info',
      destination: { write: (l: string) => void lines.push(l) },
    });
    const store = createEmbeddedStore({
      events: [
        {
          _index: 'events',
          _id: 'e1',
          _source: { utctimestamp: '2017-01-01T00:59:00+00:00', details: { program: 'sshd' } },
        },
      ],
    });
    const [loops, counts] = await loadPlugins(['./loops.mjs', './counts.mjs'], dir);
    const workers = new AlertWorkers();
    workers.warm([loops?.module ?? '', counts?.module ?? '']);
    try {
      const chain = composePlugins(
        [
          { ...(loops as ConfiguredPlugin), timeoutMs: 1_000 },
          { ...(counts as ConfiguredPlugin), config: 'lab', timeoutMs: 60_000 },
        ],
        logger,
        { store, workers },
      );
      const out = await chain(alert, { now: new Date('2017-01-01T01:00:00Z'), alertId: 'a-1' });
      expect(out?.summary).toBe(alert.summary);
      expect(out?.details).toEqual({ sshdEvents: 1, label: 'lab' });
      const parsed = lines.map((l) => JSON.parse(l) as Record<string, unknown>);
      expect(parsed.find((l) => l['plugin'] === 'loops')).toMatchObject({
        alertId: 'a-1',
        timeoutMs: 1_000,
      });
      expect(parsed.find((l) => l['msg'] === 'searched')).toMatchObject({
        plugin: 'counts',
        alertId: 'a-1',
        total: 1,
      });
    } finally {
      await workers.close();
    }
  }, 120_000);
});
