import { spawn, type ChildProcess } from 'node:child_process';
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { get } from 'node:http';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The environment for npm/pnpm commands aimed at a local registry: ours, minus every `npm_*`
 * variable. Under `pnpm test` the test process inherits `npm_config_registry` and friends from
 * pnpm, and an `npm_config_*` variable beats a project's `.npmrc`: an installation must be
 * steered by its own `.npmrc`, as it is for people, not by the test runner's environment.
 */
export function registryClientEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (!/^npm_/i.test(key)) env[key] = value;
  }
  return {
    ...env,
    CI: 'true',
    TURBO_TELEMETRY_DISABLED: '1',
    FORCE_COLOR: '0',
    NO_COLOR: '1',
    ...extra,
  };
}

/**
 * GETs a JSON document from the registry on a fresh connection. (A kept-alive socket can be
 * closed by verdaccio during a minutes-long release between two requests; undici's fetch then
 * fails with "other side closed".)
 */
export async function registryJson(url: string): Promise<{ status: number; body: unknown }> {
  return new Promise((resolveJson, reject) => {
    get(url, { agent: false, headers: { accept: 'application/json' } }, (response) => {
      let text = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => (text += chunk));
      response.on('end', () => {
        try {
          resolveJson({
            status: response.statusCode ?? 0,
            body: text === '' ? undefined : (JSON.parse(text) as unknown),
          });
        } catch (error) {
          reject(
            new Error(`${url}: not JSON (${response.statusCode ?? '?'}): ${text.slice(0, 200)}`, {
              cause: error,
            }),
          );
        }
      });
      response.on('error', reject);
    }).on('error', reject);
  });
}

/** The documented private-registry config (README "Releasing"); the test runs exactly this file. */
export const registryConfigFile = resolve(
  dirname(fileURLToPath(import.meta.url)),
  '../../registry/config.yaml',
);

/** A running verdaccio on loopback, its storage in a temporary directory. */
export interface LocalRegistry {
  /** `http://127.0.0.1:<port>/` (with the trailing slash npm writes in lockfiles). */
  url: string;
  port: number;
  /** The temporary directory holding the config copy, `storage/` and `htpasswd`. */
  dir: string;
  /** Stops verdaccio and deletes its directory. Idempotent. */
  stop(): Promise<void>;
}

async function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => resolvePort(port));
    });
  });
}

async function waitForPing(
  url: string,
  child: ChildProcess,
  output: () => string,
  timeoutMs: number,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null)
      throw new Error(`verdaccio exited with ${child.exitCode} before answering:\n${output()}`);
    try {
      if ((await registryJson(`${url}-/ping`)).status === 200) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`verdaccio did not answer ${url}-/ping within ${timeoutMs} ms:\n${output()}`);
}

/**
 * Starts verdaccio (the e2e package's devDependency, 6.8.0: the last line that supports Node 20)
 * with the documented config, copied into a fresh temporary directory so that its relative
 * `storage` and `htpasswd` paths land there, on 127.0.0.1 and a free port. Resolves once
 * `/-/ping` answers (about a second).
 */
export async function startRegistry(): Promise<LocalRegistry> {
  const dir = mkdtempSync(join(tmpdir(), 'alertkit-registry-'));
  const config = join(dir, 'config.yaml');
  copyFileSync(registryConfigFile, config);
  const port = await freePort();
  const url = `http://127.0.0.1:${port}/`;
  const bin = resolve(
    dirname(createRequire(import.meta.url).resolve('verdaccio/package.json')),
    'bin',
    'verdaccio',
  );
  const child = spawn(
    process.execPath,
    [bin, '--config', config, '--listen', `127.0.0.1:${port}`],
    {
      cwd: dir,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, FORCE_COLOR: '0', NO_COLOR: '1' },
    },
  );
  let log = '';
  const collect = (chunk: Buffer): void => {
    // Keep only the tail: a long run must not grow this without bound.
    log = (log + chunk.toString('utf8')).slice(-20_000);
  };
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  const stop = async (): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      await exited;
    }
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    await waitForPing(url, child, () => log, 30_000);
  } catch (error) {
    await stop();
    throw error;
  }
  return { url, port, dir, stop };
}
