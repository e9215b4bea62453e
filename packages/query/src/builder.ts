import {
  durationToMs,
  type AggregationSpec,
  type BoolClause,
  type Clause,
  type Criteria,
  type Duration,
} from '@alertkit/core';
import { describeCriteria } from './describeCriteria.js';
import { describeValue, fail, requireClauses, requireCount, requireField } from './matchers.js';

export {
  exists,
  fuzzy,
  lessThan,
  match,
  phrase,
  prefix,
  queryString,
  range,
  regexp,
  subnet,
  terms,
  wildcard,
} from './matchers.js';
export type {
  MatchOptions,
  PatternOptions,
  QueryStringOptions,
  RangeBounds,
  RangeValue,
} from './matchers.js';

/** The lists of a bool clause, as {@link bool} takes them. */
export interface BoolParts {
  must?: readonly Clause[];
  filter?: readonly Clause[];
  mustNot?: readonly Clause[];
  should?: readonly Clause[];
  /** How many `should` clauses must match; the builder's default is 1 whenever there are any. */
  minimumShouldMatch?: number;
}

/**
 * Boolean composition. Unlike a bare Elasticsearch 7 `bool`, `should` clauses always need
 * `minimumShouldMatch` of them (default 1), as they did in MozDef's filter context (ES 6).
 */
export function bool(parts: BoolParts): BoolClause {
  if (parts === null || typeof parts !== 'object')
    fail(`bool: expected { must, filter, mustNot, should }, got ${describeValue(parts)}`);
  const out: BoolClause = { type: 'bool' };
  for (const key of ['must', 'filter', 'mustNot', 'should'] as const) {
    const list = parts[key];
    if (list === undefined) continue;
    if (!Array.isArray(list))
      fail(`bool: ${key} must be a list of clauses, got ${describeValue(list)}`);
    if (list.length > 0) out[key] = [...requireClauses(`bool ${key}`, list)];
  }
  if (out.should) {
    out.minimumShouldMatch = requireCount(
      'bool: minimumShouldMatch',
      parts.minimumShouldMatch ?? 1,
      { min: 0 },
    );
  } else if (parts.minimumShouldMatch !== undefined) {
    fail('bool: minimumShouldMatch is set but there are no should clauses');
  }
  return out;
}

/** A bool holding only `should` clauses that need one match: elasticsearch-dsl flattens these under `|`. */
function isAnyOf(clause: Clause): clause is BoolClause & { should: Clause[] } {
  return (
    clause.type === 'bool' &&
    !clause.must?.length &&
    !clause.filter?.length &&
    !clause.mustNot?.length &&
    !!clause.should?.length &&
    (clause.minimumShouldMatch === undefined || clause.minimumShouldMatch === 1)
  );
}

/** elasticsearch-dsl's `a | b` (Bool.__or__), with the builder's `minimum_should_match: 1`. */
function or(a: Clause, b: Clause): Clause {
  if (isAnyOf(a))
    return {
      type: 'bool',
      should: [...a.should, ...(isAnyOf(b) ? b.should : [b])],
      minimumShouldMatch: 1,
    };
  // Bool.__ror__: the should-only bool on the right keeps its clauses first, then takes `a`.
  if (isAnyOf(b)) return { type: 'bool', should: [...b.should, a], minimumShouldMatch: 1 };
  return { type: 'bool', should: [a, b], minimumShouldMatch: 1 };
}

/**
 * elasticsearch-dsl's `a + b` (Bool.__add__): a bool absorbs the other side into its `must`
 * (two bools merge their lists). One deliberate difference: two bools that both carry `should`
 * clauses are not merged (elasticsearch-dsl would pool them under one minimum_should_match and
 * change the meaning); the right one is added to `must` instead.
 */
function and(a: Clause, b: Clause): Clause {
  if (a.type === 'bool' && b.type === 'bool' && !(a.should?.length && b.should?.length)) {
    const out: BoolClause = { type: 'bool' };
    for (const key of ['must', 'filter', 'mustNot', 'should'] as const) {
      const list = [...(a[key] ?? []), ...(b[key] ?? [])];
      if (list.length > 0) out[key] = list;
    }
    if (out.should) out.minimumShouldMatch = effectiveMinimumShouldMatch(a.should?.length ? a : b);
    return out;
  }
  if (a.type === 'bool') return withMust(a, b);
  // Bool.__radd__: the bool on the right keeps its must clauses first, then takes `a`.
  if (b.type === 'bool') return withMust(b, a);
  return { type: 'bool', must: [a, b] };
}

/**
 * How many `should` clauses a bool requires under Elasticsearch 7 rules: the explicit value, else
 * 1 for a bool without `must`/`filter`, else 0. Written out when composition adds a `must`, so
 * that a should-only bool keeps requiring one match (elasticsearch-dsl loses that).
 */
function effectiveMinimumShouldMatch(clause: BoolClause): number {
  return clause.minimumShouldMatch ?? (clause.must?.length || clause.filter?.length ? 0 : 1);
}

function withMust(target: BoolClause, clause: Clause): BoolClause {
  const out: BoolClause = { ...target, must: [...(target.must ?? []), clause] };
  if (target.should?.length) out.minimumShouldMatch = effectiveMinimumShouldMatch(target);
  return out;
}

/**
 * `A | B | ...` in MozDef's alerts: at least one of the clauses. Mirrors elasticsearch-dsl: a
 * single clause is returned as it is, and nested "any of" bools are flattened into one `should`
 * list (`anyOf(anyOf(a, b), c)` has should `[a, b, c]`), with `minimum_should_match: 1`.
 */
export function anyOf(...clauses: Clause[]): Clause {
  const [first, ...rest] = requireClauses('anyOf', clauses);
  if (first === undefined) fail('anyOf: needs at least one clause');
  return rest.reduce(or, first);
}

/**
 * `A + B + ...` in MozDef's alerts: all of the clauses. Mirrors elasticsearch-dsl: a single
 * clause is returned as it is, and a bool on the left absorbs the others into its `must` list.
 */
export function allOf(...clauses: Clause[]): Clause {
  const [first, ...rest] = requireClauses('allOf', clauses);
  if (first === undefined) fail('allOf: needs at least one clause');
  return rest.reduce(and, first);
}

/** `NOT A`: none of the clauses matches (elasticsearch-dsl's `~A` is `bool must_not [A]`). */
export function not(...clauses: Clause[]): BoolClause {
  if (clauses.length === 0) fail('not: needs at least one clause');
  return { type: 'bool', mustNot: [...requireClauses('not', clauses)] };
}

/** Aggregation options: groups with at least `threshold` events count; alerts carry `samples` of them. */
export interface AggregateOptions {
  threshold: number;
  /** Events an alert carries per group (all of them are tagged). Default 5, as MozDef's `samplesLimit`. */
  samples?: number;
}

/**
 * The fluent builder for an alert's criteria (MozDef's `SearchQuery`). Immutable: every method
 * returns a new builder, so a base query can be shared.
 *
 * @example
 * search({ minutes: 2 })
 *   .must(match('category', 'syslog'), phrase('summary', 'failed password'))
 *   .mustNot(match('details.sourceipaddress', '10.0.0.1'))
 *   .aggregate('details.sourceipaddress', { threshold: 10, samples: 10 })
 */
export class SearchBuilder {
  // Set once, in the constructor or (for a builder made by `#with`) right after it.
  #criteria: Criteria;

  constructor(criteria?: Criteria) {
    this.#criteria =
      criteria === undefined ? { query: { type: 'bool' } } : structuredClone(criteria);
  }

  #with(change: (c: Criteria) => Criteria): SearchBuilder {
    // One copy per step, not two: the changed copy is already the new builder's own. Alerts
    // build their criteria on every run, so this is on the path of every alert test case.
    const next = new SearchBuilder();
    next.#criteria = change(structuredClone(this.#criteria));
    return next;
  }

  #add(list: 'must' | 'mustNot' | 'should', clauses: Clause[]): SearchBuilder {
    const checked = requireClauses(list, clauses);
    return this.#with((c) => {
      const query = c.query;
      query[list] = [...(query[list] ?? []), ...checked];
      if (query.should?.length && query.minimumShouldMatch === undefined)
        query.minimumShouldMatch = 1;
      return c;
    });
  }

  /** Clauses that must all match (MozDef's `add_must`; a list is appended element by element). */
  must(...clauses: (Clause | Clause[])[]): SearchBuilder {
    return this.#add('must', clauses.flat());
  }

  /** Clauses none of which may match (MozDef's `add_must_not`). */
  mustNot(...clauses: (Clause | Clause[])[]): SearchBuilder {
    return this.#add('mustNot', clauses.flat());
  }

  /** Clauses at least one of which must match (MozDef's `add_should`; sent with `minimum_should_match: 1`). */
  should(...clauses: (Clause | Clause[])[]): SearchBuilder {
    return this.#add('should', clauses.flat());
  }

  /** The time window: `utctimestamp` or `receivedtimestamp` in `[now - duration, now]`. */
  window(duration: Duration): SearchBuilder {
    if (duration === null || typeof duration !== 'object')
      fail(`window: expected a duration such as { minutes: 2 }, got ${describeValue(duration)}`);
    const units = ['weeks', 'days', 'hours', 'minutes', 'seconds', 'milliseconds'];
    const unknown = Object.keys(duration).filter((k) => !units.includes(k));
    if (unknown.length > 0)
      fail(`window: unknown unit ${JSON.stringify(unknown[0])} (use ${units.join(', ')})`);
    if (!(durationToMs(duration) > 0))
      fail(`window: the window must be longer than zero, got ${JSON.stringify(duration)}`);
    return this.#with((c) => ({ ...c, window: { ...duration } }));
  }

  /** Group matches by `field`: groups with at least `threshold` events count (`>=`, as MozDef). */
  aggregate(field: string, options: AggregateOptions): SearchBuilder {
    if (options === null || typeof options !== 'object')
      fail('aggregate: expected { threshold, samples? }');
    const spec: AggregationSpec = {
      field: requireField('aggregate', field),
      threshold: requireCount('aggregate: threshold', options.threshold, { min: 1 }),
      samples: requireCount('aggregate: samples', options.samples ?? 5, { min: 0 }),
    };
    return this.#with((c) => ({ ...c, aggregation: spec }));
  }

  /** The criteria as plain data. */
  build(): Criteria {
    return structuredClone(this.#criteria);
  }

  /** Serialises as the plain criteria. */
  toJSON(): Criteria {
    return this.build();
  }

  /** A readable one-line rendering (see {@link describeCriteria}). */
  toString(): string {
    return describeCriteria(this.#criteria);
  }
}

/** Starts criteria, optionally with a time window (`search({ minutes: 2 })`). */
export function search(window?: Duration): SearchBuilder {
  const builder = new SearchBuilder();
  return window ? builder.window(window) : builder;
}
