import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { alertkitBin } from './lib/cli.js';
import { repoRoot } from './lib/workspaceCopy.js';

// The issue's scenario: a webhook URL whose password and query token come from the environment,
// the sink failing in each way it can, one `alertkit run --once` over the bundled sample. No
// secret may reach stdout, stderr or any file under the state directory.

const PASSWORD = 'pw-9f8e7d6c5b';
const TOKEN = 'tok-1a2b3c4d5e6f';
const HEADER = 'hdr-77aa88bb99cc';
const dir = mkdtempSync(join(tmpdir(), 'alertkit-secrets-'));
const servers: Server[] = [];
const seen: { authorization?: string | undefined; url?: string | undefined }[] = [];

function listen(handler: (req: IncomingMessage, res: ServerResponse) => void): Promise<number> {
  const server = createServer(handler);
  servers.push(server);
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port)),
  );
}

let failing: number;
let accepting: number;
let closed: number;

beforeAll(async () => {
  // Answers 500 quoting the request URL (with its token) back, as some servers do.
  failing = await listen((req, res) => {
    res
      .writeHead(500, { 'content-type': 'text/plain' })
      .end(`cannot handle ${req.url ?? ''} for ${String(req.headers['x-hook'])}`);
  });
  accepting = await listen((req, res) => {
    seen.push({ authorization: req.headers.authorization, url: req.url });
    req.resume();
    req.on('end', () => res.writeHead(200).end('ok'));
  });
  // A port that was just free: connection refused.
  const spare = createServer();
  closed = await new Promise<number>((resolve) =>
    spare.listen(0, '127.0.0.1', () => resolve((spare.address() as AddressInfo).port)),
  );
  await new Promise((resolve) => spare.close(resolve));
});

afterAll(() => {
  for (const server of servers) server.close();
  rmSync(dir, { recursive: true, force: true });
});

/** Every file under a directory, recursively. */
function files(root: string): string[] {
  return readdirSync(root, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? files(join(root, e.name)) : [join(root, e.name)],
  );
}

/** `alertkit` run without blocking this process (the test's HTTP servers must answer meanwhile). */
function alertkitAsync(
  args: string[],
  env: NodeJS.ProcessEnv,
): Promise<{ status: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [alertkitBin, ...args],
      { cwd: repoRoot, env: { ...process.env, ...env, NO_COLOR: '1' } },
      (error, stdout, stderr) =>
        resolve({ status: error ? ((error as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
  });
}

async function runWith(name: string, url: string) {
  const stateDir = join(dir, name);
  const config = join(dir, `${name}.json`);
  writeFileSync(
    config,
    JSON.stringify({
      alerts: [{ path: join(repoRoot, 'alerts/failed-logins') }],
      store: { type: 'memory', events: [join(repoRoot, 'packages/cli/samples/events.ndjson')] },
      sinks: [
        {
          type: 'webhook',
          url,
          headers: { 'X-Hook': '${HOOK_HEADER}' },
          retries: 0,
          backoffMs: 1,
          timeoutMs: 2000,
        },
      ],
      stateDir,
      log: { level: 'debug' },
    }),
  );
  const run = await alertkitAsync(
    ['run', '--once', '--config', config, '--now', '2026-11-01T12:00:00Z'],
    {
      HOOK_PW: PASSWORD,
      HOOK_TOKEN: TOKEN,
      HOOK_HEADER: HEADER,
    },
  );
  return { run, stateDir };
}

describe('secrets from ${VAR} (URL password, query string, header) never leave the process', () => {
  it.each([
    ['refused', () => `http://user:\${HOOK_PW}@127.0.0.1:${closed}/hook?token=\${HOOK_TOKEN}`],
    [
      '500 quoting the URL',
      () => `http://user:\${HOOK_PW}@127.0.0.1:${failing}/hook?token=\${HOOK_TOKEN}`,
    ],
    ['TLS error', () => `https://user:\${HOOK_PW}@127.0.0.1:${failing}/hook?token=\${HOOK_TOKEN}`],
  ])(
    'sink %s: no secret on stdout, stderr or in any state file; state files are owner-only',
    async (name, url) => {
      const { run, stateDir } = await runWith(name.replace(/\W+/g, '-'), url());
      const everything = [
        run.stdout,
        run.stderr,
        ...files(stateDir).map((f) => readFileSync(f, 'utf8')),
      ].join('\n');
      expect(run.stderr).toContain('deliveries are pending');
      expect(everything).not.toContain(PASSWORD);
      expect(everything).not.toContain(TOKEN);
      expect(everything).not.toContain(HEADER);
      expect(everything).not.toContain(encodeURIComponent(TOKEN));
      expect(statSync(stateDir).mode & 0o777).toBe(0o700);
      for (const file of files(stateDir)) expect(statSync(file).mode & 0o077, file).toBe(0);
    },
  );

  it('a URL with credentials is sent with HTTP Basic auth (and without the credentials in the URL)', async () => {
    const { run } = await runWith(
      'basic',
      `http://alertkit:\${HOOK_PW}@127.0.0.1:${accepting}/hook?token=\${HOOK_TOKEN}`,
    );
    expect(run.status, run.stderr).toBe(0);
    expect(seen.length).toBeGreaterThan(0);
    expect(seen[0]?.authorization).toBe(
      `Basic ${Buffer.from(`alertkit:${PASSWORD}`).toString('base64')}`,
    );
    expect(seen[0]?.url).toBe(`/hook?token=${TOKEN}`);
    expect(run.stderr + run.stdout).not.toContain(PASSWORD);
  });
});
