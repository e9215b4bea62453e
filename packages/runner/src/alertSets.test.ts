import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AlertLogger } from '@alertkit/core';
import { loadEnabledAlerts } from './installation.js';
import { loadAlertPackage, loadAlertPackages, loadAlertsDirectory } from './loadAlerts.js';
import { parseInstallationConfig } from './config/loadInstallationConfig.js';

const coreSource = pathToFileURL(
  resolve(dirname(fileURLToPath(import.meta.url)), '../../core/src/index.ts'),
).href;

/*
 * A package exporting an alert set: one event alert per `*.json` rule file of `config.dir`
 * (relative to the installation), a rule being `{ "name": "...", "category": "..." }`. A file
 * that does not parse or lacks a field is reported with its path and field, and skipped.
 */
const SET_MODULE = `import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { defineAlert, defineAlertSet, z } from ${JSON.stringify(coreSource)};
export const alertSet = defineAlertSet({
  name: 'json-rules',
  description: 'one alert per rule file',
  config: z.object({ dir: z.string().default('rules') }),
  load: (config, { log, baseDir }) => {
    const dir = resolve(baseDir, config.dir);
    return readdirSync(dir).filter((f) => f.endsWith('.json')).sort().flatMap((file) => {
      const path = join(dir, file);
      let rule;
      try { rule = JSON.parse(readFileSync(path, 'utf8')); }
      catch (e) { log.error({ file: path }, path + ': ' + e.message); return []; }
      for (const field of ['name', 'category']) {
        if (typeof rule[field] !== 'string') {
          log.error({ file: path, field }, path + ': ' + field + ': required, a string');
          return [];
        }
      }
      return [defineAlert({ name: 'rule-' + rule.name, classname: 'Rule:' + file.slice(0, -5),
        description: 'rule ' + rule.name, severity: 'NOTICE', category: rule.category,
        criteria: { query: { type: 'bool', must: [{ type: 'match', field: 'category', value: rule.category }] } },
        onEvent: () => ({ summary: rule.name }) })];
    });
  },
});`;

let root: string;
let installation: string;

function collectingLog(): AlertLogger & { errors: { details: unknown; message: string }[] } {
  const errors: { details: unknown; message: string }[] = [];
  return {
    errors,
    warn: () => undefined,
    error: (details, message) => errors.push({ details, message }),
  };
}

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'alertkit-sets-'));
  const pkg = join(root, 'alerts', 'json-rules');
  await mkdir(join(pkg, 'dist'), { recursive: true });
  await writeFile(
    join(pkg, 'package.json'),
    JSON.stringify({
      name: 'alert-json-rules',
      version: '0.2.0',
      exports: { '.': { default: './dist/index.js' } },
    }),
  );
  await writeFile(join(pkg, 'dist', 'index.js'), SET_MODULE);
  // The set's default config reads `rules/` relative to the base directory.
  await mkdir(join(root, 'rules'));
  await writeFile(join(root, 'rules', 'default_one.json'), '{"name":"one","category":"auth"}');

  installation = join(root, 'installation');
  await mkdir(join(installation, 'custom'), { recursive: true });
  await writeFile(join(installation, 'custom', 'a.json'), '{"name":"a","category":"auth"}');
  await writeFile(join(installation, 'custom', 'broken.json'), '{"name": "b", ');
  await writeFile(join(installation, 'custom', 'no_category.json'), '{"name":"c"}');
  await writeFile(join(installation, 'custom', 'z.json'), '{"name":"z","category":"proxy"}');
});

afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('alert sets', () => {
  it('expands a set with its config, reporting each bad rule file with its path and field and loading the others', async () => {
    const log = collectingLog();
    const alerts = await loadAlertPackages(join(root, 'alerts', 'json-rules'), {
      config: { dir: 'custom' },
      baseDir: installation,
      log,
    });
    expect(alerts.map((a) => [a.alert.name, a.alert.classname, a.set, a.packageName])).toEqual([
      ['rule-a', 'Rule:a', 'json-rules', 'alert-json-rules'],
      ['rule-z', 'Rule:z', 'json-rules', 'alert-json-rules'],
    ]);
    const custom = join(installation, 'custom');
    expect(log.errors).toHaveLength(2);
    expect(log.errors[0]?.message).toMatch(new RegExp(`^${join(custom, 'broken.json')}: `));
    expect(log.errors[1]).toEqual({
      details: { file: join(custom, 'no_category.json'), field: 'category' },
      message: `${join(custom, 'no_category.json')}: category: required, a string`,
    });
  });

  it('loadAlertPackage refuses a set, saying to load it as a set', async () => {
    await expect(loadAlertPackage(join(root, 'alerts', 'json-rules'))).rejects.toThrow(
      'alert-json-rules: exports the alert set "json-rules", which expands into several alerts: load it as a set',
    );
  });

  it('a directory of packages expands its sets with their default config', async () => {
    const alerts = await loadAlertsDirectory(join(root, 'alerts'), { baseDir: root });
    expect(alerts.map((a) => a.alert.name)).toEqual(['rule-one']);
  });

  it('an installation entry lists each alert of its set, with the entry schedule and staging but not its config', async () => {
    const file = join(installation, 'alertkit.config.json');
    const { config } = parseInstallationConfig(
      JSON.stringify({
        alerts: [
          {
            path: join(root, 'alerts', 'json-rules'),
            config: { dir: 'custom' },
            schedule: { every: '5m' },
            staged: true,
          },
        ],
      }),
      { file },
    );
    const log = collectingLog();
    const { alerts, scheduled } = await loadEnabledAlerts({ file, config }, [], { log });
    expect(alerts.map((a) => a.alert.name)).toEqual(['rule-a', 'rule-z']);
    expect(scheduled).toEqual([
      expect.objectContaining({
        source: 'alert-json-rules@0.2.0',
        schedule: { every: '5m' },
        staged: true,
      }),
      expect.objectContaining({
        source: 'alert-json-rules@0.2.0',
        schedule: { every: '5m' },
        staged: true,
      }),
    ]);
    // The set consumed the entry's config; its alerts are not exported by the module.
    for (const entry of scheduled) {
      expect(entry.config).toBeUndefined();
      expect(entry.module).toBeUndefined();
    }
    expect(log.errors.map((e) => (e.details as { file: string }).file)).toEqual([
      join(installation, 'custom', 'broken.json'),
      join(installation, 'custom', 'no_category.json'),
    ]);
  });

  it('a bad config of the set stops the load, naming the set and the key', async () => {
    await expect(
      loadAlertPackages(join(root, 'alerts', 'json-rules'), {
        config: { dri: 'custom' },
        baseDir: installation,
      }),
    ).rejects.toThrow('alert "json-rules": invalid config: dri: unknown key');
  });
});
