import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AlertkitError } from '@alertkit/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadInstallationConfig, parseInstallationConfig } from './loadInstallationConfig.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'alertkit-config-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** The CONFIG_INVALID error thrown by `fn`. */
async function configError(fn: () => unknown): Promise<AlertkitError> {
  try {
    await fn();
  } catch (error) {
    expect(error).toBeInstanceOf(AlertkitError);
    expect((error as AlertkitError).code).toBe('CONFIG_INVALID');
    return error as AlertkitError;
  }
  throw new Error('expected a CONFIG_INVALID error');
}

describe('loadInstallationConfig', () => {
  it('fills in defaults when no installation file exists', async () => {
    const { config, file } = await loadInstallationConfig({ cwd: dir, env: {} });
    expect(file).toBeUndefined();
    expect(config.alerts).toEqual([]);
    expect(config.sinks).toEqual([]);
    expect(config.store).toEqual({
      type: 'memory',
      events: [],
      loadThreads: 1,
      stateFile: join(dir, '.alertkit', 'store.json'),
    });
    expect(config.stateDir).toBe(join(dir, '.alertkit'));
    expect(config.catchUp).toBe(60);
    expect(config.timeoutMs).toBe(10_000);
  });

  it('reads YAML, substitutes ${ENV} references and resolves paths against the file', async () => {
    await writeFile(
      join(dir, 'alertkit.config.yaml'),
      [
        'alerts:',
        '  - path: alerts/bruteforce-ssh',
        '    schedule: { every: 5m }',
        '    config: { threshold: 20 }',
        '  - package: alert-proxy-drop',
        '    version: ^1.0.0',
        'store:',
        '  type: memory',
        '  events: [events/sample.ndjson]',
        '  indexCache: cache/index',
        'sinks:',
        '  - type: rabbitmq',
        '    url: amqp://mozdef:${MQ_PASSWORD}@mq.example.org:5672/',
        '  - type: webhook',
        '    url: https://hooks.example.org/alerts',
        '    headers: { Authorization: "Bearer ${HOOK_TOKEN}" }',
        '  - { type: file, path: out/alerts.ndjson }',
      ].join('\n'),
    );
    const { config, file, secrets } = await loadInstallationConfig({
      cwd: dir,
      env: { MQ_PASSWORD: 's3cr3t!', HOOK_TOKEN: 'tok-123456' },
    });
    expect(file).toBe(join(dir, 'alertkit.config.yaml'));
    expect(config.alerts).toEqual([
      {
        path: join(dir, 'alerts/bruteforce-ssh'),
        enabled: true,
        staged: false,
        schedule: { every: '5m' },
        config: { threshold: 20 },
      },
      { package: 'alert-proxy-drop', version: '^1.0.0', enabled: true, staged: false },
    ]);
    expect(config.store).toMatchObject({
      type: 'memory',
      events: [join(dir, 'events/sample.ndjson')],
      indexCache: join(dir, 'cache/index'),
    });
    expect(config.sinks[0]).toEqual({
      type: 'rabbitmq',
      url: 'amqp://mozdef:s3cr3t!@mq.example.org:5672/',
      exchange: 'alerts',
      routingKey: 'mozdef.alert',
      stagedRoutingKey: 'mozdef.alert.staged',
      deliver: 'all',
      timeoutMs: 10_000,
    });
    expect(config.sinks[1]).toMatchObject({
      headers: { Authorization: 'Bearer tok-123456' },
      retries: 3,
    });
    expect(config.sinks[2]).toEqual({
      type: 'file',
      path: join(dir, 'out/alerts.ndjson'),
      deliver: 'live',
    });
    expect(secrets).toEqual(expect.arrayContaining(['s3cr3t!', 'Bearer tok-123456']));
  });

  it('reads JSON and Elasticsearch store defaults', async () => {
    await writeFile(
      join(dir, 'alertkit.config.json'),
      JSON.stringify({
        store: {
          type: 'elasticsearch',
          node: 'http://es:9200',
          auth: { username: 'elastic', password: '${ES_PASSWORD}' },
        },
      }),
    );
    const { config, secrets } = await loadInstallationConfig({
      cwd: dir,
      env: { ES_PASSWORD: 'changeme' },
    });
    expect(config.store).toEqual({
      type: 'elasticsearch',
      node: 'http://es:9200',
      indices: ['events', 'events-previous'],
      alertIndex: 'alerts',
      stateIndex: 'alertkit-state',
      auth: { username: 'elastic', password: 'changeme' },
      requestTimeoutMs: 30_000,
    });
    expect(secrets).toContain('changeme');
  });

  it('loads an ES module config (default export)', async () => {
    await writeFile(
      join(dir, 'alertkit.config.mjs'),
      "export default { sinks: [{ type: 'stdout', format: 'table' }] };",
    );
    const { config } = await loadInstallationConfig({ cwd: dir, env: {} });
    expect(config.sinks).toEqual([{ type: 'stdout', format: 'table', deliver: 'live' }]);
  });

  it('keeps $${X} as a literal ${X}', () => {
    const { config } = parseInstallationConfig(
      'sinks: [{type: webhook, url: "https://h.example/x", headers: {X-Template: "$${id}"}}]',
      {
        file: join(dir, 'alertkit.config.yaml'),
        env: {},
      },
    );
    expect(config.sinks[0]).toMatchObject({ headers: { 'X-Template': '${id}' } });
  });

  it('names the file, key path, line and variable when an environment variable is missing', async () => {
    const error = await configError(() =>
      parseInstallationConfig('sinks:\n  - type: rabbitmq\n    url: amqp://u:${MQ_PASSWORD}@h/\n', {
        file: '/etc/alertkit.config.yaml',
        env: {},
      }),
    );
    expect(error.message).toBe(
      '/etc/alertkit.config.yaml:3: sinks[0].url: environment variable MQ_PASSWORD is not set',
    );
    expect(error.details).toMatchObject({
      file: '/etc/alertkit.config.yaml',
      line: 3,
      path: 'sinks[0].url',
      variable: 'MQ_PASSWORD',
    });
  });

  it('names the key path and YAML line of a value of the wrong type', async () => {
    const yaml = ['alerts:', '  - path: alerts/a', 'catchUp: 10', 'timeoutMs: soon', ''].join('\n');
    const error = await configError(() =>
      parseInstallationConfig(yaml, { file: 'alertkit.config.yaml', env: {} }),
    );
    expect(error.message).toMatch(/^alertkit\.config\.yaml:4: timeoutMs: .*expected number/);
    expect(error.details).toMatchObject({ line: 4, path: 'timeoutMs' });
  });

  it('names a missing required key and the entry that lacks it', async () => {
    const yaml = ['sinks:', '  - type: webhook', '    retries: 2', ''].join('\n');
    const error = await configError(() =>
      parseInstallationConfig(yaml, { file: 'c.yaml', env: {} }),
    );
    expect(error.message).toMatch(
      /^c\.yaml:2: sinks\[0\]\.url: .*expected string, received undefined/,
    );
  });

  it('points at an unknown key (a typo) by name and line', async () => {
    const yaml = [
      'sinks:',
      '  - type: rabbitmq',
      '    url: amqp://h/',
      '    routingkey: mozdef.alert',
      '',
    ].join('\n');
    const error = await configError(() =>
      parseInstallationConfig(yaml, { file: 'c.yaml', env: {} }),
    );
    expect(error.message).toBe('c.yaml:4: sinks[0].routingkey: unknown key "routingkey"');
  });

  it('lists the sink types when the type is unknown', async () => {
    const error = await configError(() =>
      parseInstallationConfig('{"sinks": [{"type": "kafka"}]}', { file: 'c.json', env: {} }),
    );
    expect(error.message).toBe(
      'c.json:1: sinks[0].type: expected one of "rabbitmq", "webhook", "stdout", "file"',
    );
  });

  it('reports every problem, the first one in the message head', async () => {
    const json =
      '{\n  "alerts": [{"path": "a", "package": "b"}],\n  "sinks": [{"type": "webhook", "url": "not a url"}]\n}';
    const error = await configError(() =>
      parseInstallationConfig(json, { file: 'c.json', env: {} }),
    );
    expect(error.details?.['issues']).toEqual([
      {
        path: 'alerts[0]',
        reason: 'give exactly one of `path` (a directory) or `package` (an npm package name)',
        line: 2,
      },
      { path: 'sinks[0].url', reason: expect.stringMatching(/URL/i) as unknown, line: 3 },
    ]);
    expect(error.message).toMatch(/^c\.json:2: alerts\[0\]: give exactly one/);
  });

  it('reports the line of a JSON syntax error', async () => {
    const error = await configError(() =>
      parseInstallationConfig('{\n  "alerts": [],\n  "sinks": [,]\n}', { file: 'c.json', env: {} }),
    );
    expect(error.message).toMatch(/^c\.json:3: not valid JSON/);
  });

  it('reports the line of a YAML syntax error', async () => {
    const error = await configError(() =>
      parseInstallationConfig('alerts: []\nsinks: [\n  {type: stdout\n', {
        file: 'c.yaml',
        env: {},
      }),
    );
    expect(error.message).toMatch(/^c\.yaml:\d+: not valid YAML/);
  });

  it('names the file when it cannot be read or has an unknown extension', async () => {
    const missing = await configError(() =>
      loadInstallationConfig({ cwd: dir, file: 'nope.yaml', env: {} }),
    );
    expect(missing.message).toContain(join(dir, 'nope.yaml'));
    await writeFile(join(dir, 'alertkit.toml'), '');
    const toml = await configError(() =>
      loadInstallationConfig({ cwd: dir, file: 'alertkit.toml', env: {} }),
    );
    expect(toml.message).toContain('unsupported installation file type ".toml"');
  });
});
