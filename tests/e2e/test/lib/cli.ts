import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { repoRoot, run, type Run } from './workspaceCopy.js';

/** The built `alertkit` CLI (turbo builds it before these tests). */
export const alertkitBin = join(repoRoot, 'packages', 'cli', 'dist', 'bin.js');

/** Runs `alertkit <args>` from the repository root. */
export function alertkit(args: string[], env: NodeJS.ProcessEnv = {}, cwd: string = repoRoot): Run {
  return run(cwd, process.execPath, [alertkitBin, ...args], env);
}

/** A temporary directory for one test file's inputs. */
export function scratch(): string {
  return mkdtempSync(join(tmpdir(), 'alertkit-e2e-'));
}

/** Writes events (objects or raw lines) as NDJSON and returns the path. */
export function ndjson(dir: string, name: string, lines: readonly (object | string)[]): string {
  const path = join(dir, name);
  writeFileSync(
    path,
    lines.map((l) => (typeof l === 'string' ? l : JSON.stringify(l))).join('\n') + '\n',
  );
  return path;
}
