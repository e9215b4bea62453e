import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from './program.js';

const coreSource = pathToFileURL(
  resolve(dirname(fileURLToPath(import.meta.url)), '../../core/src/index.ts'),
).href;

/*
 * An alert set: one event alert per `*.json` rule file of `config.dir` (relative to the
 * installation), `{ "name", "category" }`, alerting on events of that category. A bad file is
 * reported with its path and field, and skipped.
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
      const rule = JSON.parse(readFileSync(path, 'utf8'));
      if (typeof rule.category !== 'string') {
        log.error({ file: path, field: 'category' }, 'skipped rule file ' + path + ': category: required');
        return [];
      }
      return [defineAlert({ name: 'rule-' + rule.name, classname: 'Rule:' + file.slice(0, -5),
        description: 'rule ' + rule.name, severity: 'NOTICE', category: rule.category,
        criteria: { query: { type: 'bool', must: [{ type: 'match', field: 'category', value: rule.category }] }, window: { minutes: 5 } },
        onEvent: (event) => ({ summary: rule.name + ' ' + event._id }) })];
    });
  },
});`;

let root: string;

function capture() {
  const io = {
    stdout: '',
    stderr: '',
    out: (t: string) => void (io.stdout += t),
    err: (t: string) => void (io.stderr += t),
  };
  return io;
}

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'alertkit-cli-sets-'));
  const pkg = join(root, 'alerts', 'json-rules');
  await mkdir(join(pkg, 'dist'), { recursive: true });
  await writeFile(
    join(pkg, 'package.json'),
    JSON.stringify({
      name: 'alert-json-rules',
      version: '0.1.0',
      exports: { '.': { default: './dist/index.js' } },
    }),
  );
  await writeFile(join(pkg, 'dist', 'index.js'), SET_MODULE);
  await mkdir(join(root, 'custom'));
  await writeFile(join(root, 'custom', 'auth.json'), '{"name":"auth","category":"authentication"}');
  await writeFile(join(root, 'custom', 'proxy.json'), '{"name":"proxy","category":"proxy"}');
  await writeFile(join(root, 'custom', 'broken.json'), '{"name":"broken"}');
  await writeFile(
    join(root, 'alertkit.config.json'),
    JSON.stringify({ alerts: [{ path: 'alerts/json-rules', config: { dir: 'custom' } }] }),
  );
  await writeFile(
    join(root, 'events.ndjson'),
    [
      { _id: 'e1', _source: { category: 'authentication', utctimestamp: '2017-01-01T00:59:00Z' } },
      { _id: 'e2', _source: { category: 'proxy', utctimestamp: '2017-01-01T00:59:00Z' } },
      { _id: 'e3', _source: { category: 'other', utctimestamp: '2017-01-01T00:59:00Z' } },
    ]
      .map((e) => JSON.stringify(e))
      .join('\n'),
  );
});

afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('alert sets on the command line', () => {
  it('list shows each alert of a set as its own entry, and the skipped rule file on stderr', async () => {
    const io = capture();
    expect(await main(['list', '--config', join(root, 'alertkit.config.json')], io)).toBe(0);
    expect(io.stdout).toMatch(
      /rule-auth\s+alert-json-rules\s+0\.1\.0\s+event\s+every 1m\s+5 minutes\s+NOTICE\s+Rule:auth/,
    );
    expect(io.stdout).toMatch(/rule-proxy\s+alert-json-rules\s+0\.1\.0\s+event/);
    expect(io.stdout).not.toContain('broken');
    expect(io.stderr).toBe(
      `error: skipped rule file ${join(root, 'custom', 'broken.json')}: category: required\n`,
    );
  });

  it('validate checks each alert of the set and fails on the skipped rule file, naming it', async () => {
    const io = capture();
    expect(await main(['validate', '--config', join(root, 'alertkit.config.json')], io)).toBe(1);
    expect(io.stdout).toContain(
      `FAIL  skipped rule file ${join(root, 'custom', 'broken.json')}: category: required`,
    );
    expect(io.stdout).toMatch(/^ok {4}alert-json-rules@0\.1\.0 rule-auth {2}event/m);
    expect(io.stdout).toMatch(/^ok {4}alert-json-rules@0\.1\.0 rule-proxy {2}event/m);
    expect(io.stdout).toContain('2 of 2 alerts valid, 1 skipped by an alert set');
    expect(io.stderr).toBe('alertkit: 1 item skipped by an alert set\n');
  });

  it('replay runs every alert of the set with the installation entry config', async () => {
    const io = capture();
    const code = await main(
      [
        'replay',
        join(root, 'alerts', 'json-rules'),
        '--events',
        join(root, 'events.ndjson'),
        '--now',
        '2017-01-01T01:00:00Z',
        '--config',
        join(root, 'alertkit.config.json'),
        '--format',
        'json',
      ],
      io,
    );
    expect(code).toBe(0);
    const alerts = io.stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { _source: { classname: string; summary: string } });
    expect(alerts.map((a) => [a._source.classname, a._source.summary])).toEqual([
      ['Rule:auth', 'auth e1'],
      ['Rule:proxy', 'proxy e2'],
    ]);
  });

  it('replay without --config expands the set with its defaults (here: a missing rules/ directory)', async () => {
    const io = capture();
    const code = await main(
      [
        'replay',
        join(root, 'alerts', 'json-rules'),
        '--events',
        join(root, 'events.ndjson'),
        '--now',
        '2017-01-01T01:00:00Z',
      ],
      io,
    );
    expect(code).toBe(1);
    expect(io.stderr).toMatch(/alert set "json-rules": load failed: .*ENOENT.*rules/);
  });
});

describe('backtest of an alert set', () => {
  it('backtests each alert of the set named on the command line, with the entry config', async () => {
    const io = capture();
    const code = await main(
      [
        'backtest',
        join(root, 'alerts', 'json-rules'),
        '--config',
        join(root, 'alertkit.config.json'),
        '--events',
        join(root, 'events.ndjson'),
        '--since',
        '1h',
        '--until',
        '2017-01-01T01:00:00Z',
        '--format',
        'json',
      ],
      io,
    );
    expect(io.stderr).toContain('broken.json: category: required');
    expect(code).toBe(0);
    const report = JSON.parse(io.stdout) as { alerts: { alert: string; total: number }[] };
    expect(report.alerts.map((a) => [a.alert, a.total])).toEqual([
      ['rule-auth', 1],
      ['rule-proxy', 1],
    ]);
  });
});
