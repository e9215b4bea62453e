import { createHash } from 'node:crypto';
import type { AlertDocument, StoredAlert } from './alertDocument.js';
import { resolveAlertConfig } from './alertConfig.js';
import { stderrAlertLogger, type AlertLogger } from './alertLogger.js';
import { buildAlertDocument } from './buildAlertDocument.js';
import type {
  AggregationGroup,
  AlertDefinition,
  AlertDraft,
  PrepareContext,
  ReactionContext,
} from './defineAlert.js';
import { AlertkitError, isAlertkitError } from './errors.js';
import type { EventRef, StoredEvent } from './event.js';
import { createAlertHelpers } from './helpers/index.js';
import { isoformat } from './helpers/isoformat.js';
import { systemReverseDns, type ReverseDnsResolver } from './helpers/reverseDns.js';
import type { Criteria } from './query.js';
import { createAlertState } from './alertState.js';
import { aggregationOf, runCriteria } from './runCriteria.js';
import type { Store } from './store.js';

/** The index alerts are saved to, as MozDef's `alerts` alias. */
export const ALERTS_INDEX = 'alerts';

/**
 * Runs on each alert document of an event or aggregation alert before it is saved (MozDef's
 * alert plugins, semantics §3.10): returns the document to save, or `null` to suppress the alert
 * (then nothing is saved or tagged: MozDef crashed here, §8.8). Never called for dead-man alerts.
 */
export type AlertDocumentPlugin = (
  document: AlertDocument,
  run?: AlertPluginRun,
) => AlertDocument | null | Promise<AlertDocument | null>;

/** What a plugin is told about the run that raised the alert. */
export interface AlertPluginRun {
  /** The run's `now` (the end of its window): plugins search windows ending here. */
  now: Date;
  /** The `_id` the alert will be saved under, for plugins' log lines. */
  alertId: string;
}

/** Options of {@link runAlert}. */
export interface RunAlertOptions {
  /** The end of the window and the alert's `utctimestamp`. */
  now: Date;
  /** The installation's overrides of the alert's config (validated with `resolveAlertConfig`). */
  config?: unknown;
  /** Reverse DNS for `helpers.hostnameFromIp`; default the system resolver. */
  reverseDns?: ReverseDnsResolver;
  /** MozDef's 1,000-hit cap as an opt-in (semantics §9.2): passed to the store as `size`. Default: no cap. */
  hitLimit?: number;
  /** Alert plugins, see {@link AlertDocumentPlugin}. */
  plugins?: AlertDocumentPlugin;
  /** Where the alert's `prepare` and reactions report what they recovered from; default stderr. */
  log?: AlertLogger;
}

/** What one run did. */
export interface RunAlertResult {
  /** Every alert the run raised, in order, as saved (also those a previous run of the same tick had saved). */
  alerts: StoredAlert[];
  /** Ids among `alerts` that were already in the store (the same alert, run, `now` and group again). */
  existingIds: string[];
  /** Number of events tagged (all events of an alerting group; the event of an event alert). */
  taggedEvents: number;
  /** Events that matched: the search's total; for aggregation alerts, the events of groups at the threshold. */
  matched: number;
  /** Alerts a plugin suppressed. */
  suppressed: number;
  /** True when `hitLimit` cut the hits: counts may be too low (MozDef's silent truncation, reported). */
  truncated: boolean;
  /**
   * The criteria the run searched with (with the de-duplication clause); for an alert with
   * `prepare`, those of its first search (or of the unprepared config when it made none).
   */
  criteria: Criteria;
  /** The criteria of every search of the run, in order: one, or one per `prepare` entry. */
  searches: Criteria[];
}

/**
 * Executes one run of an alert exactly as MozDef's `AlertTask` does (semantics §3.3-§3.8, §4):
 * search the window with the de-duplication rule (or aggregate: groups with `count >=
 * threshold`), call the reaction for each event / group (or, for a dead-man alert, once when
 * nothing matched), build the alert document, save it under a deterministic `_id` (alert name,
 * `now`, group: a repeated run of the same tick never writes an alert twice), then tag the events
 * it used (`alert_names` += classname, `alerts` += `{index, id}`): the event for event alerts,
 * ALL events of the group for aggregation alerts (not only the samples), none for dead-man alerts.
 *
 * A reaction that throws aborts the run, as in MozDef: the failing event or group gets no alert
 * and no tags; alerts already completed earlier in the run stay saved and tagged (each alert is
 * saved, then tagged, before the next reaction runs), so a re-run does not repeat them.
 *
 * An alert with `prepare` first gets its list of configs from it and then searches once per
 * entry, in order, as MozDef's get_watchlist searches once per term: each search with its own
 * criteria and reactions, its alerts saved and its events tagged before the next one starts.
 *
 * @throws AlertkitError `REACTION_FAILED` (naming the alert and the event or group; `cause` is
 *   the original error), `PREPARE_FAILED`, `CONFIG_INVALID`, or the store's errors.
 */
export async function runAlert<TConfig>(
  alert: AlertDefinition<TConfig>,
  store: Store,
  options: RunAlertOptions,
): Promise<RunAlertResult> {
  const { now } = options;
  const config = resolveAlertConfig(alert, options.config);
  const log = options.log ?? stderrAlertLogger(alert.name);
  const state = createAlertState(store, alert.name);
  const configs = alert.prepare ? await prepare(alert, config, { now, log, state }) : [config];
  const helpers = createAlertHelpers(options.reverseDns ?? systemReverseDns);
  const result: RunAlertResult = {
    alerts: [],
    existingIds: [],
    taggedEvents: 0,
    matched: 0,
    suppressed: 0,
    truncated: false,
    criteria: runCriteria(alert, configs[0] ?? config, { now }),
    searches: [],
  };
  for (const [index, searchConfig] of configs.entries()) {
    const context: ReactionContext<TConfig> = {
      config: searchConfig,
      now,
      alert,
      helpers,
      log,
      state,
    };
    // With `prepare`, each search's groups are keyed by its config too, so two searches of one
    // run never share an alert id.
    const key = alert.prepare ? `search:${stableJson(searchConfig)}|` : '';
    // The first search's criteria are the run's, built above from the same config (building
    // criteria copies and checks them: not twice per run).
    const criteria = index === 0 ? result.criteria : runCriteria(alert, searchConfig, { now });
    await runSearch(alert, store, options, context, key, criteria, result);
  }
  if (alert.afterRun) await afterRun(alert, config, { now, log, state });
  return result;
}

/** Calls the alert's `afterRun`; a throw becomes `AFTER_RUN_FAILED` naming the alert. */
async function afterRun<TConfig>(
  alert: AlertDefinition<TConfig>,
  config: TConfig,
  context: PrepareContext,
): Promise<void> {
  try {
    await alert.afterRun?.(config, context);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new AlertkitError(
      'AFTER_RUN_FAILED',
      `alert "${alert.name}": afterRun failed: ${reason}`,
      { cause: error, details: { alert: alert.name } },
    );
  }
}

/** Calls the alert's `prepare`; a throw becomes `PREPARE_FAILED` naming the alert. */
async function prepare<TConfig>(
  alert: AlertDefinition<TConfig>,
  config: TConfig,
  context: PrepareContext,
): Promise<TConfig[]> {
  let configs: unknown;
  try {
    configs = await alert.prepare?.(config, context);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new AlertkitError('PREPARE_FAILED', `alert "${alert.name}": prepare failed: ${reason}`, {
      cause: error,
      details: { alert: alert.name },
    });
  }
  // Plain-JavaScript alerts are not held to the types.
  if (!Array.isArray(configs))
    throw new AlertkitError(
      'PREPARE_FAILED',
      `alert "${alert.name}": prepare must return a list of configs, got ${typeof configs}`,
      { details: { alert: alert.name } },
    );
  return [...(configs as readonly TConfig[])];
}

/** One search of a run (MozDef's search + walk), adding what it raised to `result`. */
async function runSearch<TConfig>(
  alert: AlertDefinition<TConfig>,
  store: Store,
  options: RunAlertOptions,
  context: ReactionContext<TConfig>,
  key: string,
  criteria: Criteria,
  result: RunAlertResult,
): Promise<void> {
  const { now } = options;
  result.searches.push(criteria);
  const size = options.hitLimit === undefined ? {} : { size: options.hitLimit };
  const raise = async (raised: Raised): Promise<void> => {
    let document: AlertDocument | null = buildAlertDocument(alert, raised.draft, {
      now,
      defaultEvents: raised.defaultEvents,
      where: raised.where,
    });
    const id = alertId(alert.name, now, key + raised.group);
    if (raised.plugins && options.plugins)
      document = await options.plugins(document, { now, alertId: id });
    if (document === null) {
      result.suppressed += 1;
      return;
    }
    const stored: StoredAlert = {
      _index: ALERTS_INDEX,
      _id: id,
      _source: document,
    };
    // Stores keep their own copy (the embedded store clones, Elasticsearch serialises).
    const saved = await store.saveAlert(stored);
    const savedAlert = { ...stored, _index: saved._index, _id: saved._id };
    result.alerts.push(savedAlert);
    if (!saved.created) result.existingIds.push(saved._id);
    if (raised.tag.length > 0) {
      await store.tagEvents(raised.tag, {
        alertName: alert.classname,
        alert: { index: saved._index, id: saved._id },
      });
      result.taggedEvents += raised.tag.length;
    }
  };

  if (alert.kind === 'aggregation') {
    const aggregation = aggregationOf(alert, context.config) as NonNullable<
      Criteria['aggregation']
    >;
    const { buckets } = await store.aggregate({
      criteria: { ...criteria, aggregation },
      now,
      ...size,
    });
    let matched = 0;
    for (const bucket of buckets) {
      matched += bucket.count;
      // The store only returns groups at the threshold; check anyway, it is MozDef's rule (>=).
      if (bucket.count < aggregation.threshold) continue;
      const group: AggregationGroup = {
        value: bucket.key,
        count: bucket.count,
        events: bucket.samples,
        allEvents: bucket.events,
      };
      const where = `for group ${JSON.stringify(bucket.key)} of ${aggregation.field}`;
      const draft = await react(alert.name, where, () => alert.onAggregation?.(group, context));
      if (draft)
        await raise({
          draft,
          where,
          group: `group:${JSON.stringify(bucket.key)}`,
          defaultEvents: bucket.samples,
          tag: refs(bucket.events),
          plugins: true,
        });
    }
    result.matched += matched;
    if (options.hitLimit !== undefined && matched >= options.hitLimit) result.truncated = true;
    return;
  }

  // Dead-man alerts only need to know whether anything matched (MozDef searches with size 1).
  const search = await store.search({
    criteria,
    now,
    ...(alert.kind === 'deadman' ? { size: 1 } : size),
  });
  result.matched += search.total;
  if (alert.kind === 'deadman') {
    if (search.total > 0) return;
    const where = 'onNoEvent';
    const draft = await react(alert.name, where, () => alert.onNoEvent?.(context));
    if (draft) await raise({ draft, where, group: '', defaultEvents: [], tag: [], plugins: false });
    return;
  }
  if (search.total > search.hits.length) result.truncated = true;
  for (const event of search.hits) {
    const where = `for event ${event._index}/${event._id}`;
    const draft = await react(alert.name, where, () => alert.onEvent?.(event, context));
    if (draft)
      await raise({
        draft,
        where,
        group: `event:${event._index}/${event._id}`,
        defaultEvents: [event],
        tag: refs([event]),
        plugins: true,
      });
  }
}

/** JSON with object keys sorted, so equal configs give equal keys whatever their key order. */
function stableJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v !== null && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(
          Object.entries(v as Record<string, unknown>).sort(([x], [y]) =>
            x < y ? -1 : x > y ? 1 : 0,
          ),
        )
      : v,
  );
}

interface Raised {
  draft: AlertDraft;
  where: string;
  /** What makes this alert unique within the run (part of its id). */
  group: string;
  defaultEvents: readonly StoredEvent[];
  tag: EventRef[];
  plugins: boolean;
}

async function react(
  alertName: string,
  where: string,
  call: () => AlertDraft | null | undefined | Promise<AlertDraft | null | undefined>,
): Promise<AlertDraft | null | undefined> {
  try {
    return await call();
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    const prefix = `alert "${alertName}": the reaction failed ${where}`;
    if (
      isAlertkitError(error) &&
      error.code === 'REACTION_FAILED' &&
      error.message.startsWith(prefix)
    )
      throw error;
    throw new AlertkitError('REACTION_FAILED', `${prefix}: ${reason}`, {
      cause: error,
      details: { alert: alertName, where },
    });
  }
}

function refs(events: readonly StoredEvent[]): EventRef[] {
  return events.map((e) => ({ _index: e._index, _id: e._id }));
}

/**
 * The deterministic id of an alert: the first 32 hex digits of SHA-256 over (alert name, `now`
 * in isoformat, group), where group is `event:<index>/<id>` for event alerts,
 * `group:<JSON value>` for aggregation alerts and empty for dead-man alerts.
 */
export function alertId(alertName: string, now: Date, group: string): string {
  return createHash('sha256')
    .update(JSON.stringify([alertName, isoformat(now), group]))
    .digest('hex')
    .slice(0, 32);
}
