/**
 * Probe runs: tools (`alertkit diff`) run an alert's own test file under vitest with
 * `ALERTKIT_PROBE` set; `describeAlert` then adds one test, named {@link PROBE_TEST_NAME}, that
 * runs the suite's cases in-process against other versions of the alert and writes what it saw
 * as JSON to `ALERTKIT_PROBE_OUT`. No file is copied and the cases are exactly the suite's.
 */
import { appendFile } from 'node:fs/promises';
import {
  resolveAlertConfig,
  runAlert,
  runCriteria,
  z,
  expandAlertSet,
  isAlertDefinition,
  isAlertSetDefinition,
  mozdefMockReverseDns,
  type AlertDefinition,
  type Clause,
  type Criteria,
  type JsonValue,
} from '@alertkit/core';
import { createEmbeddedStore } from '@alertkit/query';
import type { AlertCase } from './cases.js';
import { DEFAULT_NOW } from './clock.js';
import { buildCaseEvents, copyEventInput, hashSeed, type EventInput } from './events.js';
import { mutateProbe } from './mutate.js';
import type { AlertSuite } from './runCase.js';

/** The test a probe run adds (run only it with `vitest run -t`). */
export const PROBE_TEST_NAME = 'alertkit probe';

/** What an alert is, as far as the people who install it can tell without running it. */
export interface AlertSnapshot {
  name: string;
  classname: string;
  kind: string;
  severity: string;
  category: string;
  tags: readonly string[];
  schedule: unknown;
  /** The criteria of a run with the default config (de-duplication and aggregation included). */
  criteria?: Criteria;
  /** Why the criteria could not be built. */
  criteriaError?: string;
  /** The config's JSON schema (input side), when the alert has a zod config. */
  configSchema?: unknown;
  /** The config with every default applied. */
  configDefaults?: unknown;
}

/** One run of a version of the alert over a case's events. */
export interface CaseOutcome {
  /** The alert documents' sources, in order (`utctimestamp` and `events` kept). */
  alerts: Record<string, JsonValue | undefined>[];
  error?: string;
}

/** Both versions over one case. */
export interface CaseComparison {
  description: string;
  kind: AlertCase['kind'];
  current: CaseOutcome;
  base: CaseOutcome;
}

/** Both versions over a positive case's events with one field set from one clause. */
export interface GeneratedComparison {
  /** The clause the field value comes from (`must: match details.program "sshd"`). */
  clause: string;
  field: string;
  value: JsonValue;
  /** The positive case the events come from. */
  from: string;
  current: number;
  base: number;
}

/** What `alertkit diff`'s probe writes: one per suite, a JSON line each. */
export interface DiffProbeReport {
  current: AlertSnapshot;
  base: AlertSnapshot;
  cases: CaseComparison[];
  generated: GeneratedComparison[];
}

const message = (error: unknown): string =>
  error instanceof Error ? error.message : String(error);

/** Another alert for the cross probe: its module and the config it runs with. */
export interface CrossTarget {
  module: string;
  config?: unknown;
}

/** Another alert that fired on one of this suite's positive cases. */
export interface Overlap {
  /** The alert that fired. */
  alert: string;
  /** The alert whose case it fired on. */
  on: string;
  case: string;
  /** Ids of the events in the alerts it raised. */
  events: string[];
  /** Set when the firing alert declares the overlap (`overlaps`), with its reason. */
  expected?: string;
}

/** What the cross probe writes, one JSON line per suite. */
export interface CrossProbeReport {
  alert: string;
  positives: number;
  overlaps: Overlap[];
}

async function alertsOf(module: string): Promise<AlertDefinition<unknown>[]> {
  const exports = (await import(/* @vite-ignore */ module)) as Record<string, unknown>;
  const values = Object.values(exports).flat();
  const found = values.filter(isAlertDefinition);
  // An alert set (e.g. generic-rules) takes part with the alerts of its default config.
  const quiet = { warn: () => undefined, error: () => undefined };
  for (const set of new Set(values.filter(isAlertSetDefinition)))
    found.push(...(await expandAlertSet(set, {}, { log: quiet, baseDir: process.cwd() })));
  return [...new Set(found)];
}

/**
 * The cross probe: every other alert over this suite's positive cases (their events as the
 * cases build them, at the suite's now); an alert that fires is an overlap. Dead-man alerts are
 * not run over other suites (they fire on the absence of their events).
 */
export async function crossProbe(
  alert: AlertDefinition<unknown>,
  suite: AlertSuite,
  targets: readonly CrossTarget[],
  out: string,
): Promise<void> {
  const positives = suite.cases.filter((c) => c.kind === 'positive');
  const overlaps: Overlap[] = [];
  for (const target of targets) {
    for (const other of await alertsOf(target.module)) {
      // A dead-man alert fires on silence, not on events: it "fires" on any case without its
      // own events, which is no overlap of detections.
      if (other.name === alert.name || other.kind === 'deadman') continue;
      for (const testCase of positives) {
        const events = caseEvents(alert.name, suite, testCase.events, testCase.description);
        const outcome = await outcomeOf(other, { ...suite, config: target.config }, events);
        if (outcome.alerts.length === 0) continue;
        const ids = outcome.alerts.flatMap((a) =>
          Array.isArray(a['events'])
            ? a['events'].map((e) => String((e as { documentid?: unknown }).documentid))
            : [],
        );
        const declared = other.overlaps?.find((o) => o.alert === alert.name);
        overlaps.push({
          alert: other.name,
          on: alert.name,
          case: testCase.description,
          events: [...new Set(ids)],
          ...(declared ? { expected: declared.reason } : {}),
        });
      }
    }
  }
  const report: CrossProbeReport = { alert: alert.name, positives: positives.length, overlaps };
  await appendFile(out, `${JSON.stringify(report)}\n`);
}

/** A snapshot of an alert (the static half of a diff). */
export function snapshotAlert(alert: AlertDefinition<unknown>): AlertSnapshot {
  const out: AlertSnapshot = {
    name: alert.name,
    classname: alert.classname,
    kind: alert.kind,
    severity: alert.severity,
    category: alert.category,
    tags: alert.tags,
    schedule: alert.schedule,
  };
  try {
    const defaults = resolveAlertConfig(alert, undefined);
    if (alert.config !== undefined) out.configDefaults = defaults;
    out.criteria = runCriteria(alert, defaults);
  } catch (error) {
    out.criteriaError = message(error);
  }
  if (alert.config instanceof z.ZodType) {
    try {
      out.configSchema = z.toJSONSchema(alert.config, { io: 'input', unrepresentable: 'any' });
    } catch {
      // A schema JSON Schema cannot express: compared by its defaults only.
    }
  }
  return out;
}

function nowOf(suite: AlertSuite): Date {
  const value = suite.now ?? DEFAULT_NOW;
  return value instanceof Date ? value : new Date(value);
}

/** The case's events as the suite builds them (seeded by the suite's alert, so both versions see the same). */
function caseEvents(
  seedName: string,
  suite: AlertSuite,
  events: readonly EventInput[],
  description: string,
) {
  return buildCaseEvents(events, {
    now: nowOf(suite),
    seed: hashSeed(`${seedName}\0${description}`),
    ...(suite.defaultEvent ? { defaultEvent: suite.defaultEvent } : {}),
  });
}

/** Runs one version of the alert over events, without checks; never throws. */
async function outcomeOf(
  alert: AlertDefinition<unknown>,
  suite: AlertSuite,
  events: ReturnType<typeof buildCaseEvents>,
): Promise<CaseOutcome> {
  try {
    const result = await runAlert(alert, createEmbeddedStore({ events }), {
      now: nowOf(suite),
      config: suite.config,
      reverseDns: suite.reverseDns ?? mozdefMockReverseDns,
    });
    return { alerts: result.alerts.map((a) => a._source as Record<string, JsonValue | undefined>) };
  } catch (error) {
    return { alerts: [], error: message(error) };
  }
}

/** Every leaf clause of a bool, with its role (`must`, `must_not`, ...). */
function leaves(clause: Clause, role = 'must', out: { role: string; clause: Clause }[] = []) {
  if (clause.type === 'bool') {
    for (const [key, name] of [
      ['must', 'must'],
      ['filter', 'filter'],
      ['should', 'should'],
      ['mustNot', 'must_not'],
    ] as const) {
      for (const child of clause[key] ?? []) leaves(child, role === 'must_not' ? role : name, out);
    }
  } else out.push({ role, clause });
  return out;
}

/** A value that satisfies the clause, for an event field (undefined: the clause gives none). */
function valueFor(clause: Clause): { field: string; value: JsonValue } | undefined {
  switch (clause.type) {
    case 'match':
    case 'term':
    case 'phrase':
      return { field: clause.field, value: clause.value };
    case 'fuzzy':
      return { field: clause.field, value: clause.value };
    case 'terms':
      return clause.values[0] === undefined
        ? undefined
        : { field: clause.field, value: clause.values[0] };
    case 'wildcard':
      return {
        field: clause.field,
        value: clause.pattern.replaceAll('*', 'x').replaceAll('?', 'x'),
      };
    case 'prefix':
      return { field: clause.field, value: `${clause.value}x` };
    case 'exists':
      return { field: clause.field, value: 'x' };
    case 'range': {
      const bound = clause.gte ?? clause.lte ?? clause.gt ?? clause.lt;
      return bound === undefined ? undefined : { field: clause.field, value: bound as JsonValue };
    }
    case 'subnet':
    case 'regexp':
    case 'queryString':
    case 'bool':
    case 'matchAll':
    case 'matchNone':
      // No single field value stands for these: the cases cover them.
      return undefined;
  }
}

function describeLeaf(role: string, clause: Clause): string {
  const { type, ...rest } = clause as Clause & Record<string, unknown>;
  return `${role}: ${type} ${JSON.stringify(rest)}`;
}

/** Sets a dotted field on an event input's `_source`. */
function withField(input: EventInput, field: string, value: JsonValue): EventInput {
  const copy = copyEventInput([input])[0] as { _source?: Record<string, unknown> };
  let node: Record<string, unknown> = (copy._source ??= {});
  const parts = field.split('.');
  for (const part of parts.slice(0, -1)) {
    const next = node[part];
    node = (node[part] =
      next !== null && typeof next === 'object' && !Array.isArray(next) ? next : {}) as Record<
      string,
      unknown
    >;
  }
  node[parts[parts.length - 1] ?? field] = value;
  return copy as EventInput;
}

/**
 * Runs the suite's cases with the current and a base version of the alert, plus, for each leaf
 * clause of either version, the first three positive cases with every event's field set to a
 * value from that clause; writes a {@link DiffProbeReport}.
 */
export async function diffProbe(
  current: AlertDefinition<unknown>,
  base: AlertDefinition<unknown>,
  suite: AlertSuite,
  out: string,
): Promise<void> {
  const report: DiffProbeReport = {
    current: snapshotAlert(current),
    base: snapshotAlert(base),
    cases: [],
    generated: [],
  };
  for (const testCase of suite.cases) {
    const events = caseEvents(current.name, suite, testCase.events, testCase.description);
    report.cases.push({
      description: testCase.description,
      kind: testCase.kind,
      current: await outcomeOf(current, suite, events),
      base: await outcomeOf(base, suite, events),
    });
  }
  const clauses = [report.current.criteria, report.base.criteria].flatMap((c) =>
    c ? leaves(c.query) : [],
  );
  const seen = new Set<string>();
  const positives = suite.cases.filter((c) => c.kind === 'positive').slice(0, 3);
  for (const { role, clause } of clauses) {
    const generated = valueFor(clause);
    const label = describeLeaf(role, clause);
    if (!generated || seen.has(label) || generated.field === 'alert_names') continue;
    seen.add(label);
    for (const testCase of positives) {
      const inputs = testCase.events.map((e) => withField(e, generated.field, generated.value));
      const events = caseEvents(current.name, suite, inputs, testCase.description);
      const [now, before] = [
        await outcomeOf(current, suite, events),
        await outcomeOf(base, suite, events),
      ];
      report.generated.push({
        clause: label,
        field: generated.field,
        value: generated.value,
        from: testCase.description,
        current: now.alerts.length,
        base: before.alerts.length,
      });
    }
  }
  // One line per suite: a test file may declare several.
  await appendFile(out, `${JSON.stringify(report)}\n`);
}

/**
 * The probe `describeAlert` runs when `ALERTKIT_PROBE` is set, writing to `ALERTKIT_PROBE_OUT`:
 * `diff` (the base version's module in `ALERTKIT_PROBE_BASE`), `mutate`, or `cross` (the other
 * alerts' modules in `ALERTKIT_PROBE_ALERTS`).
 */
export async function runProbe(
  alert: AlertDefinition<unknown>,
  suite: AlertSuite,
  env: NodeJS.ProcessEnv = process.env,
): Promise<void> {
  const kind = env['ALERTKIT_PROBE'];
  const out = env['ALERTKIT_PROBE_OUT'];
  if (!out) throw new Error('ALERTKIT_PROBE_OUT is not set');
  if (kind === 'mutate') {
    await mutateProbe(alert, suite, out);
    return;
  }
  if (kind === 'cross') {
    await crossProbe(
      alert,
      suite,
      JSON.parse(env['ALERTKIT_PROBE_ALERTS'] ?? '[]') as CrossTarget[],
      out,
    );
    return;
  }
  if (kind !== 'diff') throw new Error(`unknown ALERTKIT_PROBE "${String(kind)}"`);
  const basePath = env['ALERTKIT_PROBE_BASE'];
  if (!basePath) throw new Error('ALERTKIT_PROBE_BASE is not set');
  const module = (await import(/* @vite-ignore */ basePath)) as Record<string, unknown>;
  const candidates = [...Object.values(module).flat()].filter(isAlertDefinition);
  const base = candidates.find((a) => a.name === alert.name) ?? candidates[0];
  if (!base) throw new Error(`${basePath} exports no alert made by defineAlert`);
  await diffProbe(alert, base, suite, out);
}
