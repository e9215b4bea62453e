import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AlertDocument } from '@alertkit/core';
import { createLogger } from './logger.js';
import { composePlugins, definePlugin, loadPlugins } from './plugins.js';

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
    expect((await loadPlugins(['./ok.mjs'], dir)).map((p) => p.name)).toEqual(['ok']);
    await expect(loadPlugins(['./bad.mjs'], dir)).rejects.toThrow(
      'plugins: "./bad.mjs" must default-export { name, onAlert(alert)',
    );
    await expect(loadPlugins(['alertkit-plugin-missing'], dir)).rejects.toThrow(
      'plugins: "alertkit-plugin-missing" is not installed',
    );
  });
});
