/**
 * Backtest: how loud would these alerts have been over a period? Each alert is evaluated at
 * every tick of its schedule, each tick with its own `now` and its normal window (the runner's
 * catch-up semantics), in a scratch embedded store: events are tagged there, so an event alerts
 * once as in a live run, and nothing is written to the real store or delivered.
 */
import {
  durationToMs,
  resolveAlertConfig,
  runAlert,
  runCriteria,
  type JsonValue,
  type StoredAlert,
  type StoredEvent,
  type Store,
} from '@alertkit/core';
import { createEmbeddedStore, type EmbeddedStore } from '@alertkit/query';
import { createTicker, ticksBetween } from './schedule.js';
import type { ScheduledAlert } from './runner.js';

/** A noise budget: at most `perDay` alerts a day (UTC). */
export interface NoiseBudget {
  perDay: number;
}

/** One alert to backtest. */
export type BacktestAlert = Pick<ScheduledAlert, 'alert' | 'schedule' | 'config' | 'noiseBudget'>;

/** Where the events come from. */
export type BacktestSource =
  /** All events in memory (files read into an embedded store): one scratch store. */
  | { events: readonly StoredEvent[] }
  /**
   * Events already in an embedded store (files read by the CLI), used as the scratch store
   * itself: the backtest tags its events as live runs would. No copy of the events is made, and
   * they are not indexed a second time (over 1M events, a second ingest and every event as an
   * object).
   */
  | { scratch: EmbeddedStore }
  /**
   * A cluster: read a day at a time (plus the longest window before it) into a scratch store,
   * so the period is never loaded whole.
   */
  | { store: Store };

/** Options of {@link backtest}. */
export interface BacktestOptions {
  alerts: readonly BacktestAlert[];
  source: BacktestSource;
  since: Date;
  until: Date;
  /** Called after each tick with the ticks done and the total. */
  onProgress?: (done: number, total: number) => void;
}

/** What one alert did over the period. */
export interface AlertBacktest {
  alert: string;
  classname: string;
  total: number;
  ticks: number;
  /** Alerts per UTC day (`YYYY-MM-DD`), every day of the period listed. */
  perDay: { day: string; alerts: number }[];
  /** The values alerts were raised for most (the aggregation field's value, else the summary). */
  busiest: { value: string; alerts: number }[];
  first?: { utctimestamp: string; summary: string };
  last?: { utctimestamp: string; summary: string };
  noiseBudget?: NoiseBudget;
  /** Days over the noise budget. */
  overBudget: { day: string; alerts: number }[];
  /** Runs that failed (a throwing reaction), with the tick. */
  errors: { tick: string; error: string }[];
}

/** The backtest's report. */
export interface BacktestReport {
  since: string;
  until: string;
  events: number;
  durationMs: number;
  alerts: AlertBacktest[];
}

const DAY = 86_400_000;
const day = (t: number): string => new Date(t).toISOString().slice(0, 10);

/** The group an alert was raised for: the aggregation field's value in its first event, else the summary. */
function groupOf(alert: StoredAlert, field: string | undefined): string {
  if (field) {
    let value: unknown = alert._source.events[0]?.documentsource;
    for (const part of field.split('.'))
      value =
        value !== null && typeof value === 'object'
          ? (value as Record<string, JsonValue>)[part]
          : undefined;
    if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean')
      return String(value);
    if (value !== undefined && value !== null) return JSON.stringify(value);
  }
  return alert._source.summary;
}

interface Plan {
  input: BacktestAlert;
  field: string | undefined;
  windowMs: number;
  ticks: Date[];
  raised: StoredAlert[];
  errors: AlertBacktest['errors'];
}

function planOf(input: BacktestAlert, since: Date, until: Date): Plan {
  const alert = input.alert;
  const config = resolveAlertConfig(alert, input.config);
  const criteria = runCriteria(alert, config);
  const ticker = createTicker(input.schedule ?? alert.schedule);
  // Ticks in (since - 1 ms, until]: a tick exactly at `since` is evaluated.
  const { ticks } = ticksBetween(
    ticker,
    new Date(since.getTime() - 1),
    until,
    Number.MAX_SAFE_INTEGER,
  );
  return {
    input,
    field: criteria.aggregation?.field,
    windowMs: criteria.window ? durationToMs(criteria.window) : 0,
    ticks,
    raised: [],
    errors: [],
  };
}

/** Every tick of every alert, in time order (as a live runner would run them). */
function schedule(plans: readonly Plan[]): { plan: Plan; tick: Date }[] {
  return plans
    .flatMap((plan) => plan.ticks.map((tick) => ({ plan, tick })))
    .sort((a, b) => a.tick.getTime() - b.tick.getTime());
}

async function runTick(store: Store, plan: Plan, tick: Date): Promise<void> {
  try {
    const result = await runAlert(plan.input.alert, store, {
      now: tick,
      config: plan.input.config,
    });
    const existing = new Set(result.existingIds);
    plan.raised.push(...result.alerts.filter((a) => !existing.has(a._id)));
  } catch (error) {
    plan.errors.push({
      tick: tick.toISOString(),
      error: error instanceof Error ? error.message : String(error),
    });
  }
}

/** The events of `[from, to]` (on either timestamp) read from a cluster store, paged by the store. */
async function readRange(store: Store, from: number, to: number): Promise<StoredEvent[]> {
  const { hits } = await store.search({
    criteria: {
      query: { type: 'bool', must: [{ type: 'matchAll' }] },
      window: { milliseconds: Math.max(1, to - from) },
    },
    now: new Date(to),
  });
  return hits;
}

function summarize(plan: Plan, since: Date, until: Date): AlertBacktest {
  const { alert } = plan.input;
  const byDay = new Map<string, number>();
  for (let t = Date.parse(day(since.getTime())); t <= until.getTime(); t += DAY)
    byDay.set(day(t), 0);
  const byGroup = new Map<string, number>();
  for (const a of plan.raised) {
    const d = a._source.utctimestamp.slice(0, 10);
    byDay.set(d, (byDay.get(d) ?? 0) + 1);
    const g = groupOf(a, plan.field);
    byGroup.set(g, (byGroup.get(g) ?? 0) + 1);
  }
  const perDay = [...byDay].map(([d, alerts]) => ({ day: d, alerts }));
  const budget = plan.input.noiseBudget ?? (alert as { noiseBudget?: NoiseBudget }).noiseBudget;
  const firstAlert = plan.raised[0];
  const lastAlert = plan.raised[plan.raised.length - 1];
  return {
    alert: alert.name,
    classname: alert.classname,
    total: plan.raised.length,
    ticks: plan.ticks.length,
    perDay,
    busiest: [...byGroup]
      .map(([value, alerts]) => ({ value, alerts }))
      .sort((a, b) => b.alerts - a.alerts || (a.value < b.value ? -1 : 1))
      .slice(0, 5),
    ...(firstAlert
      ? {
          first: {
            utctimestamp: firstAlert._source.utctimestamp,
            summary: firstAlert._source.summary,
          },
        }
      : {}),
    ...(lastAlert
      ? {
          last: {
            utctimestamp: lastAlert._source.utctimestamp,
            summary: lastAlert._source.summary,
          },
        }
      : {}),
    ...(budget ? { noiseBudget: budget } : {}),
    overBudget: budget ? perDay.filter((d) => d.alerts > budget.perDay) : [],
    errors: plan.errors,
  };
}

/**
 * Evaluates each alert at every schedule tick in `[since, until]`, purely (see the module
 * comment). From a cluster it reads one day at a time (plus the longest window before it), and
 * the tags of events read twice carry over, so the answer equals a live run's.
 */
export async function backtest(options: BacktestOptions): Promise<BacktestReport> {
  const started = performance.now();
  const { since, until } = options;
  const plans = options.alerts.map((a) => planOf(a, since, until));
  const order = schedule(plans);
  let done = 0;
  const progress = () => options.onProgress?.(++done, order.length);
  let events = 0;
  if ('events' in options.source || 'scratch' in options.source) {
    const store =
      'scratch' in options.source
        ? options.source.scratch
        : createEmbeddedStore({ events: options.source.events });
    events = store.size;
    for (const { plan, tick } of order) {
      await runTick(store, plan, tick);
      progress();
    }
  } else {
    const cluster = options.source.store;
    const reach = Math.max(0, ...plans.map((p) => p.windowMs));
    let scratch: EmbeddedStore | undefined;
    let i = 0;
    for (let start = since.getTime(); start <= until.getTime(); start += DAY) {
      const end = Math.min(start + DAY - 1, until.getTime());
      const fresh = createEmbeddedStore({ events: await readRange(cluster, start - reach, end) });
      // Events read again keep the tags the previous day's runs gave them.
      if (scratch) fresh.restore(scratch.snapshot());
      scratch = fresh;
      events += fresh.size;
      for (; i < order.length; i++) {
        const next = order[i];
        if (!next || next.tick.getTime() > end) break;
        await runTick(fresh, next.plan, next.tick);
        progress();
      }
    }
  }
  return {
    since: since.toISOString(),
    until: until.toISOString(),
    events,
    durationMs: Math.round(performance.now() - started),
    alerts: plans.map((p) => summarize(p, since, until)),
  };
}
