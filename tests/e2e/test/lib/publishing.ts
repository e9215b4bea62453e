import { spawnSync } from 'node:child_process';
import {
  appendFileSync,
  cpSync,
  existsSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ndjson } from './cli.js';
import { registryClientEnv } from './registry.js';
import { repoRoot, type Run } from './workspaceCopy.js';

/*
 * The pieces of the publish test that are not assertions: preparing a clone for releasing,
 * and a plain npm installation that consumes the registry.
 */

/** The package.json fields the publish test reads. */
export interface Manifest {
  name: string;
  version: string;
  files?: string[];
  dependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
}

/** One `packages` entry of an npm `package-lock.json`. */
export interface LockEntry {
  version?: string;
  resolved?: string;
}

/** Runs a command to completion with the npm_*-free environment (see registryClientEnv). */
export function exec(
  cwd: string,
  command: string,
  args: string[],
  env: NodeJS.ProcessEnv = {},
): Run {
  const result = spawnSync(command, args, {
    cwd,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
    env: registryClientEnv(env),
    maxBuffer: 64 * 1024 * 1024,
  });
  return { status: result.status ?? 1, stdout: result.stdout, stderr: result.stderr };
}

/** Reads and parses a JSON file. */
export function readJson<T>(path: string): T {
  return JSON.parse(readFileSync(path, 'utf8')) as T;
}

/**
 * Readies a `cloneWorkspace()` clone for `pnpm release` to the registry on `registryPort`:
 * keeps only the alert `keepAlert` (the alert folder name), and gives npm the token line it
 * needs to publish there.
 */
export function prepareReleaseClone(dir: string, keepAlert: string, registryPort: number): void {
  // Only one alert is released: building and publishing the whole catalogue would add minutes
  // and prove nothing more (every alert has the same manifest shape, from the plop template).
  const dropped = new Set<string>();
  for (const name of readdirSync(join(dir, 'alerts'))) {
    if (name === keepAlert) continue;
    dropped.add(readJson<Manifest>(join(dir, 'alerts', name, 'package.json')).name);
    rmSync(join(dir, 'alerts', name), { recursive: true, force: true });
  }
  // ...and the workspace's (private) dependencies on them, e.g. tests/e2e's replay-parity alerts.
  for (const group of ['packages', 'tests', 'tooling']) {
    for (const name of readdirSync(join(dir, group))) {
      const path = join(dir, group, name, 'package.json');
      if (!existsSync(path)) continue;
      const manifest = readJson<Manifest>(path);
      let changed = false;
      for (const field of ['dependencies', 'devDependencies', 'peerDependencies'] as const) {
        for (const dep of Object.keys(manifest[field] ?? {})) {
          if (dropped.has(dep)) {
            delete manifest[field]?.[dep];
            changed = true;
          }
        }
      }
      if (changed) writeFileSync(path, JSON.stringify(manifest, null, 2) + '\n');
    }
  }
  // The alerts were generated before the template listed CHANGELOG.md in `files` (npm packs a
  // CHANGELOG only when `files` names it). Alert packages belong to their porters, so the clone
  // takes the template's list; alerts/*/package.json need the same one-line change.
  const template = readFileSync(
    join(repoRoot, 'tooling/plop/templates/alert/package.json.hbs'),
    'utf8',
  );
  const templateFiles = JSON.parse(
    /"files": (\[[^\]]*\])/.exec(template)?.[1] ?? 'null',
  ) as string[];
  const alertManifest = join(dir, 'alerts', keepAlert, 'package.json');
  writeFileSync(
    alertManifest,
    JSON.stringify({ ...readJson<Manifest>(alertManifest), files: templateFiles }, null, 2) + '\n',
  );
  // npm refuses to publish without a token line for the registry, even to an anonymous one.
  appendFileSync(
    join(dir, '.npmrc'),
    `\n//127.0.0.1:${registryPort}/:_authToken=dummy-anonymous\n`,
  );
}

/**
 * A new installation directory as the README describes one: package.json (no dependencies
 * yet), `.npmrc` pointing at `registryUrl`, an alertkit config enabling `alert` at `range`, and
 * ten failed logins for alice 30 s before `now` (enough for alert-failed-logins to fire).
 */
export function createInstallation(
  registryUrl: string,
  alert: string,
  range: string,
  now: string,
): string {
  const dir = mkdtempSync(join(tmpdir(), 'alertkit-installation-'));
  writeFileSync(
    join(dir, 'package.json'),
    JSON.stringify({ name: 'soc-installation', private: true }, null, 2) + '\n',
  );
  // omit-lockfile-registry-resolved=false: keep `resolved` URLs in the lockfile even where a user
  // config drops them (this machine's does), so the lockfile says where each package came from.
  writeFileSync(
    join(dir, '.npmrc'),
    `registry=${registryUrl}\nomit-lockfile-registry-resolved=false\n`,
  );
  writeFileSync(
    join(dir, 'alertkit.config.json'),
    JSON.stringify({
      alerts: [{ package: alert, version: range }],
      store: { type: 'memory', events: ['events.ndjson'] },
      stateDir: '.alertkit',
      log: { level: 'warn' },
    }),
  );
  const at = new Date(Date.parse(now) - 30_000).toISOString();
  const failedLogin = {
    utctimestamp: at,
    receivedtimestamp: at,
    category: 'authentication',
    summary: 'alice failed to log in',
    details: { username: 'alice', success: false },
  };
  ndjson(
    dir,
    'events.ndjson',
    Array.from({ length: 10 }, () => failedLogin),
  );
  return dir;
}

/** A copy of an installation (everything but its local state), to try risky installs in. */
export function copyInstallation(dir: string): string {
  const copy = mkdtempSync(join(tmpdir(), 'alertkit-installation-copy-'));
  for (const entry of readdirSync(dir)) {
    if (entry !== '.alertkit')
      cpSync(join(dir, entry), join(copy, entry), { recursive: true, verbatimSymlinks: true });
  }
  return copy;
}
