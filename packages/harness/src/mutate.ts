/**
 * Mutation testing of an alert's own cases (`alertkit mutate`): small changes to the alert —
 * a clause deleted or negated, the threshold or window one step off, another aggregation field,
 * a config default the criteria use changed — each run over the suite's cases in-process. A
 * mutant is killed when some case's outcome changes; a survivor comes with the one-line reason
 * a developer can act on.
 */
import { appendFile } from 'node:fs/promises';
import {
  durationToMs,
  resolveAlertConfig,
  resolveCriteria,
  type CriteriaContext,
  runCriteria,
  type AlertDefinition,
  type Clause,
  type Criteria,
  type Duration,
  type JsonValue,
} from '@alertkit/core';
import { describeClause } from '@alertkit/query';
import type { AlertCase } from './cases.js';
import { DEFAULT_NOW } from './clock.js';
import { buildCaseEvents, hashSeed } from './events.js';
import { runAlertCase, type AlertSuite } from './runCase.js';

/** One mutant and whether the cases noticed it. */
export interface MutantResult {
  /** `delete`, `negate`, `threshold-1`, `threshold+1`, `window-shorter`, `window-longer`, `aggregation-field`, `config-default`. */
  mutation: string;
  /** What was changed: `must: match details.program "sshd"`, `threshold 10`, `config skipHosts`, ... */
  target: string;
  killed: boolean;
  /** The case that killed it. */
  killedBy?: string;
  /** For a survivor: what no case has, so that it would be killed. */
  reason?: string;
}

/** What the mutate probe writes, one JSON line per suite. */
export interface MutateProbeReport {
  alert: string;
  cases: number;
  mutants: MutantResult[];
}

interface Mutant {
  mutation: string;
  target: string;
  reason: string;
  alert: AlertDefinition<unknown>;
  config?: unknown;
}

const ROLES = [
  ['must', 'must'],
  ['filter', 'filter'],
  ['should', 'should'],
  ['mustNot', 'must_not'],
] as const;

/** The event a clause wants, in Lucene words: `` `details.program:sshd` ``. */
function wanted(clause: Clause): string {
  return `\`${describeClause(clause)}\``;
}

/** The alert with its declared criteria (for `config`) changed by `change`. */
function withCriteria(
  alert: AlertDefinition<unknown>,
  change: (criteria: Criteria) => Criteria,
): AlertDefinition<unknown> {
  const declared = alert.criteria;
  return {
    ...alert,
    __alertkit: 1,
    criteria: (config: unknown, context: CriteriaContext) =>
      change(
        structuredClone(
          resolveCriteria(typeof declared === 'function' ? declared(config, context) : declared),
        ),
      ),
  };
}

/** The smallest unit a window uses, and the window one such step shorter and longer. */
function windowSteps(window: Duration): { unit: keyof Duration; step: number; ms: number } {
  const units: (keyof Duration)[] = [
    'milliseconds',
    'seconds',
    'minutes',
    'hours',
    'days',
    'weeks',
  ];
  const unit = units.find((u) => window[u] !== undefined) ?? 'minutes';
  return { unit, step: durationToMs({ [unit]: 1 }), ms: durationToMs(window) };
}

function mutantsOf(alert: AlertDefinition<unknown>, suite: AlertSuite, fields: string[]): Mutant[] {
  const config = resolveAlertConfig(alert, suite.config);
  // Only the clauses matter here; a criteria function's bounds on `now` do not.
  const criteria = resolveCriteria(
    typeof alert.criteria === 'function'
      ? alert.criteria(config, { now: new Date() })
      : alert.criteria,
  );
  const mutants: Mutant[] = [];
  for (const [key, role] of ROLES) {
    for (const [i, clause] of (criteria.query[key] ?? []).entries()) {
      const target = `${role}: ${describeClause(clause)}`;
      const drop = (c: Criteria) => {
        c.query[key] = (c.query[key] ?? []).filter((_, j) => j !== i);
        return c;
      };
      mutants.push({
        mutation: 'delete',
        target,
        alert: withCriteria(alert, drop),
        reason:
          role === 'must_not'
            ? `no negative case has an event with ${wanted(clause)} (that otherwise alerts)`
            : role === 'should'
              ? `no negative case has an event that matches no should clause but ${wanted(clause)}`
              : `no negative case has an event without ${wanted(clause)} (that otherwise alerts)`,
      });
      mutants.push({
        mutation: 'negate',
        target,
        alert: withCriteria(alert, (c) => {
          const list = c.query[key] ?? [];
          list[i] = { type: 'bool', mustNot: [clause] };
          c.query[key] = list;
          return c;
        }),
        reason: `no case's outcome depends on ${wanted(clause)}: positives and negatives alike ${role === 'must_not' ? 'never have' : 'always have'} it`,
      });
    }
  }
  const aggregation = runCriteria(alert, config).aggregation;
  if (aggregation && alert.kind === 'aggregation' && 'aggregate' in alert) {
    const { threshold, field } = aggregation;
    const withAggregate = (over: Partial<typeof aggregation>): AlertDefinition<unknown> =>
      ({
        ...alert,
        __alertkit: 1,
        aggregate: () => ({ field, samples: aggregation.samples, threshold, ...over }),
      }) as AlertDefinition<unknown>;
    if (threshold > 1)
      mutants.push({
        mutation: 'threshold-1',
        target: `threshold ${threshold}`,
        alert: withAggregate({ threshold: threshold - 1 }),
        reason: `no negative case has a group of exactly ${threshold - 1} events (threshold - 1)`,
      });
    mutants.push({
      mutation: 'threshold+1',
      target: `threshold ${threshold}`,
      alert: withAggregate({ threshold: threshold + 1 }),
      reason: `no positive case has a group of exactly ${threshold} events (the threshold)`,
    });
    const other = fields.find((f) => f !== field);
    if (other)
      mutants.push({
        mutation: 'aggregation-field',
        target: `aggregation field ${field}`,
        alert: withAggregate({ field: other }),
        reason: `no case has events whose ${field} and ${other} group them differently`,
      });
  }
  if (criteria.window) {
    const { unit, step, ms } = windowSteps(criteria.window);
    const shown = `window ${Object.entries(criteria.window)
      .map(([u, n]) => `${String(n)} ${u}`)
      .join(' ')}`;
    const windowOf = (total: number): Duration => ({ milliseconds: total });
    if (ms - step > 0)
      mutants.push({
        mutation: 'window-shorter',
        target: shown,
        alert: withCriteria(alert, (c) => ({ ...c, window: windowOf(ms - step) })),
        reason: `no positive case has an event in the window's oldest ${unit.replace(/s$/, '')} (older than ${(ms - step) / step} ${unit})`,
      });
    mutants.push({
      mutation: 'window-longer',
      target: shown,
      alert: withCriteria(alert, (c) => ({ ...c, window: windowOf(ms + step) })),
      reason: `no negative case has an event just outside the window (between ${ms / step} and ${(ms + step) / step} ${unit} old)`,
    });
  }
  // Each config key the criteria (or aggregation) use, with its value changed.
  const base = JSON.stringify(runCriteria(alert, config));
  for (const [key, value] of Object.entries((config ?? {}) as Record<string, JsonValue>)) {
    const changed = changeValue(value);
    if (changed === undefined) continue;
    const override = { ...((suite.config ?? {}) as Record<string, unknown>), [key]: changed };
    let uses: boolean;
    try {
      uses = JSON.stringify(runCriteria(alert, resolveAlertConfig(alert, override))) !== base;
    } catch {
      continue;
    }
    if (!uses) continue;
    mutants.push({
      mutation: 'config-default',
      target: `config ${key}`,
      alert,
      config: override,
      reason: `no case depends on config ${key} = ${JSON.stringify(value)}: with ${JSON.stringify(changed)} every case passes`,
    });
  }
  return mutants;
}

/** A different value of the same type (undefined: no obvious one). */
function changeValue(value: JsonValue): JsonValue | undefined {
  if (typeof value === 'number') return value + 1;
  if (typeof value === 'boolean') return !value;
  if (typeof value === 'string') return `${value}x`;
  if (Array.isArray(value)) return value.length > 0 ? value.slice(1) : undefined;
  return undefined;
}

/** Dotted leaf fields every event of the positive cases carries (for the aggregation-field mutant). */
function sharedFields(alert: AlertDefinition<unknown>, suite: AlertSuite): string[] {
  const now = suite.now instanceof Date ? suite.now : new Date(suite.now ?? DEFAULT_NOW);
  const counts = new Map<string, number>();
  let total = 0;
  const walk = (value: unknown, path: string, into: Set<string>) => {
    if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
      for (const [k, v] of Object.entries(value)) walk(v, path ? `${path}.${k}` : k, into);
    } else if (path && typeof value !== 'object') into.add(path);
  };
  for (const testCase of suite.cases.filter((c) => c.kind === 'positive')) {
    const events = buildCaseEvents(testCase.events, {
      now,
      seed: hashSeed(`${alert.name}\0${testCase.description}`),
      ...(suite.defaultEvent ? { defaultEvent: suite.defaultEvent } : {}),
    });
    for (const event of events) {
      total++;
      const fields = new Set<string>();
      walk(event._source, '', fields);
      for (const f of fields) counts.set(f, (counts.get(f) ?? 0) + 1);
    }
  }
  const skip = /^(utctimestamp|receivedtimestamp|timestamp|alert_names|alerts)$/;
  return [...counts]
    .filter(([f, n]) => n === total && !skip.test(f))
    .map(([f]) => f)
    .sort();
}

/** The case that notices the mutant (its outcome changes), if any. */
async function killer(mutant: Mutant, suite: AlertSuite): Promise<AlertCase | undefined> {
  const mutated: AlertSuite =
    mutant.config === undefined ? suite : { ...suite, config: mutant.config };
  for (const testCase of suite.cases) {
    try {
      await runAlertCase(mutant.alert, mutated, testCase);
    } catch {
      return testCase;
    }
  }
  return undefined;
}

/** Runs every mutant of `alert` over the suite's cases. */
export async function mutateSuite(
  alert: AlertDefinition<unknown>,
  suite: AlertSuite,
): Promise<MutateProbeReport> {
  const mutants: MutantResult[] = [];
  for (const mutant of mutantsOf(alert, suite, sharedFields(alert, suite))) {
    const found = await killer(mutant, suite);
    mutants.push({
      mutation: mutant.mutation,
      target: mutant.target,
      killed: found !== undefined,
      ...(found ? { killedBy: `${found.kind}: ${found.description}` } : { reason: mutant.reason }),
    });
  }
  return { alert: alert.name, cases: suite.cases.length, mutants };
}

/** The mutate probe: one JSON line per suite to `out`. */
export async function mutateProbe(
  alert: AlertDefinition<unknown>,
  suite: AlertSuite,
  out: string,
): Promise<void> {
  await appendFile(out, `${JSON.stringify(await mutateSuite(alert, suite))}\n`);
}
