/**
 * Why an alert fired or not on some events: each event against the alert's run criteria
 * (window, every clause, de-duplication), the aggregation's groups against the threshold, and
 * the alert documents a run produces. `alertkit explain` prints it and the harness's failure
 * output is made of the same pieces.
 */
import {
  durationToMs,
  resolveAlertConfig,
  runAlert,
  runCriteria,
  type AlertDefinition,
  type Criteria,
  type ReverseDnsResolver,
  type Scalar,
  type StoredAlert,
  type StoredEvent,
} from '@alertkit/core';
import { createEmbeddedStore, type EmbeddedStore } from './engine/embeddedStore.js';
import { formatExplanation, type Explanation } from './engine/explain.js';
import type { IndexMapping } from './engine/mapping.js';

/** One event against the criteria. */
export interface EventExplanation {
  _index: string;
  _id: string;
  /** The event's `utctimestamp` as written. */
  utctimestamp: unknown;
  matched: boolean;
  /** Clause by clause; `undefined` with `error` when the criteria cannot be evaluated. */
  explanation?: Explanation;
  error?: string;
}

/** One group of an aggregation alert (every group, also those under the threshold). */
export interface GroupExplanation {
  key: Scalar;
  count: number;
  /** `count >= threshold`: the group raises an alert. */
  alerts: boolean;
  /** Ids of the group's events. */
  events: string[];
}

/** The aggregation of an aggregation alert over the events. */
export interface AggregationExplanation {
  field: string;
  threshold: number;
  samples: number;
  groups: GroupExplanation[];
  /** Ids of events that match every clause but fall outside the window. */
  outsideWindow: string[];
}

/** Everything {@link explainAlert} found. */
export interface AlertExplanation {
  alert: string;
  classname: string;
  kind: AlertDefinition<unknown>['kind'];
  now: string;
  /** The window the run searches, when the alert has one. */
  window?: { from: string; to: string };
  events: EventExplanation[];
  aggregation?: AggregationExplanation;
  /** The alert documents one run over the events produces, as saved. */
  alerts: StoredAlert[];
  /** The run's error (a reaction that threw, a config that does not validate). */
  error?: string;
}

/** Options of {@link explainAlert}. */
export interface ExplainAlertOptions {
  now: Date;
  /** The installation's config overrides. */
  config?: unknown;
  /** Explain only these events (by `_id`); all by default. Groups and alerts use every event. */
  eventIds?: readonly string[];
  reverseDns?: ReverseDnsResolver;
  mapping?: IndexMapping;
}

const message = (error: unknown): string =>
  error instanceof Error ? error.message : String(error);

/**
 * Each event against `criteria` at `now`, in `store` (which must hold them), clause by clause
 * with the window.
 */
export function explainCriteria(
  store: EmbeddedStore,
  events: readonly StoredEvent[],
  criteria: Criteria,
  now: Date,
): EventExplanation[] {
  return events.map((event) => {
    const base = { _index: event._index, _id: event._id, utctimestamp: event._source.utctimestamp };
    try {
      const explanation = store.explain(criteria, event, now);
      return { ...base, matched: explanation.matched, explanation };
    } catch (error) {
      return { ...base, matched: false, error: message(error) };
    }
  });
}

/** Every group the events form under `criteria` (threshold ignored), with what falls outside the window. */
export async function explainGroups(
  store: EmbeddedStore,
  explained: readonly EventExplanation[],
  criteria: Criteria,
  now: Date,
): Promise<AggregationExplanation | undefined> {
  const aggregation = criteria.aggregation;
  if (!aggregation) return undefined;
  const { buckets } = await store.aggregate({
    criteria: { ...criteria, aggregation: { ...aggregation, threshold: 1 } },
    now,
  });
  // The criteria's children are [window, query] when there is a window.
  const outsideWindow = explained
    .filter((e) => {
      const [window, query] = e.explanation?.children ?? [];
      return criteria.window !== undefined && window?.matched === false && query?.matched === true;
    })
    .map((e) => e._id);
  return {
    field: aggregation.field,
    threshold: aggregation.threshold,
    samples: aggregation.samples,
    groups: buckets.map((b) => ({
      key: b.key,
      count: b.count,
      alerts: b.count >= aggregation.threshold,
      events: b.events.map((e) => e._id),
    })),
    outsideWindow,
  };
}

/**
 * Explains one run of `alert` over `events` at `now`: each event clause by clause, the groups
 * of an aggregation alert, and the alert documents the run produces (from a fresh store, so the
 * events are explained as they were before the run tagged them).
 */
export async function explainAlert<TConfig>(
  alert: AlertDefinition<TConfig>,
  events: readonly StoredEvent[],
  options: ExplainAlertOptions,
): Promise<AlertExplanation> {
  const { now } = options;
  const storeOptions = options.mapping ? { mapping: options.mapping } : {};
  const out: AlertExplanation = {
    alert: alert.name,
    classname: alert.classname,
    kind: alert.kind,
    now: now.toISOString(),
    events: [],
    alerts: [],
  };
  let criteria: Criteria;
  try {
    criteria = runCriteria(alert, resolveAlertConfig(alert, options.config));
  } catch (error) {
    return { ...out, error: message(error) };
  }
  if (criteria.window) {
    out.window = {
      from: new Date(now.getTime() - durationToMs(criteria.window)).toISOString(),
      to: now.toISOString(),
    };
  }
  const store = createEmbeddedStore({ ...storeOptions, events });
  const wanted = options.eventIds ? new Set(options.eventIds) : undefined;
  const explained = explainCriteria(store, events, criteria, now);
  out.events = wanted ? explained.filter((e) => wanted.has(e._id)) : explained;
  const aggregation = await explainGroups(store, explained, criteria, now);
  if (aggregation) out.aggregation = aggregation;
  try {
    const result = await runAlert(alert, createEmbeddedStore({ ...storeOptions, events }), {
      now,
      config: options.config,
      ...(options.reverseDns ? { reverseDns: options.reverseDns } : {}),
    });
    out.alerts = result.alerts;
  } catch (error) {
    out.error = message(error);
  }
  return out;
}

/** Options of the text formatters. */
export interface FormatOptions {
  /** Green/red marks, for terminals. */
  color?: boolean;
  /** Prefix of every line. */
  indent?: string;
}

/** Events, one block each: whether it matched and, when not, clause by clause why. */
export function formatEventExplanations(
  events: readonly EventExplanation[],
  { color = false, indent = '  ' }: FormatOptions = {},
): string {
  return events
    .map((e) => {
      const stamp = `utctimestamp ${typeof e.utctimestamp === 'string' ? e.utctimestamp : JSON.stringify(e.utctimestamp ?? null)}`;
      if (e.error !== undefined) return `${indent}${e._id} (${stamp}): cannot explain: ${e.error}`;
      if (e.matched) return `${indent}${e._id} (${stamp}): matched the criteria`;
      return [
        `${indent}${e._id} (${stamp}): did not match the criteria`,
        ...(e.explanation
          ? [formatExplanation(e.explanation, { indent: `${indent}  `, color })]
          : []),
      ].join('\n');
    })
    .join('\n');
}

/** The groups of an aggregation, one line (what the harness prints under a failing case). */
export function formatGroups(aggregation: AggregationExplanation, indent = '  '): string {
  const groups =
    aggregation.groups.map((g) => `${JSON.stringify(g.key)} x${g.count}`).join(', ') || 'none';
  let line = `${indent}groups by ${aggregation.field} (threshold ${aggregation.threshold}, samples ${aggregation.samples}): ${groups}`;
  if (aggregation.outsideWindow.length > 0)
    line += `; outside the window: ${aggregation.outsideWindow.join(', ')}`;
  return line;
}

/** The whole explanation as text for a terminal. */
export function formatAlertExplanation(
  x: AlertExplanation,
  { color = false }: Pick<FormatOptions, 'color'> = {},
): string {
  const bold = (text: string): string => (color ? `\u001b[1m${text}\u001b[22m` : text);
  const lines = [
    bold(`${x.alert} (${x.classname}, ${x.kind}) at ${x.now}`),
    x.window ? `window: [${x.window.from}, ${x.window.to}]` : 'window: none',
    '',
    bold(`events (${x.events.length}):`),
    formatEventExplanations(x.events, { color }) || '  none',
  ];
  if (x.aggregation) {
    const a = x.aggregation;
    lines.push('', bold(`groups by ${a.field} (threshold ${a.threshold}):`));
    for (const g of a.groups)
      lines.push(
        `  ${JSON.stringify(g.key)}: ${g.count} event(s) ${g.alerts ? `>= ${a.threshold}: alerts` : `< ${a.threshold}: no alert`} [${g.events.join(', ')}]`,
      );
    if (a.groups.length === 0) lines.push('  none: no event matched every clause in the window');
    if (a.outsideWindow.length > 0)
      lines.push(`  matched every clause but outside the window: ${a.outsideWindow.join(', ')}`);
  }
  if (x.kind === 'deadman')
    lines.push(
      '',
      x.events.some((e) => e.matched)
        ? 'dead-man: an event matched in the window, so it stays quiet'
        : 'dead-man: no event matched in the window, so it fires',
    );
  lines.push('', bold(`alerts (${x.alerts.length}):`));
  for (const a of x.alerts)
    lines.push(
      `  ${a._source.severity} ${a._source.classname}: ${a._source.summary} (${a._source.events.length} event(s))`,
    );
  if (x.alerts.length === 0) lines.push('  none');
  if (x.error !== undefined) lines.push('', `error: ${x.error}`);
  return `${lines.join('\n')}\n`;
}
