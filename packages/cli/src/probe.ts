/**
 * Runs an alert's own test files under the package's vitest with one of the harness's probes on
 * (`ALERTKIT_PROBE`: `diff`, `mutate`): only the probe test runs, and it writes one JSON line per
 * `describeAlert` suite (see `@alertkit/harness` `runProbe`).
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { AlertkitError } from '@alertkit/core';

const run = promisify(execFile);

/** The name of the test `describeAlert` adds for probes (the harness's `PROBE_TEST_NAME`). */
const PROBE_TEST_NAME = 'alertkit probe';

/** vitest's CLI as the alert package resolves it (its own dev dependency). */
export function vitestBin(packageDir: string): string {
  try {
    const require = createRequire(join(packageDir, 'package.json'));
    return join(dirname(require.resolve('vitest/package.json')), 'vitest.mjs');
  } catch (cause) {
    throw new AlertkitError(
      'ALERT_INVALID',
      `${packageDir}: vitest is not installed for this package (run pnpm install): its cases run under it`,
      { cause },
    );
  }
}

/** Runs a probe; one report per `describeAlert` suite of the test files. */
export async function runSuiteProbe<T>(
  packageDir: string,
  probe: 'diff' | 'mutate' | 'cross',
  env: Record<string, string> = {},
): Promise<T[]> {
  const tests = (await readdir(join(packageDir, 'test')).catch(() => [] as string[]))
    .filter((f) => f.endsWith('.test.ts'))
    .map((f) => join('test', f));
  if (tests.length === 0)
    throw new AlertkitError(
      'ALERT_INVALID',
      `${packageDir}: no test/*.test.ts: ${probe} runs the alert's own cases`,
    );
  const dir = await mkdtemp(join(tmpdir(), 'alertkit-diff-'));
  const out = join(dir, 'probe.ndjson');
  try {
    await run(
      process.execPath,
      [vitestBin(packageDir), 'run', ...tests, '-t', PROBE_TEST_NAME, '--reporter=dot'],
      {
        cwd: packageDir,
        env: {
          ...process.env,
          ...env,
          ALERTKIT_PROBE: probe,
          ALERTKIT_PROBE_OUT: out,
          FORCE_COLOR: '0',
        },
        maxBuffer: 64 * 1024 * 1024,
      },
    ).catch((error: unknown) => {
      const output = `${(error as { stdout?: string }).stdout ?? ''}${(error as { stderr?: string }).stderr ?? ''}`;
      const lines = output
        .split('\n')
        .filter((l) => /Error|FAIL|×/.test(l))
        .slice(0, 8);
      throw new AlertkitError(
        'ALERT_INVALID',
        `running the ${probe} probe over the cases of ${packageDir} failed:\n${lines.join('\n') || output.slice(-2000)}`,
      );
    });
    const text = await readFile(out, 'utf8').catch(() => '');
    const reports = text
      .split('\n')
      .filter((l) => l.trim() !== '')
      .map((l) => JSON.parse(l) as T);
    if (reports.length === 0)
      throw new AlertkitError(
        'ALERT_INVALID',
        `${packageDir}: its tests declare no describeAlert suite, so there are no cases to compare`,
      );
    return reports;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
