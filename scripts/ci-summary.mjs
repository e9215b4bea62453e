#!/usr/bin/env node
// Totals the vitest JSON reports of every workspace package into one plain line,
// `N passed, N failed[, N skipped]`, which is what CI reads (vitest's own summary is per package).
// A package with a test script but no report (it failed to start), and each failed check named
// with --failed <name>, count as one failure. Exits 1 when anything failed.
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const failedChecks = [];
for (let i = 2; i < process.argv.length; i++) {
  if (process.argv[i] === '--failed' && process.argv[i + 1]) failedChecks.push(process.argv[++i]);
}

const workspaces = ['packages', 'alerts', 'tests']
  .filter((group) => existsSync(join(root, group)))
  .flatMap((group) => readdirSync(join(root, group)).map((name) => join(root, group, name)))
  .filter((dir) => existsSync(join(dir, 'package.json')));

let passed = 0;
let failed = 0;
let skipped = 0;
const problems = [];
for (const dir of workspaces) {
  const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
  if (!pkg.scripts?.test) continue;
  const reportPath = join(dir, '.vitest', 'report.json');
  if (!existsSync(reportPath)) {
    failed += 1;
    problems.push(`${pkg.name}: no test report (the package's tests did not run)`);
    continue;
  }
  const report = JSON.parse(readFileSync(reportPath, 'utf8'));
  passed += report.numPassedTests ?? 0;
  skipped += (report.numPendingTests ?? 0) + (report.numTodoTests ?? 0);
  let packageFailed = report.numFailedTests ?? 0;
  // A file that fails to load fails no test case but fails its suite.
  if (report.success === false && packageFailed === 0)
    packageFailed = Math.max(1, report.numFailedTestSuites ?? 0);
  if (packageFailed > 0) problems.push(`${pkg.name}: ${packageFailed} failed`);
  failed += packageFailed;
}
for (const check of failedChecks) {
  failed += 1;
  problems.push(`${check} failed`);
}
for (const problem of problems) console.log(`  - ${problem}`);
console.log(`${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
process.exit(failed > 0 ? 1 : 0);
