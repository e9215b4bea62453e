import type { StandardSchemaV1 } from '@standard-schema/spec';
import type { AlertLogger } from './alertLogger.js';
import { durationToMs, type Duration } from './duration.js';
import { AlertkitError } from './errors.js';
import type { JsonObject, StoredEvent } from './event.js';
import type { AggregationSpec, BoolClause, Criteria } from './query.js';
import type { AlertHelpers } from './helpers/index.js';
import { scheduleProblem, type Schedule } from './schedule.js';
import type { AlertState } from './store.js';
import { isSeverity, type Severity } from './severity.js';

export type { Schedule };

/**
 * A function of the alert's config. Declared as a method so that an `AlertDefinition<{...}>` is
 * still assignable to `AlertDefinition<unknown>` (method parameters are bivariant), which is how
 * loaders and the runner hold alerts of any config.
 */
export type ConfigFunction<TConfig, TResult> = { fn(config: TConfig): TResult }['fn'];

/** Something that yields criteria: the plain data, or a builder from `@alertkit/query`. */
export type CriteriaLike = Criteria | { build(): Criteria };

/** What a criteria function gets besides the config. */
export interface CriteriaContext {
  /**
   * The run's `now` (the end of the window), for bounds relative to it (MozDef's old_events:
   * `utctimestamp` older than a day). `alertkit validate` passes the time of the check.
   */
  now: Date;
}

/**
 * Criteria as a function of the config (and the run's `now`). A method signature, for the same
 * bivariance as {@link ConfigFunction}.
 */
export type CriteriaFunction<TConfig> = {
  fn(config: TConfig, context: CriteriaContext): CriteriaLike;
}['fn'];

/** What {@link AlertDeclaration.prepare} gets besides the config. */
export interface PrepareContext {
  /** The run's `now` (the end of the window). */
  now: Date;
  /** Where to report what the alert recovered from; see {@link AlertLogger}. */
  log: AlertLogger;
  /** The alert's own documents, kept by the store between runs; see {@link AlertState}. */
  state: AlertState;
}

/**
 * Async work after every search of a run succeeded (a method signature, for the same
 * bivariance as {@link ConfigFunction}); gets the alert's config, not a prepared one.
 */
export type AfterRunFunction<TConfig> = {
  fn(config: TConfig, context: PrepareContext): void | Promise<void>;
}['fn'];

/**
 * Async work before the search (a method signature, for the same bivariance as
 * {@link ConfigFunction}): returns the configs to search with, one search per entry.
 */
export type PrepareFunction<TConfig> = {
  fn(config: TConfig, context: PrepareContext): readonly TConfig[] | Promise<readonly TConfig[]>;
}['fn'];

/** What a reaction returns to raise an alert: the summary is required, the rest defaults to the declaration. */
export interface AlertDraft {
  summary: string;
  severity?: Severity;
  category?: string;
  tags?: string[];
  /** Events the alert carries; defaults to the event (onEvent) or the group's samples (onAggregation). */
  events?: StoredEvent[];
  url?: string;
  channel?: string | null;
  /** Overrides MozDef's notify rule (false for NOTICE/INFO without a channel). */
  notifyMozdefbot?: boolean;
  /** Extra fields appended to the alert document (e.g. geomodel's `details`). */
  extra?: JsonObject;
}

/** A group handed to `onAggregation` (MozDef's aggregation dict). */
export interface AggregationGroup {
  /** The grouped value. */
  value: string | number | boolean;
  /** Number of events in the group. */
  count: number;
  /** The first `samples` events of the group, in store order. */
  events: StoredEvent[];
  /** Every event of the group, in store order (all of them are tagged). */
  allEvents: StoredEvent[];
}

/** What every reaction receives besides its matches. */
export interface ReactionContext<TConfig> {
  /** The alert's validated config (defaults merged with the installation's overrides). */
  config: TConfig;
  /** The run's `now` (the end of the window). */
  now: Date;
  /** The alert being run. */
  alert: AlertDefinition<TConfig>;
  /**
   * MozDef's helpers: `mostCommon`, `valueByPath`, `pyFormat`, `isoformat`, ... and the
   * reverse-DNS ones (`hostnameFromIp`, `addHostnameToIp`) bound to the run's resolver.
   */
  helpers: AlertHelpers;
  /** Where to report what the reaction recovered from; see {@link AlertLogger}. */
  log: AlertLogger;
  /**
   * The alert's own documents, kept by the store between runs (MozDef's geomodel keeps each
   * user's localities here); see {@link AlertState}.
   */
  state: AlertState;
}

/**
 * What a reaction returns: an alert draft (which must have a `summary`), or nothing (no alert).
 * Reactions may be async (e.g. to await `helpers.hostnameFromIp`).
 */
export type ReactionResult = AlertDraft | null | undefined | Promise<AlertDraft | null | undefined>;

/** The grouping of an aggregation alert; `samples` defaults to 5 (MozDef's samplesLimit). */
export type AggregateOptions = Omit<AggregationSpec, 'samples'> & { samples?: number };

/** 1:1 alerts: each matching event may raise an alert. */
export interface EventReaction<TConfig> {
  onEvent(event: StoredEvent, context: ReactionContext<TConfig>): ReactionResult;
  aggregate?: never;
  onAggregation?: never;
  onNoEvent?: never;
}

/** M:1 alerts: matches grouped by a field; groups at or above the threshold may raise an alert. */
export interface AggregationReaction<TConfig> {
  /** Group by this field; `samples` defaults to 5 (MozDef's samplesLimit). A function when it depends on config. */
  aggregate: AggregateOptions | ConfigFunction<TConfig, AggregateOptions>;
  onAggregation(group: AggregationGroup, context: ReactionContext<TConfig>): ReactionResult;
  onEvent?: never;
  onNoEvent?: never;
}

/** Dead-man alerts: alert when nothing matched in the window. */
export interface NoEventReaction<TConfig> {
  onNoEvent(context: ReactionContext<TConfig>): ReactionResult;
  onEvent?: never;
  aggregate?: never;
  onAggregation?: never;
}

/** The three kinds of alert. */
export type AlertKind = 'event' | 'aggregation' | 'deadman';

/** Everything an alert declares, before its reaction. */
export interface AlertDeclaration<TConfig> {
  /** Kebab-case name, e.g. `bruteforce-ssh`; its package is `alert-<name>`. */
  name: string;
  /** MozDef class name written to `classname` and `alert_names`; derived from the name by default (`AlertBruteforceSsh`). */
  classname?: string;
  /** One sentence: what the alert detects. */
  description: string;
  /** When it runs: `{ every: '1m' }` or `{ cron: '*\/5 * * * *' }` (UTC); default every minute, as MozDef's schedules. */
  schedule?: Schedule;
  /** Default severity of the alerts it raises. */
  severity: Severity;
  /** Default category. */
  category: string;
  /** Default tags. */
  tags?: readonly string[];
  /**
   * Typed config: any Standard Schema (zod, valibot, ...) of an object, with defaults. An
   * installation overrides values from a file (see `resolveAlertConfig`); reactions get the result.
   */
  config?: StandardSchemaV1<unknown, TConfig>;
  /** The events it looks at; a function when they depend on config (or on the run's `now`). */
  criteria: CriteriaLike | CriteriaFunction<TConfig>;
  /**
   * Optional async work before the search, once per run (MozDef's get_watchlist fetches its
   * watch terms here). Returns the configs to search with: one search per entry, in order, each
   * with the criteria, aggregation and reactions of that entry (as `config`), its own alerts and
   * tags, so an event one entry alerted on is not found again by the next (MozDef's
   * de-duplication). `[config]` is a plain run; an empty list searches and raises nothing.
   * Recoverable problems are reported with `context.log` and left out; a throw fails the run
   * (`PREPARE_FAILED`), which the runner logs and retries at the next cycle.
   */
  prepare?: PrepareFunction<TConfig>;
  /**
   * Optional async work once every search of the run succeeded (their alerts saved, their events
   * tagged): MozDef's geomodel writes its execution record here, so a run that fails midway
   * searches the same range again. A throw fails the run (`AFTER_RUN_FAILED`); the alerts it
   * saved stay saved.
   */
  afterRun?: AfterRunFunction<TConfig>;
  /**
   * Pitfall-lint findings this alert accepts, each with its reason (e.g. MozDef parity):
   * `rule` as `alertkit validate` names it, `clause` as it prints it (all clauses when absent).
   */
  pitfalls?: { allow: readonly PitfallAllowance[] };
  /**
   * Other alerts whose positive cases this alert is expected to fire on too
   * (`alertkit test --cross`), each with its reason.
   */
  overlaps?: readonly ExpectedOverlap[];
  /**
   * How loud the alert may be: at most `perDay` alerts a day over a backtest
   * (`alertkit backtest --check`); an installation may set its own per alert.
   */
  noiseBudget?: { perDay: number };
}

/** A pitfall-lint finding an alert accepts. */
export interface PitfallAllowance {
  rule: string;
  clause?: string;
  reason: string;
}

/** Another alert this one is expected to fire with on the same events. */
export interface ExpectedOverlap {
  /** The other alert's name (`bruteforce-ssh`). */
  alert: string;
  reason: string;
}

/** The input of {@link defineAlert}: a declaration plus exactly one reaction. */
export type AlertInput<TConfig> = AlertDeclaration<TConfig> &
  (EventReaction<TConfig> | AggregationReaction<TConfig> | NoEventReaction<TConfig>);

/** A declared, validated alert. */
export type AlertDefinition<TConfig = unknown> = AlertInput<TConfig> & {
  readonly classname: string;
  readonly kind: AlertKind;
  readonly schedule: Schedule;
  readonly tags: readonly string[];
  /** Marks the object as produced by `defineAlert` (checked when alerts are loaded). */
  readonly __alertkit: 1;
};

const KEBAB = /^[a-z][a-z0-9]*(?:-[a-z0-9]+)*$/;

/** MozDef-style class name of an alert name: `bruteforce-ssh` -> `AlertBruteforceSsh`. */
export function classnameOf(name: string): string {
  return (
    'Alert' +
    name
      .split('-')
      .map((w) => w.charAt(0).toUpperCase() + w.slice(1))
      .join('')
  );
}

function fail(name: string, message: string): never {
  throw new AlertkitError('ALERT_INVALID', `alert "${name}": ${message}`, {
    details: { alert: name },
  });
}

/**
 * Declares an alert. Checks the declaration at once and throws an `ALERT_INVALID` error that
 * names the alert and the field when something is wrong.
 *
 * @example
 * export const alert = defineAlert({
 *   name: 'failed-logins',
 *   description: 'Many failed logins for one user',
 *   severity: 'NOTICE',
 *   category: 'authentication',
 *   tags: ['auth'],
 *   criteria: search({ minutes: 5 }).must(match('category', 'authentication')),
 *   aggregate: { field: 'details.username', threshold: 10 },
 *   onAggregation: (group) => ({ summary: `${group.count} failed logins for ${group.value}` }),
 * });
 */
export function defineAlert<TConfig = Record<never, never>>(
  input: AlertInput<TConfig>,
): AlertDefinition<TConfig> {
  const name = typeof input.name === 'string' ? input.name : String(input.name);
  if (!KEBAB.test(name))
    fail(name, `name must be kebab-case (e.g. "bruteforce-ssh"), got "${name}"`);
  if (typeof input.description !== 'string' || input.description.trim() === '') {
    fail(name, 'description must be a non-empty string');
  }
  if (!isSeverity(input.severity)) {
    fail(
      name,
      `severity must be one of DEBUG, INFO, NOTICE, WARNING, ERROR, CRITICAL, ALERT, EMERGENCY, got "${String(input.severity)}"`,
    );
  }
  if (typeof input.category !== 'string' || input.category === '')
    fail(name, 'category must be a non-empty string');
  const tags: readonly string[] = input.tags ?? [];
  if (!Array.isArray(input.tags ?? []) || tags.some((t) => typeof t !== 'string' || t === '')) {
    fail(name, 'tags must be an array of non-empty strings');
  }
  const classname = input.classname ?? classnameOf(name);
  if (typeof classname !== 'string' || classname === '')
    fail(name, 'classname must be a non-empty string');

  const reactions = (['onEvent', 'onAggregation', 'onNoEvent'] as const).filter(
    (key) => typeof (input as unknown as Record<string, unknown>)[key] === 'function',
  );
  if (reactions.length !== 1) {
    fail(
      name,
      `needs exactly one reaction (onEvent, onAggregation or onNoEvent), got ${reactions.length === 0 ? 'none' : reactions.join(', ')}`,
    );
  }
  const kind: AlertKind =
    reactions[0] === 'onEvent'
      ? 'event'
      : reactions[0] === 'onAggregation'
        ? 'aggregation'
        : 'deadman';
  if (kind === 'aggregation' && !('aggregate' in input && input.aggregate)) {
    fail(name, 'onAggregation needs `aggregate: { field, threshold }`');
  }
  if (kind !== 'aggregation' && 'aggregate' in input && input.aggregate !== undefined) {
    fail(name, '`aggregate` is only for alerts with onAggregation');
  }
  if (kind === 'aggregation' && typeof input.aggregate === 'object')
    validateAggregate(name, input.aggregate);
  if (typeof input.criteria !== 'function') validateCriteria(name, resolveCriteria(input.criteria));
  const schedule = input.schedule ?? { every: '1m' };
  const problem = scheduleProblem(schedule);
  if (problem !== undefined) fail(name, problem);
  if (input.prepare !== undefined && typeof input.prepare !== 'function')
    fail(name, 'prepare must be a function of the config returning the configs to search with');
  if (input.afterRun !== undefined && typeof input.afterRun !== 'function')
    fail(name, 'afterRun must be a function of the config');
  if (input.config !== undefined && !isStandardSchema(input.config)) {
    fail(name, 'config must be a Standard Schema (e.g. a zod object schema with defaults)');
  }

  return Object.freeze({
    ...input,
    name,
    classname,
    kind,
    schedule,
    tags: Object.freeze([...tags]),
    __alertkit: 1 as const,
  });
}

/**
 * Checks an aggregation spec (also the one a config function returns, at run time): a dotted
 * field, a threshold of at least 1 and a positive whole number of samples.
 */
export function validateAggregate(name: string, aggregate: unknown): AggregationSpec {
  const spec = (aggregate ?? {}) as Partial<AggregationSpec>;
  if (typeof spec.field !== 'string' || !/^[^.]+(\.[^.]+)*$/.test(spec.field)) {
    fail(
      name,
      `aggregate.field must be a dotted field path such as "details.sourceipaddress", got ${JSON.stringify(spec.field)}`,
    );
  }
  if (
    typeof spec.threshold !== 'number' ||
    !Number.isInteger(spec.threshold) ||
    spec.threshold < 1
  ) {
    fail(
      name,
      `aggregate.threshold must be a whole number >= 1, got ${JSON.stringify(spec.threshold)}`,
    );
  }
  const samples = spec.samples ?? 5;
  if (typeof samples !== 'number' || !Number.isInteger(samples) || samples < 1) {
    fail(
      name,
      `aggregate.samples must be a whole number >= 1, got ${JSON.stringify(spec.samples)}`,
    );
  }
  return { field: spec.field, threshold: spec.threshold, samples };
}

function isStandardSchema(value: unknown): value is StandardSchemaV1 {
  if (value === null || (typeof value !== 'object' && typeof value !== 'function')) return false;
  const props = (value as Partial<StandardSchemaV1>)['~standard'];
  return typeof props === 'object' && typeof props.validate === 'function';
}

/** Plain criteria from criteria data or a builder. */
export function resolveCriteria(criteria: CriteriaLike): Criteria {
  return 'build' in criteria && typeof criteria.build === 'function'
    ? criteria.build()
    : (criteria as Criteria);
}

/** Checks resolved criteria (also those a config function returns, at run time). */
export function validateCriteria(name: string, criteria: Criteria): void {
  if (criteria === null || typeof criteria !== 'object' || criteria.query?.type !== 'bool') {
    fail(name, 'criteria must be a query (a bool clause with must / must_not / should)');
  }
  const q: BoolClause = criteria.query;
  const clauses =
    (q.must?.length ?? 0) +
    (q.mustNot?.length ?? 0) +
    (q.should?.length ?? 0) +
    (q.filter?.length ?? 0);
  // MozDef's SearchQuery refuses a query with only a time window; so do we.
  if (clauses === 0) fail(name, 'criteria must have at least one must, must_not or should clause');
  if (criteria.window !== undefined) {
    try {
      if (durationToMs(criteria.window) <= 0)
        fail(name, 'the time window must be longer than zero');
    } catch (error) {
      if (error instanceof AlertkitError && error.code === 'ALERT_INVALID') throw error;
      fail(name, `bad time window: ${(error as Error).message}`);
    }
  }
}

/** True for an object made by {@link defineAlert} (also across copies of core). */
export function isAlertDefinition(value: unknown): value is AlertDefinition<unknown> {
  return (
    typeof value === 'object' &&
    value !== null &&
    (value as { __alertkit?: unknown }).__alertkit === 1
  );
}

/** The alert's time window, when its criteria do not depend on config. */
export function windowOf(alert: AlertDefinition<unknown>): Duration | undefined {
  return typeof alert.criteria === 'function' ? undefined : resolveCriteria(alert.criteria).window;
}
