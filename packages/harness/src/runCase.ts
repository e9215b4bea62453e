/**
 * One alert case, run as MozDef's test suite runs it (semantics §7): a fresh embedded store with
 * the case's events, one `runAlert` at the frozen now, then MozDef's checks (§7.5).
 */
import { isDeepStrictEqual } from 'node:util';
import {
  ALERTS_INDEX,
  isoformat,
  mozdefMockReverseDns,
  notifyMozdefbot,
  resolveAlertConfig,
  runAlert,
  runCriteria,
  type AlertDefinition,
  type AlertLogger,
  type Criteria,
  type JsonValue,
  type ReverseDnsResolver,
  type RunAlertResult,
  type StoredAlert,
  type StoredEvent,
} from '@alertkit/core';
import { createEmbeddedStore, type EmbeddedStore } from '@alertkit/query';
import type { AlertCase, ExpectedAlert } from './cases.js';
import { DEFAULT_NOW } from './clock.js';
import { buildCaseEvents, hashSeed, type EventInput } from './events.js';
import { describeGroups, explainEvents } from './explainEvents.js';

/** What every case of an alert shares (MozDef's test class attributes). */
export interface AlertSuiteOptions {
  /** Merged over MozDef's generic default event, under each case's events. */
  defaultEvent?: EventInput;
  /** The expected alert fields of positive cases (each case may override fields). */
  defaultAlert?: ExpectedAlert;
  /** The frozen now (default `2017-01-01T01:00:00Z`). */
  now?: Date | string;
  /** Config overrides, as an installation's config file would give them. */
  config?: unknown;
  /** Reverse DNS; default MozDef's mock (`10.2.3.4` -> `mock_hostname1.mozilla.org`, else `mock.mozilla.org`). */
  reverseDns?: ReverseDnsResolver;
  /** Events each alert must carry when not all case events (MozDef's `num_samples`). */
  numSamples?: number;
}

/** An alert's test suite: shared options and the cases, each run as its own test. */
export interface AlertSuite extends AlertSuiteOptions {
  cases: readonly AlertCase[];
}

/** One line an alert logged during a case run (see `AlertLogger`). */
export interface LoggedLine {
  level: 'warn' | 'error';
  message: string;
  details: Record<string, unknown>;
}

/** What a case run leaves behind, for tests that look further. */
export interface CaseRun {
  result: RunAlertResult;
  /** What the alert logged (its `prepare` and reactions), in order; nothing goes to the console. */
  logs: LoggedLine[];
  /** The case's events as stored before the run. */
  events: StoredEvent[];
  /** The store after the run (events tagged, alerts saved). */
  store: EmbeddedStore;
  /** The saved alerts, as read back from the store. */
  alerts: StoredAlert[];
}

/** A case that did not behave as expected; the message says how, and why the events matched or not. */
export class AlertCaseFailure extends Error {
  override readonly name = 'AlertCaseFailure';
}

function nowOf(suite: AlertSuiteOptions): Date {
  const value = suite.now ?? DEFAULT_NOW;
  const date = value instanceof Date ? value : new Date(value);
  if (Number.isNaN(date.getTime()))
    throw new TypeError(`describeAlert: now is not a valid date: ${String(value)}`);
  return date;
}

const show = (value: unknown): string => (value === undefined ? '(absent)' : JSON.stringify(value));

/**
 * Runs one case and checks it; resolves with what happened, or rejects with an
 * {@link AlertCaseFailure} whose message is the readable diff and the events' explanation.
 */
export async function runAlertCase<TConfig>(
  alert: AlertDefinition<TConfig>,
  suite: AlertSuiteOptions,
  testCase: AlertCase,
): Promise<CaseRun> {
  const now = nowOf(suite);
  const events = buildCaseEvents(testCase.events, {
    now,
    seed: hashSeed(`${alert.name}\0${testCase.description}`),
    ...(suite.defaultEvent ? { defaultEvent: suite.defaultEvent } : {}),
  });
  const store = createEmbeddedStore();
  const ingested = store.ingest(events);
  const header = `alert "${alert.name}", ${testCase.kind} case "${testCase.description}" (now ${isoformat(now)})`;
  if (ingested.rejected.length > 0) {
    const reasons = ingested.rejected.map((r) => `  ${r._id}: ${r.error.message}`).join('\n');
    throw new AlertCaseFailure(
      `${header}: the store refused events of the case, as Elasticsearch would:\n${reasons}`,
    );
  }
  const explain = async (criteria: Criteria | undefined): Promise<string> => {
    if (!criteria) return '';
    const groups = await describeGroups(events, criteria, now);
    return `\nEvents of the case:\n${explainEvents(events, criteria, now)}${groups ? `\n${groups}` : ''}`;
  };

  // The case's starting state, where the alert's `context.state` reads it.
  for (const [id, document] of Object.entries(testCase.state ?? {}))
    await store.putState(alert.name, id, document);

  const logs: LoggedLine[] = [];
  const log: AlertLogger = {
    warn: (details, message) => logs.push({ level: 'warn', message, details }),
    error: (details, message) => logs.push({ level: 'error', message, details }),
  };
  let result: RunAlertResult;
  try {
    result = await runAlert(alert, store, {
      now,
      config: suite.config,
      reverseDns: suite.reverseDns ?? mozdefMockReverseDns,
      log,
    });
  } catch (error) {
    let criteria: Criteria | undefined;
    try {
      criteria = runCriteria(alert, resolveAlertConfig(alert, suite.config), { now });
    } catch {
      criteria = undefined;
    }
    throw new AlertCaseFailure(
      `${header}: the run failed: ${(error as Error).message}${await explain(criteria)}`,
      { cause: error },
    );
  }
  const alerts = await store.listAlerts();
  const run: CaseRun = { result, logs, events, store, alerts };

  if (testCase.kind === 'negative') {
    if (result.alerts.length === 0) return run;
    const fired = result.alerts
      .map(
        (a, i) =>
          `  alert ${i + 1}: ${show(a._source.summary)} (${a._source.events.length} event(s))`,
      )
      .join('\n');
    throw new AlertCaseFailure(
      `${header}: expected no alert, but ${result.alerts.length} fired:\n${fired}${await explain(result.criteria)}`,
    );
  }

  const expected: ExpectedAlert = { ...suite.defaultAlert, ...testCase.expectedAlert };
  if (result.alerts.length === 0) {
    throw new AlertCaseFailure(
      `${header}: expected an alert, none fired${await explain(result.criteria)}`,
    );
  }
  const problems: string[] = [];
  for (const [i, published] of result.alerts.entries()) {
    const saved = alerts.find((a) => a._id === published._id);
    const label = `alert ${i + 1} of ${result.alerts.length} (_id ${published._id})`;
    if (!saved) {
      problems.push(`${label}: not found in the alert store`);
      continue;
    }
    problems.push(
      ...(await checkAlert(alert, saved, published, { expected, suite, testCase, store, label })),
    );
  }
  if (problems.length > 0) {
    const listed = problems.map((problem) => `  ${problem.replaceAll('\n', '\n  ')}`).join('\n');
    throw new AlertCaseFailure(
      `${header}: the alert is not as expected:\n${listed}${await explain(result.criteria)}`,
    );
  }
  return run;
}

interface CheckContext {
  expected: ExpectedAlert;
  suite: AlertSuiteOptions;
  testCase: AlertCase;
  store: EmbeddedStore;
  label: string;
}

/** MozDef's checks of one saved alert (semantics §7.5); returns what is wrong, one entry per problem. */
async function checkAlert(
  alert: AlertDefinition<unknown>,
  saved: StoredAlert,
  published: StoredAlert,
  { expected, suite, testCase, store, label }: CheckContext,
): Promise<string[]> {
  const problems: string[] = [];
  const field = (name: string, want: unknown, got: unknown, why = '') =>
    problems.push(
      `${label}: ${name}${why}\n    expected: ${show(want)}\n    actual:   ${show(got)}`,
    );
  const doc = saved._source as Record<string, JsonValue | undefined>;
  if (saved._index !== ALERTS_INDEX) field('_index', ALERTS_INDEX, saved._index);
  if (typeof saved._id !== 'string' || saved._id === '')
    field('_id', 'a non-empty string', saved._id);
  if (typeof doc.utctimestamp !== 'string')
    field('utctimestamp', 'an ISO timestamp', doc.utctimestamp);
  if (doc.classname !== alert.classname) field('classname', alert.classname, doc.classname);
  if (!Array.isArray(doc.events)) field('events', 'a list', doc.events);
  const channel = expected.channel ?? null;
  if (!('channel' in expected) && doc.channel !== channel) field('channel', channel, doc.channel);
  if (!('notify_mozdefbot' in expected)) {
    const severity = typeof expected.severity === 'string' ? expected.severity : alert.severity;
    const want = notifyMozdefbot(severity, typeof channel === 'string' ? channel : null);
    if (doc.notify_mozdefbot !== want)
      field(
        'notify_mozdefbot',
        want,
        doc.notify_mozdefbot,
        ` (MozDef's rule for severity ${severity} and channel ${show(channel)})`,
      );
  }
  for (const [key, want] of Object.entries(expected)) {
    if (doc[key] !== want && !isDeepStrictEqual(doc[key], want)) field(key, want, doc[key]);
  }
  // What a sink publishes is what was saved (MozDef compares the MQ message with the stored alert).
  for (const key of ['summary', 'utctimestamp', 'category'] as const) {
    if (published._source[key] !== saved._source[key])
      field(
        `published ${key}`,
        saved._source[key],
        published._source[key],
        ' (differs from the saved alert)',
      );
  }
  if (alert.kind === 'deadman' || !Array.isArray(doc.events)) return problems;
  const wantCount = suite.numSamples ?? testCase.events.length;
  if (doc.events.length !== wantCount) {
    const why =
      suite.numSamples === undefined
        ? 'every event of the case must be in the alert'
        : 'numSamples';
    problems.push(
      `${label}: carries ${doc.events.length} event(s), expected ${wantCount} (${why})`,
    );
  }
  const refs = saved._source.events.map((e) => ({ _index: e.documentindex, _id: e.documentid }));
  // Looked up by index and id: a search per ref made alerts that carry 1,000 events quadratic.
  const stored = new Map(
    (await store.getEvents(refs)).map((e) => [`${e._index}\0${e._id}`, e] as const),
  );
  for (const ref of refs) {
    const event = stored.get(`${ref._index}\0${ref._id}`);
    const where = `${label}: event ${ref._index}/${ref._id}`;
    if (!event) {
      problems.push(`${where} is not in the store`);
      continue;
    }
    const names = event._source.alert_names;
    if (!(Array.isArray(names) && names.length === 1 && names[0] === alert.classname)) {
      problems.push(
        `${where}: alert_names\n    expected: ${show([alert.classname])}\n    actual:   ${show(names)}`,
      );
    }
    const tags = event._source.alerts;
    const want = { index: saved._index, id: saved._id };
    if (
      !Array.isArray(tags) ||
      tags.length === 0 ||
      tags.some(
        (t) =>
          !(isPlainTag(t) && t.index === want.index && t.id === want.id) &&
          !isDeepStrictEqual(t, want),
      )
    ) {
      problems.push(
        `${where}: alerts\n    expected: every entry ${show(want)}\n    actual:   ${show(tags)}`,
      );
    }
  }
  return problems;
}

/** A tag shaped as `{index, id}` and nothing else (what the fast comparison above covers). */
function isPlainTag(value: unknown): value is { index: unknown; id: unknown } {
  return (
    typeof value === 'object' &&
    value !== null &&
    !Array.isArray(value) &&
    Object.keys(value).length === 2 &&
    'index' in value &&
    'id' in value
  );
}
