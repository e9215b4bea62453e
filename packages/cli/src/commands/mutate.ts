import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { Command } from 'commander';
import { AlertkitError } from '@alertkit/core';
import type { MutantResult, MutateProbeReport } from '@alertkit/harness';
import type { Io } from '../io.js';
import { runSuiteProbe } from '../probe.js';
import { resolveAlertDir } from '../resolveAlert.js';

interface MutateOptions {
  format: string;
  minScore?: string;
  report?: string;
}

/** An alert's mutation score: every mutant of every suite, killed when any suite killed it. */
export interface MutationScore {
  alert: string;
  /** Killed mutants in percent of all (100 when there are none). */
  score: number;
  killed: number;
  total: number;
  cases: number;
  mutants: MutantResult[];
}

/** Merges the per-suite reports of one test run. */
export function scoreOf(packageName: string, reports: readonly MutateProbeReport[]): MutationScore {
  const byKey = new Map<string, MutantResult>();
  for (const report of reports) {
    for (const mutant of report.mutants) {
      const key = `${mutant.mutation}\0${mutant.target}`;
      const seen = byKey.get(key);
      if (!seen || (!seen.killed && mutant.killed)) byKey.set(key, mutant);
    }
  }
  const mutants = [...byKey.values()];
  const killed = mutants.filter((m) => m.killed).length;
  return {
    alert: packageName,
    score: mutants.length === 0 ? 100 : Math.round((killed / mutants.length) * 100),
    killed,
    total: mutants.length,
    cases: reports.reduce((n, r) => n + r.cases, 0),
    mutants,
  };
}

function formatScore(s: MutationScore): string {
  const lines = [
    `${s.alert}: mutation score ${s.score} (${s.killed} of ${s.total} mutants killed by ${s.cases} cases)`,
  ];
  const targets = [...new Set(s.mutants.map((m) => m.target))];
  for (const target of targets) {
    lines.push(`  ${target}`);
    for (const m of s.mutants.filter((x) => x.target === target))
      lines.push(
        `    ${m.mutation.padEnd(17)} ${m.killed ? `killed   by ${m.killedBy ?? '?'}` : `SURVIVED ${m.reason ?? ''}`}`,
      );
  }
  const survivors = s.mutants.filter((m) => !m.killed);
  if (survivors.length > 0) {
    lines.push('', 'to kill the survivors, add cases:');
    for (const m of survivors) lines.push(`  - ${m.mutation} ${m.target}: ${m.reason ?? ''}`);
  }
  return `${lines.join('\n')}\n`;
}

/** `alertkit mutate`. */
export function registerMutate(program: Command, io: Io): void {
  program
    .command('mutate')
    .description(
      "mutation testing of an alert's own cases: which clauses, thresholds, windows and config defaults its tests pin down",
    )
    .argument('<alert>', 'an alert package directory (alerts/bruteforce-ssh, .) or package name')
    .option('--format <format>', 'text or json', 'text')
    .option('--min-score <n>', 'exit non-zero when the score (0-100) is below n')
    .option('--report <file>', 'also write the JSON report to this file (turbo caches it)')
    .addHelpText(
      'after',
      '\nEach mutant (a must/must_not/should clause deleted or negated, the threshold -1 and +1, the window\n' +
        'one step of its smallest unit shorter and longer, the aggregation field replaced by another field\n' +
        "the cases carry, each config default the criteria use changed) runs over the alert's own harness\n" +
        "cases in-process (under the package's vitest). It is killed when a case changes outcome; each\n" +
        'survivor comes with the case to add.\n\n' +
        'Examples:\n  alertkit mutate alerts/bruteforce-ssh\n  pnpm turbo run mutate --filter=alert-bruteforce-ssh   (cached like test)',
    )
    .action(async (spec: string, options: MutateOptions) => {
      if (options.format !== 'json' && options.format !== 'text')
        throw new AlertkitError(
          'QUERY_INVALID',
          `--format must be text or json, got "${options.format}"`,
        );
      const min = options.minScore === undefined ? undefined : Number(options.minScore);
      if (min !== undefined && !(Number.isFinite(min) && min >= 0 && min <= 100))
        throw new AlertkitError(
          'QUERY_INVALID',
          `--min-score must be a number from 0 to 100, got "${options.minScore}"`,
        );
      const dir = await resolveAlertDir(spec);
      const pkg = JSON.parse(await readFile(join(dir, 'package.json'), 'utf8')) as {
        name?: string;
      };
      const score = scoreOf(pkg.name ?? dir, await runSuiteProbe<MutateProbeReport>(dir, 'mutate'));
      const json = `${JSON.stringify(score, null, 2)}\n`;
      if (options.report) {
        await mkdir(dirname(options.report), { recursive: true });
        await writeFile(options.report, json);
      }
      io.out(options.format === 'json' ? json : formatScore(score));
      if (min !== undefined && score.score < min)
        throw new AlertkitError(
          'ALERT_INVALID',
          `${score.alert}: mutation score ${score.score} is below --min-score ${min}`,
        );
    });
}
