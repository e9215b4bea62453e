import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { checkActions } from './actions.js';
import { processRedactor, REDACTED } from './config/redact.js';
import { loadInstallationConfig } from './config/loadInstallationConfig.js';
import { installationConfigSchema } from './config/schema.js';
import { openInstallation } from './installation.js';

const here = dirname(fileURLToPath(import.meta.url));
const source = (pkg: string) => pathToFileURL(resolve(here, `../../${pkg}/src/index.ts`)).href;
const NOW = new Date('2026-11-01T12:00:00Z');
let dir: string;

/** A local endpoint for the actions: records `METHOD path` and answers `status`. */
interface Endpoint {
  url: string;
  calls: { path: string; body: unknown }[];
  status: number;
  server: Server;
}
async function startEndpoint(): Promise<Endpoint> {
  const endpoint = { calls: [], status: 202 } as unknown as Endpoint;
  endpoint.server = createServer((request, response) => {
    let text = '';
    request.on('data', (chunk: Buffer) => (text += chunk.toString()));
    request.on('end', () => {
      endpoint.calls.push({ path: request.url ?? '', body: JSON.parse(text) as unknown });
      response.statusCode = endpoint.status;
      response.setHeader('content-type', 'application/json');
      response.end(JSON.stringify({ status: 'success' }));
    });
  });
  await new Promise<void>((done) => endpoint.server.listen(0, '127.0.0.1', done));
  endpoint.url = `http://127.0.0.1:${(endpoint.server.address() as AddressInfo).port}`;
  return endpoint;
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'alertkit-actions-'));
  const pkg = join(dir, 'alerts', 'login-from-ip');
  await mkdir(join(pkg, 'dist'), { recursive: true });
  await writeFile(
    join(pkg, 'package.json'),
    JSON.stringify({
      name: 'alert-login-from-ip',
      version: '1.0.0',
      exports: { '.': { default: './dist/index.js' } },
    }),
  );
  await writeFile(
    join(pkg, 'dist', 'index.js'),
    `import { defineAlert } from ${JSON.stringify(source('core'))};
import { match, search } from ${JSON.stringify(source('query'))};
export const alert = defineAlert({ name: 'login-from-ip', description: 'a login', severity: 'CRITICAL', category: 'auth', tags: ['pageme'],
  criteria: search({ minutes: 5 }).must(match('summary', 'login')), onEvent: (e) => ({ summary: 'login ' + e._id }) });`,
  );
  const at = (s: number) => new Date(NOW.getTime() - s * 1000).toISOString();
  await writeFile(
    join(dir, 'events.ndjson'),
    [
      {
        _id: 'e1',
        _source: {
          utctimestamp: at(30),
          summary: 'login ok',
          details: { sourceipaddress: '198.51.100.7' },
        },
      },
      {
        _id: 'e2',
        _source: {
          utctimestamp: at(60),
          summary: 'login ok',
          details: { sourceipaddress: '198.51.100.8' },
        },
      },
    ]
      .map((e) => JSON.stringify(e))
      .join('\n'),
  );
});
afterAll(() => rm(dir, { recursive: true, force: true }));

describe('actions in an installation', () => {
  let endpoint: Endpoint;
  beforeEach(async () => {
    endpoint = await startEndpoint();
  });
  afterEach(async () => {
    endpoint.server.closeAllConnections();
    await new Promise<void>((done) => endpoint.server.close(() => done()));
  });

  async function writeConfig(name: string, extra: Record<string, unknown> = {}): Promise<string> {
    const file = join(dir, `${name}.json`);
    await writeFile(
      file,
      JSON.stringify({
        alerts: [{ path: join(dir, 'alerts', 'login-from-ip') }],
        store: { type: 'memory', events: ['events.ndjson'] },
        sinks: [{ type: 'file', path: `${name}/alerts.ndjson` }],
        stateDir: `${name}-state`,
        actions: [
          {
            action: '@alertkit/actions/pagerduty',
            config: {
              url: `${endpoint.url}/v2/enqueue`,
              integrations: [{ tag: 'pageme', routingKey: 'rk' }],
            },
          },
          {
            action: '@alertkit/actions/block-ip',
            config: { url: endpoint.url, alertNames: ['AlertLoginFromIp'] },
          },
          { action: './missing-action.mjs', enabled: false },
        ],
        ...extra,
      }),
    );
    return file;
  }

  it('runs the enabled actions on each saved alert once, and not again after a restart or a redelivery', async () => {
    const file = await writeConfig('once');
    const first = await openInstallation(await loadInstallationConfig({ file }), { fresh: true });
    expect((await first.runner.runCycle(NOW)).raised).toBe(2);
    await first.actions?.whenIdle();
    await first.close();
    expect(endpoint.calls.map((c) => c.path).sort()).toEqual([
      '/blockip',
      '/blockip',
      '/v2/enqueue',
      '/v2/enqueue',
    ]);
    expect(
      endpoint.calls
        .filter((c) => c.path === '/blockip')
        .map((c) => (c.body as [{ ipaddress: string }])[0].ipaddress)
        .sort(),
    ).toEqual(['198.51.100.7/32', '198.51.100.8/32']);
    const journal = await readFile(join(dir, 'once-state', 'actions.journal'), 'utf8');
    expect(journal).toContain('"status":"succeeded"');

    const second = await openInstallation(await loadInstallationConfig({ file }));
    const saved = await second.store.listAlerts();
    await second.actions?.run(saved); // a redelivery of the same alerts
    await second.runner.runCycle(new Date(NOW.getTime() + 60_000));
    await second.actions?.whenIdle();
    await second.close();
    expect(endpoint.calls).toHaveLength(4);
    for (const alert of saved)
      expect(second.actions?.record(alert._id, 'pagerduty')).toMatchObject({
        status: 'succeeded',
        attempts: 1,
      });
  });

  it('a failing endpoint is retried and recorded as failed; the alerts are still saved and delivered', async () => {
    endpoint.status = 500;
    const file = await writeConfig('failing');
    const config = await loadInstallationConfig({ file });
    config.config.actions = config.config.actions.map((a) => ({ ...a, maxAttempts: 2 }));
    const installation = await openInstallation(config, { fresh: true });
    expect((await installation.runner.runCycle(NOW)).raised).toBe(2);
    await installation.actions?.whenIdle();
    const saved = await installation.store.listAlerts();
    await installation.close();
    expect(endpoint.calls).toHaveLength(8); // 2 alerts x 2 actions x 2 attempts
    for (const alert of saved)
      expect(installation.actions?.record(alert._id, 'block-ip')).toMatchObject({
        status: 'failed',
        attempts: 2,
      });
    const delivered = (await readFile(join(dir, 'failing', 'alerts.ndjson'), 'utf8'))
      .trim()
      .split('\n');
    expect(delivered).toHaveLength(2);
  });

  it('an action in a synchronous endless loop is stopped at its limit; the others run and the alerts are delivered', async () => {
    await writeFile(
      join(dir, 'loops-action.mjs'),
      "export default { name: 'loops', registration: ['*'], run: () => { for (;;) {} } };",
    );
    const file = await writeConfig('loops');
    const config = await loadInstallationConfig({ file });
    config.config.actions = [
      { action: './loops-action.mjs', enabled: true, timeoutMs: 1_000, maxAttempts: 1 },
      ...config.config.actions,
    ];
    const installation = await openInstallation(config, { fresh: true });
    expect((await installation.runner.runCycle(NOW)).raised).toBe(2);
    await installation.actions?.whenIdle();
    const saved = await installation.store.listAlerts();
    await installation.close();
    for (const alert of saved) {
      expect(installation.actions?.record(alert._id, 'loops')).toMatchObject({
        status: 'failed',
        attempts: 1,
      });
      expect(installation.actions?.record(alert._id, 'pagerduty')).toMatchObject({
        status: 'succeeded',
      });
    }
    expect(endpoint.calls.filter((c) => c.path === '/v2/enqueue')).toHaveLength(2);
    const delivered = (await readFile(join(dir, 'loops', 'alerts.ndjson'), 'utf8'))
      .trim()
      .split('\n');
    expect(delivered).toHaveLength(2);
  }, 120_000);

  it('staged alerts run no actions', async () => {
    const file = await writeConfig('staged');
    const config = await loadInstallationConfig({ file });
    config.config.alerts = config.config.alerts.map((a) => ({ ...a, staged: true }));
    const installation = await openInstallation(config, { fresh: true });
    expect((await installation.runner.runCycle(NOW)).raised).toBe(2);
    await installation.actions?.whenIdle();
    await installation.close();
    expect(endpoint.calls).toHaveLength(0);
  });
});

describe('checkActions', () => {
  const entries = (actions: unknown[]) => installationConfigSchema.parse({ actions }).actions;

  it('loads each action by package subpath and validates its config, naming the entry and key', async () => {
    const checked = await checkActions(
      entries([
        { action: '@alertkit/actions/block-ip', config: { url: 'http://blocker.example' } },
        { action: '@alertkit/actions/pagerduty', config: { integrations: [{ tag: 'x' }] } },
        { action: '@alertkit/actions/no-such-action' },
      ]),
      dir,
    );
    await writeFile(join(dir, 'not-an-action.mjs'), 'export default { name: "x" };');
    expect(checked[0]?.configured?.registration).toEqual(['alertbruteforcessh']);
    expect(checked[1]?.error?.message).toMatch(
      /^actions\[1\] \(pagerduty\): config\.integrations\.0\.routingKey: /,
    );
    expect(checked[2]?.error?.message).toMatch(
      /^actions\[2\]: cannot load action "@alertkit\/actions\/no-such-action"/,
    );
    const again = await checkActions(entries([{ action: './not-an-action.mjs' }]), dir);
    expect(again[0]?.error?.message).toMatch(
      /^actions\[0\]: ".\/not-an-action.mjs" must default-export an action/,
    );
  });

  it("registers the secrets an action declares (PagerDuty's routing keys) with the process's redaction point", async () => {
    const routingKey = 'R0UT1NG-KEY-4-actions-test';
    expect(processRedactor.text(`refused ${routingKey}`)).toContain(routingKey);
    const [checked] = await checkActions(
      entries([
        {
          action: '@alertkit/actions/pagerduty',
          config: { integrations: [{ tag: 'pageme', routingKey }] },
        },
      ]),
      dir,
    );
    expect(checked?.configured?.secrets).toEqual([routingKey]);
    expect(processRedactor.text(`refused ${routingKey}`)).toBe(`refused ${REDACTED}`);
  });

  it('the installation file refuses an unknown key in an action entry', () => {
    const result = installationConfigSchema.safeParse({ actions: [{ action: 'x', retries: 3 }] });
    expect(result.error?.issues[0]?.path).toEqual(['actions', 0]);
  });
});
