#!/usr/bin/env node
// Benchmark (not a test) of the alert test harness, the speed goals of issue #12:
//   - cold test of the alert packages: the wall time of
//     `pnpm turbo test --filter='alert-*' --force` over the number of alert packages (the forced
//     run also rebuilds the libraries the alerts' tests depend on);
//   - per case: the duration vitest reports for each test of every alert suite
//     (`alerts/*/.vitest/report.json`, `assertionResults[].duration`, the first test of a file
//     included): median and p95 over all alerts together, the first case of each file, and the
//     `pitfall lint` test. These come from a second forced run with `--concurrency=1`: in the
//     cold run turbo starts ~10 vitest processes on 2 cores, and a case's wall time then mostly
//     measures waiting for a core.
// Timings depend on the machine's load: run it on a quiet machine to compare runs.
//   node scripts/bench-cases.mjs [--runs N] [--skip-cold] [--reports-only] [--json <file>]
//   (`pnpm bench` runs it with the defaults)
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';

const root = new URL('..', import.meta.url).pathname;
const { values: args } = parseArgs({
  options: {
    runs: { type: 'string', default: '1' },
    'skip-cold': { type: 'boolean', default: false },
    'reports-only': { type: 'boolean', default: false },
    json: { type: 'string' },
    help: { type: 'boolean', short: 'h', default: false },
  },
});
if (args.help) {
  console.log(
    'usage: node scripts/bench-cases.mjs [--runs N] [--skip-cold] [--reports-only] [--json <file>]\n' +
      '  --runs N        cold turbo runs of the alert tests to time (default 1)\n' +
      '  --skip-cold     no cold run: only the sequential run that gives the per-case figures\n' +
      '  --reports-only  run nothing: summarise the alert test reports already on disk\n' +
      '  --json <file>   also write the figures as JSON',
  );
  process.exit(0);
}
const runs = Number(args.runs);
if (!Number.isInteger(runs) || runs < 1) {
  console.error(`bench-cases: --runs must be a positive integer, got ${JSON.stringify(args.runs)}`);
  process.exit(2);
}

const alertDirs = readdirSync(join(root, 'alerts'))
  .map((name) => join(root, 'alerts', name))
  .filter((dir) => existsSync(join(dir, 'package.json')));

/** The value at quantile q (0..1) of sorted numbers, by the nearest-rank method. */
function quantile(sorted, q) {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.max(1, Math.ceil(q * sorted.length));
  return sorted[rank - 1];
}
const sortedOf = (values) => [...values].sort((a, b) => a - b);
const ms = (value) => `${value.toFixed(2)} ms`;

/** Runs every alert package's tests through turbo, forced (no cache); returns the wall seconds. */
function turboTest(extra) {
  const started = process.hrtime.bigint();
  const result = spawnSync(
    'pnpm',
    ['turbo', 'test', '--filter=alert-*', '--force', '--output-logs=errors-only', ...extra],
    { cwd: root, stdio: 'inherit', env: { ...process.env, TURBO_TELEMETRY_DISABLED: '1' } },
  );
  if (result.status !== 0) {
    console.error(`bench-cases: the alert tests failed (exit ${result.status}); no figures`);
    process.exit(1);
  }
  return Number(process.hrtime.bigint() - started) / 1e9;
}

const coldWalls = [];
let sequentialWall;
if (!args['reports-only']) {
  if (!args['skip-cold']) for (let run = 1; run <= runs; run++) coldWalls.push(turboTest([]));
  sequentialWall = turboTest(['--concurrency=1']);
}

const all = [];
const firsts = [];
const lints = [];
const files = [];
const missing = [];
for (const dir of alertDirs) {
  const reportPath = join(dir, '.vitest', 'report.json');
  if (!existsSync(reportPath)) {
    missing.push(dir);
    continue;
  }
  const report = JSON.parse(readFileSync(reportPath, 'utf8'));
  for (const file of report.testResults ?? []) {
    const durations = (file.assertionResults ?? [])
      .filter((test) => test.status === 'passed' && typeof test.duration === 'number')
      .map((test) => ({ title: test.title, duration: test.duration }));
    if (durations.length === 0) continue;
    all.push(...durations.map((d) => d.duration));
    firsts.push(durations[0].duration);
    lints.push(...durations.filter((d) => d.title === 'pitfall lint').map((d) => d.duration));
    files.push({
      file: file.name.slice(root.length),
      tests: durations.length,
      total: durations.reduce((sum, d) => sum + d.duration, 0),
    });
  }
}
if (all.length === 0) {
  console.error('bench-cases: no alert test report found (run the alert tests first)');
  process.exit(1);
}

/** How many of the durations are 5 ms or more. */
const atLeast5ms = (values) => values.filter((d) => d >= 5).length;
const sortedAll = sortedOf(all);
const sortedFirsts = sortedOf(firsts);
const sortedLints = sortedOf(lints);
const figures = {
  alertPackages: alertDirs.length,
  reportsMissing: missing.length,
  files: files.length,
  tests: all.length,
  perCase: {
    total: all.reduce((sum, d) => sum + d, 0),
    median: quantile(sortedAll, 0.5),
    p95: quantile(sortedAll, 0.95),
    max: sortedAll.at(-1),
  },
  firstCase: {
    median: quantile(sortedFirsts, 0.5),
    p95: quantile(sortedFirsts, 0.95),
    max: sortedFirsts.at(-1),
  },
  pitfallLint: { median: quantile(sortedLints, 0.5), max: sortedLints.at(-1) },
  // How far the p95 goal is, in cases: p95 < 5 ms (nearest rank) allows this many at 5 ms or more.
  over5ms: {
    allowed: all.length - Math.ceil(0.95 * all.length),
    firstCases: atLeast5ms(firsts),
    otherCases: atLeast5ms(all) - atLeast5ms(firsts),
  },
  slowestFiles: [...files].sort((a, b) => b.total - a.total).slice(0, 5),
  cold: coldWalls.map((wall) => ({ wall, perPackage: wall / alertDirs.length })),
  sequentialWall,
};

const sequential =
  sequentialWall === undefined
    ? ''
    : ` (run one package at a time: ${sequentialWall.toFixed(1)} s wall)`;
console.log(
  `\nalert suites: ${figures.tests} tests in ${figures.files} files of ${figures.alertPackages} alert packages${sequential}`,
);
if (missing.length > 0)
  console.log(`  no report: ${missing.map((d) => d.slice(root.length)).join(', ')}`);
console.log(
  `  per case      median ${ms(figures.perCase.median)}  p95 ${ms(figures.perCase.p95)}  max ${ms(figures.perCase.max)}   (goal: median < 1 ms, p95 < 5 ms)`,
);
console.log(
  `  all tests     ${ms(figures.perCase.total)} in total (less noisy than the quantiles under load)`,
);
console.log(
  `  first case    median ${ms(figures.firstCase.median)}  p95 ${ms(figures.firstCase.p95)}  max ${ms(figures.firstCase.max)}`,
);
console.log(
  `  at 5 ms or more: ${figures.over5ms.firstCases} first cases and ${figures.over5ms.otherCases} others; p95 < 5 ms allows ${figures.over5ms.allowed}`,
);
console.log(
  `  pitfall lint  median ${ms(figures.pitfallLint.median)}  max ${ms(figures.pitfallLint.max)}`,
);
console.log('  slowest files (sum of test durations):');
for (const f of figures.slowestFiles)
  console.log(`    ${ms(f.total).padStart(11)}  ${f.tests} tests  ${f.file}`);
for (const [i, run] of figures.cold.entries())
  console.log(
    `cold run ${i + 1}: ${run.wall.toFixed(1)} s wall for ${figures.alertPackages} alert packages = ${run.perPackage.toFixed(2)} s per package   (goal: <= 1 s)`,
  );
if (args.json) writeFileSync(args.json, `${JSON.stringify(figures, null, 2)}\n`);
