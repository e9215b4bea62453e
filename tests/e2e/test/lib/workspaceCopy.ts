import { execFileSync, spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository the tests run from (never modified by them). */
export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../../../..');

/** A command's outcome, with both streams. */
export interface Run {
  status: number;
  stdout: string;
  stderr: string;
}

/** Runs a command to completion (no shell), stdin closed as in CI. */
export function run(
  cwd: string,
  command: string,
  args: string[],
  env: NodeJS.ProcessEnv = {},
): Run {
  const result: SpawnSyncReturns<string> = spawnSync(command, args, {
    cwd,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
    env: {
      ...process.env,
      CI: 'true',
      TURBO_TELEMETRY_DISABLED: '1',
      FORCE_COLOR: '0',
      NO_COLOR: '1',
      ...env,
    },
    maxBuffer: 64 * 1024 * 1024,
  });
  return { status: result.status ?? 1, stdout: result.stdout, stderr: result.stderr };
}

/**
 * A throwaway `git clone` of this repository in a temporary directory, with the working tree's
 * uncommitted changes copied over (so a local run tests what is on disk), installed offline
 * from the pnpm store. Tests that generate, version or publish work here, never in the checkout.
 */
export function cloneWorkspace(): { dir: string; remove(): void } {
  const dir = mkdtempSync(join(tmpdir(), 'alertkit-clone-'));
  execFileSync('git', ['clone', '--quiet', '--no-hardlinks', repoRoot, dir]);
  const changed = execFileSync(
    'git',
    ['ls-files', '--modified', '--others', '--exclude-standard', '-z'],
    { cwd: repoRoot, encoding: 'utf8' },
  )
    .split('\0')
    .filter((f) => f !== '');
  for (const file of changed) {
    try {
      cpSync(join(repoRoot, file), join(dir, file), { recursive: true });
    } catch {
      // deleted in the working tree
    }
  }
  for (const [key, value] of [
    ['user.email', 'e2e@alertkit.invalid'],
    ['user.name', 'alertkit e2e'],
  ] as const) {
    execFileSync('git', ['config', key, value], { cwd: dir });
  }
  execFileSync('git', ['add', '-A'], { cwd: dir });
  execFileSync('git', ['commit', '--quiet', '--allow-empty', '-m', 'working tree'], { cwd: dir });
  const install = run(dir, 'pnpm', ['install', '--offline', '--frozen-lockfile']);
  if (install.status !== 0)
    throw new Error(`pnpm install in the clone failed:\n${install.stdout}\n${install.stderr}`);
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}
