import type { AggregateOptions, AlertDefinition, CriteriaContext } from './defineAlert.js';
import { resolveCriteria, validateAggregate, validateCriteria } from './defineAlert.js';
import type { AggregationSpec, Clause, Criteria } from './query.js';

/**
 * The criteria one run of `alert` searches with (what `runAlert` hands to the store): the
 * alert's criteria (resolved against `config` when they are a function) plus MozDef's rules:
 * - de-duplication (`filtersManual`, semantics §3.3): `mustNot match alert_names = <classname>`
 *   appended unless an identical clause is already there;
 * - for aggregation alerts (§2.4): `exists <field>` appended to `must` unless already there, and
 *   `aggregation` set from the alert's `aggregate` (samples default 5).
 *
 * `context.now` is the run's now, handed to criteria functions (default: the current time, as
 * `alertkit validate` uses).
 */
export function runCriteria<TConfig>(
  alert: AlertDefinition<TConfig>,
  config: TConfig,
  context: CriteriaContext = { now: new Date() },
): Criteria {
  const declared =
    typeof alert.criteria === 'function' ? alert.criteria(config, context) : alert.criteria;
  const criteria = structuredClone(resolveCriteria(declared));
  if (typeof alert.criteria === 'function') validateCriteria(alert.name, criteria);
  const query = criteria.query;
  const dedup: Clause = { type: 'match', field: 'alert_names', value: alert.classname };
  query.mustNot = appendUnlessPresent(query.mustNot, dedup);
  const aggregation = aggregationOf(alert, config, criteria.aggregation);
  if (aggregation) {
    query.must = appendUnlessPresent(query.must, { type: 'exists', field: aggregation.field });
    criteria.aggregation = aggregation;
  } else {
    delete criteria.aggregation;
  }
  return criteria;
}

/** The aggregation spec of an aggregation alert for this config, or `undefined` for the other kinds. */
export function aggregationOf<TConfig>(
  alert: AlertDefinition<TConfig>,
  config: TConfig,
  fromCriteria?: AggregationSpec,
): AggregationSpec | undefined {
  if (alert.kind !== 'aggregation' || !('aggregate' in alert) || alert.aggregate === undefined)
    return undefined;
  const declared: AggregateOptions =
    typeof alert.aggregate === 'function' ? alert.aggregate(config) : alert.aggregate;
  return validateAggregate(alert.name, { samples: fromCriteria?.samples, ...declared });
}

function appendUnlessPresent(list: Clause[] | undefined, clause: Clause): Clause[] {
  const existing = list ?? [];
  return existing.some((c) => sameClause(c, clause)) ? existing : [...existing, clause];
}

function sameClause(a: Clause, b: Clause): boolean {
  // Clauses of different types never match: skip the key-sorted copies (most clauses differ).
  if (a.type !== b.type) return false;
  return JSON.stringify(sorted(a)) === JSON.stringify(sorted(b));
}

/** A copy with object keys in sorted order, so key order does not make equal clauses differ. */
function sorted(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sorted);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(
    Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([x], [y]) => (x < y ? -1 : x > y ? 1 : 0))
      .map(([k, v]) => [k, sorted(v)]),
  );
}
