import { execFile } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { promisify } from 'node:util';
import type { Command } from 'commander';
import { AlertkitError } from '@alertkit/core';
import type { CrossProbeReport, CrossTarget, Overlap } from '@alertkit/harness';
import type { Io } from '../io.js';
import { runSuiteProbe, vitestBin } from '../probe.js';
import { resolveAlertDir } from '../resolveAlert.js';

const run = promisify(execFile);

interface TestOptions {
  alerts?: string[];
  cross?: boolean;
  format: string;
}

interface AlertPackage {
  dir: string;
  name: string;
  /** The module other alerts' probes import: its sources (no build needed), else its build. */
  module: string;
}

async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  );
}

/** The alert packages named, or every package of the directories. */
async function selectPackages(specs: string[], dirs: string[]): Promise<AlertPackage[]> {
  const found: string[] = [];
  for (const spec of specs) found.push(await resolveAlertDir(spec));
  if (specs.length === 0) {
    for (const dir of dirs) {
      for (const entry of (await readdir(dir, { withFileTypes: true })).filter((e) =>
        e.isDirectory(),
      ))
        if (await exists(join(dir, entry.name, 'package.json')))
          found.push(resolve(dir, entry.name));
    }
  }
  const packages: AlertPackage[] = [];
  for (const dir of found.sort()) {
    const pkg = JSON.parse(await readFile(join(dir, 'package.json'), 'utf8')) as { name?: string };
    const source = join(dir, 'src', 'index.ts');
    packages.push({
      dir,
      name: pkg.name ?? dir,
      module: (await exists(source)) ? source : join(dir, 'dist', 'index.js'),
    });
  }
  return packages;
}

/** Runs one package's tests under its vitest; the counts from vitest's JSON report. */
async function runTests(
  pkg: AlertPackage,
): Promise<{ passed: number; failed: number; output: string }> {
  const dir = await mkdtemp(join(tmpdir(), 'alertkit-test-'));
  const report = join(dir, 'report.json');
  try {
    let output = '';
    try {
      await run(process.execPath, [vitestBin(pkg.dir), 'run'], {
        cwd: pkg.dir,
        // The preset's JSON report goes here instead of the package's (turbo's output).
        env: { ...process.env, FORCE_COLOR: '0', ALERTKIT_VITEST_REPORT: report },
        maxBuffer: 64 * 1024 * 1024,
      });
    } catch (error) {
      output = `${(error as { stdout?: string }).stdout ?? ''}${(error as { stderr?: string }).stderr ?? ''}`;
    }
    const json = JSON.parse(await readFile(report, 'utf8').catch(() => '{}')) as {
      numPassedTests?: number;
      numFailedTests?: number;
      testResults?: {
        assertionResults?: { status: string; fullName: string; failureMessages?: string[] }[];
      }[];
    };
    const failures = (json.testResults ?? [])
      .flatMap((f) => f.assertionResults ?? [])
      .filter((a) => a.status === 'failed')
      .map(
        (a) => `    ✗ ${a.fullName}\n      ${(a.failureMessages?.[0] ?? '').split('\n')[0] ?? ''}`,
      );
    return {
      passed: json.numPassedTests ?? 0,
      failed: json.numFailedTests ?? (output ? 1 : 0),
      output: failures.join('\n') || output.slice(-1500),
    };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

function describeOverlap(o: Overlap): string {
  return `${o.alert} fires on ${o.on}'s positive case "${o.case}" (events ${o.events.join(', ')})${o.expected ? ` — expected: ${o.expected}` : ''}`;
}

/** `alertkit test`. */
export function registerTest(program: Command, io: Io): void {
  program
    .command('test')
    .description(
      "run alerts' harness cases; with --cross, run every alert against every other alert's positive cases and report overlaps",
    )
    .argument(
      '[alerts...]',
      'alert package directories or names (default: every package of --alerts)',
    )
    .option('--alerts <dir...>', 'directories of alert packages', ['alerts'])
    .option(
      '--cross',
      "every alert over every other alert's positive cases: an alert that fires there is an overlap",
    )
    .option('--format <format>', 'text or json', 'text')
    .addHelpText(
      'after',
      "\nEach package's tests run under its own vitest. --cross loads each alert's cases (in-process, through\n" +
        "the harness's probe test) and runs every other alert over its positive cases, at the case's now.\n" +
        'An overlap is unexpected unless the firing alert declares it: overlaps: [{ alert, reason }].\n' +
        'Exits non-zero on a failing case or an unexpected overlap.\n\n' +
        'Examples:\n  alertkit test alerts/bruteforce-ssh\n  alertkit test --cross --alerts alerts',
    )
    .action(async (specs: string[], options: TestOptions) => {
      if (options.format !== 'json' && options.format !== 'text')
        throw new AlertkitError(
          'QUERY_INVALID',
          `--format must be text or json, got "${options.format}"`,
        );
      const packages = await selectPackages(specs, options.alerts ?? ['alerts']);
      if (packages.length === 0)
        throw new AlertkitError('ALERT_INVALID', 'no alert packages selected');
      if (!options.cross) {
        let failed = 0;
        const results = [];
        for (const pkg of packages) {
          const r = await runTests(pkg);
          results.push({ alert: pkg.name, passed: r.passed, failed: r.failed });
          if (r.failed > 0) failed++;
          if (options.format === 'text') {
            io.out(
              `${r.failed > 0 ? 'FAIL' : 'ok  '}  ${pkg.name}: ${r.passed} passed, ${r.failed} failed\n`,
            );
            if (r.failed > 0) io.out(`${r.output}\n`);
          }
        }
        if (options.format === 'json') io.out(`${JSON.stringify(results, null, 2)}\n`);
        if (failed > 0)
          throw new AlertkitError('ALERT_INVALID', `${failed} alert package(s) have failing cases`);
        return;
      }
      const overlaps: Overlap[] = [];
      for (const pkg of packages) {
        const targets: CrossTarget[] = packages
          .filter((p) => p !== pkg)
          .map((p) => ({ module: p.module }));
        const reports = await runSuiteProbe<CrossProbeReport>(pkg.dir, 'cross', {
          ALERTKIT_PROBE_ALERTS: JSON.stringify(targets),
        });
        const seen = new Set<string>();
        for (const o of reports.flatMap((r) => r.overlaps)) {
          const key = `${o.alert}\0${o.case}`;
          if (!seen.has(key) && seen.add(key)) overlaps.push(o);
        }
        if (options.format === 'text')
          io.err(
            `alertkit: ${relative(process.cwd(), pkg.dir) || pkg.dir}: ${reports.reduce((n, r) => n + r.positives, 0)} positive cases through ${targets.length} other alerts\n`,
          );
      }
      const unexpected = overlaps.filter((o) => o.expected === undefined);
      if (options.format === 'json') io.out(`${JSON.stringify({ overlaps }, null, 2)}\n`);
      else {
        io.out(
          `${overlaps.length} overlap(s), ${unexpected.length} unexpected, over ${packages.length} alerts\n`,
        );
        for (const o of overlaps)
          io.out(
            `  ${o.expected === undefined ? 'OVERLAP ' : 'expected'}  ${describeOverlap(o)}\n`,
          );
      }
      if (unexpected.length > 0)
        throw new AlertkitError(
          'ALERT_INVALID',
          `${unexpected.length} unexpected overlap(s): declare each in the firing alert (overlaps: [{ alert, reason }]) or narrow its criteria`,
        );
    });
}
