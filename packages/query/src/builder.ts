import {
  AlertkitError,
  durationToMs,
  type AggregationSpec,
  type BoolClause,
  type Clause,
  type Criteria,
  type Duration,
  type ExistsClause,
  type MatchClause,
  type PhraseClause,
  type PrefixClause,
  type QueryStringClause,
  type RangeClause,
  type RegexpClause,
  type Scalar,
  type SubnetClause,
  type TermsClause,
  type WildcardClause,
} from '@alertkit/core';
import { parseCidr } from './cidr.js';
import { describeCriteria } from './describeCriteria.js';
import { pythonIsoformat } from './isoformat.js';

function fail(message: string, details?: Record<string, unknown>): never {
  throw new AlertkitError('QUERY_INVALID', message, details ? { details } : undefined);
}

function requireField(matcher: string, field: unknown): string {
  if (typeof field !== 'string' || field === '' || field.startsWith('.') || field.endsWith('.') || field.includes('..')) {
    fail(`${matcher}: field must be a dotted path such as "details.sourceipaddress", got ${JSON.stringify(field)}`, { matcher, field });
  }
  return field;
}

function requireScalar(matcher: string, what: string, value: unknown): Scalar {
  if (typeof value === 'string' || typeof value === 'boolean') return value;
  if (typeof value === 'number' && Number.isFinite(value)) return value;
  return fail(`${matcher}: ${what} must be a string, a finite number or a boolean, got ${describeValue(value)}`, { matcher });
}

function requireString(matcher: string, what: string, value: unknown, { nonEmpty = false } = {}): string {
  if (typeof value !== 'string' || (nonEmpty && value === '')) {
    fail(`${matcher}: ${what} must be a ${nonEmpty ? 'non-empty ' : ''}string, got ${describeValue(value)}`, { matcher });
  }
  return value;
}

function requireCount(where: string, value: unknown, { min }: { min: number }): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min) {
    fail(`${where} must be ${min === 0 ? 'a non-negative' : 'a positive'} integer, got ${describeValue(value)}`);
  }
  return value;
}

function describeValue(value: unknown): string {
  if (value === undefined) return 'undefined';
  if (typeof value === 'number' || typeof value === 'bigint') return String(value);
  return JSON.stringify(value) ?? typeof value;
}

/** A range bound: a scalar, or a `Date`, written as MozDef writes datetimes (Python `isoformat()`). */
export type RangeValue = Scalar | Date;

function rangeValue(matcher: string, what: string, value: unknown): Scalar {
  if (value instanceof Date) {
    if (Number.isNaN(value.getTime())) fail(`${matcher}: ${what} is an invalid Date`, { matcher });
    return pythonIsoformat(value);
  }
  return requireScalar(matcher, what, value);
}

const CLAUSE_TYPES: ReadonlySet<string> = new Set<Clause['type']>([
  'match', 'term', 'terms', 'phrase', 'wildcard', 'prefix', 'regexp', 'exists', 'range', 'queryString', 'subnet', 'bool', 'matchAll', 'matchNone',
]);

function requireClauses(where: string, clauses: readonly unknown[]): Clause[] {
  clauses.forEach((clause, i) => {
    const type: unknown = clause !== null && typeof clause === 'object' ? (clause as { type?: unknown }).type : undefined;
    if (typeof type !== 'string' || !CLAUSE_TYPES.has(type)) {
      fail(`${where}: argument ${String(i + 1)} is not a query clause (build one with match(), phrase(), ...), got ${describeValue(clause)}`);
    }
  });
  return clauses as Clause[];
}

/** Options of Elasticsearch's `match` query (all optional; MozDef's `TermMatch` uses none). */
export interface MatchOptions {
  /** How the analysed tokens of the value combine (default `or`: any token). */
  operator?: 'or' | 'and';
  /** How many tokens must match (`2`, `"75%"`). */
  minimumShouldMatch?: number | string;
  /** What a value that analyses to no tokens matches (default `none`). */
  zeroTermsQuery?: 'none' | 'all';
  /** Ignore a value the field's type cannot parse instead of failing the search. */
  lenient?: boolean;
}

/**
 * MozDef's `TermMatch`: Elasticsearch `match`. On a text field (`summary`) the value is analysed
 * and ANY of its tokens matches (unless `operator: 'and'`); on keyword fields it is one exact,
 * case-sensitive value; on ip fields it may be a CIDR.
 */
export function match(field: string, value: Scalar, options: MatchOptions = {}): MatchClause {
  const clause: MatchClause = { type: 'match', field: requireField('match', field), value: requireScalar('match', 'the value', value) };
  const { operator, minimumShouldMatch, zeroTermsQuery, lenient } = options;
  if (operator !== undefined) {
    if (operator !== 'or' && operator !== 'and') fail(`match: operator must be "or" or "and", got ${describeValue(operator)}`);
    clause.operator = operator;
  }
  if (minimumShouldMatch !== undefined) {
    if (!(typeof minimumShouldMatch === 'number' && Number.isInteger(minimumShouldMatch)) && !(typeof minimumShouldMatch === 'string' && /^-?\d+%?$/.test(minimumShouldMatch))) {
      fail(`match: minimumShouldMatch must be an integer or a percentage such as "75%", got ${describeValue(minimumShouldMatch)}`);
    }
    clause.minimumShouldMatch = minimumShouldMatch;
  }
  if (zeroTermsQuery !== undefined) {
    if (zeroTermsQuery !== 'none' && zeroTermsQuery !== 'all') fail(`match: zeroTermsQuery must be "none" or "all", got ${describeValue(zeroTermsQuery)}`);
    clause.zeroTermsQuery = zeroTermsQuery;
  }
  if (lenient !== undefined) {
    if (typeof lenient !== 'boolean') fail(`match: lenient must be a boolean, got ${describeValue(lenient)}`);
    clause.lenient = lenient;
  }
  return clause;
}

/** MozDef's `TermsMatch`: any of the exact, unanalysed values (on `summary`: an indexed, lower-cased token). */
export function terms(field: string, values: readonly Scalar[]): TermsClause {
  requireField('terms', field);
  if (!Array.isArray(values) || values.length === 0) fail(`terms: values for "${field}" must be a non-empty list, got ${describeValue(values)}`);
  return { type: 'terms', field, values: values.map((v, i) => requireScalar('terms', `value ${String(i + 1)}`, v)) };
}

/** MozDef's `PhraseMatch`: Elasticsearch `match_phrase` (tokens adjacent and in order; on keywords the exact value). */
export function phrase(field: string, value: string, options: { slop?: number } = {}): PhraseClause {
  const clause: PhraseClause = { type: 'phrase', field: requireField('phrase', field), value: requireString('phrase', 'the value', value) };
  if (options.slop !== undefined) clause.slop = requireCount('phrase: slop', options.slop, { min: 0 });
  return clause;
}

/** MozDef's `WildcardMatch`: `*` any run of characters, `?` one, against indexed terms (case-sensitive on keywords). */
export function wildcard(field: string, pattern: string): WildcardClause {
  return { type: 'wildcard', field: requireField('wildcard', field), pattern: requireString('wildcard', 'the pattern', pattern, { nonEmpty: true }) };
}

/** Elasticsearch `prefix`: an indexed term that starts with `value`. */
export function prefix(field: string, value: string): PrefixClause {
  return { type: 'prefix', field: requireField('prefix', field), value: requireString('prefix', 'the prefix', value) };
}

/** Elasticsearch `regexp`: a Lucene regular expression that must match a WHOLE indexed term. */
export function regexp(field: string, pattern: string): RegexpClause {
  return { type: 'regexp', field: requireField('regexp', field), pattern: requireString('regexp', 'the pattern', pattern, { nonEmpty: true }) };
}

/** MozDef's `ExistsMatch`: the field has at least one non-null value (`""` counts, `null` and `[]` do not). */
export function exists(field: string): ExistsClause {
  return { type: 'exists', field: requireField('exists', field) };
}

/** Any combination of range bounds (at most one lower and one upper). */
export interface RangeBounds {
  gte?: RangeValue;
  gt?: RangeValue;
  lte?: RangeValue;
  lt?: RangeValue;
}

/**
 * MozDef's `RangeMatch`: `from <= field <= to` (both ends included). The second form takes any
 * bounds: `range('utctimestamp', { gt: a, lt: b })`. Dates are written as Python's `isoformat()`.
 */
export function range(field: string, from: RangeValue, to: RangeValue): RangeClause;
export function range(field: string, bounds: RangeBounds): RangeClause;
export function range(field: string, fromOrBounds: RangeValue | RangeBounds, to?: RangeValue): RangeClause {
  requireField('range', field);
  if (fromOrBounds !== null && typeof fromOrBounds === 'object' && !(fromOrBounds instanceof Date)) {
    const bounds = fromOrBounds;
    const clause: RangeClause = { type: 'range', field };
    for (const key of Object.keys(bounds)) {
      if (!['gte', 'gt', 'lte', 'lt'].includes(key)) fail(`range: unknown bound "${key}" for "${field}" (use gte, gt, lte, lt)`);
    }
    if (bounds.gte !== undefined && bounds.gt !== undefined) fail(`range: "${field}" has both gte and gt`);
    if (bounds.lte !== undefined && bounds.lt !== undefined) fail(`range: "${field}" has both lte and lt`);
    for (const key of ['gte', 'gt', 'lte', 'lt'] as const) {
      if (bounds[key] !== undefined) clause[key] = rangeValue('range', key, bounds[key]);
    }
    if (Object.keys(clause).length === 2) fail(`range: "${field}" needs at least one bound`);
    return clause;
  }
  return { type: 'range', field, gte: rangeValue('range', 'from', fromOrBounds), lte: rangeValue('range', 'to', to) };
}

/** MozDef's `LessThanMatch`: `field < to` (strict). */
export function lessThan(field: string, to: RangeValue): RangeClause {
  return { type: 'range', field: requireField('lessThan', field), lt: rangeValue('lessThan', 'the bound', to) };
}

/** Options of Elasticsearch's `query_string` (MozDef's `QueryStringMatch` uses none). */
export interface QueryStringOptions {
  /** Field for terms without a field (default: every field, leniently). */
  defaultField?: string;
  defaultOperator?: 'OR' | 'AND';
  analyzeWildcard?: boolean;
}

/** MozDef's `QueryStringMatch`: Lucene syntax, written by the alert author and kept raw (never escaped). */
export function queryString(query: string, options: QueryStringOptions = {}): QueryStringClause {
  if (typeof query !== 'string' || query.trim() === '') {
    fail(`queryString: the query must be a non-empty string, got ${describeValue(query)}`);
  }
  const clause: QueryStringClause = { type: 'queryString', query };
  if (options.defaultField !== undefined) clause.defaultField = options.defaultField === '*' ? '*' : requireField('queryString defaultField', options.defaultField);
  if (options.defaultOperator !== undefined) {
    if (options.defaultOperator !== 'OR' && options.defaultOperator !== 'AND') fail(`queryString: defaultOperator must be "OR" or "AND", got ${describeValue(options.defaultOperator)}`);
    clause.defaultOperator = options.defaultOperator;
  }
  if (options.analyzeWildcard !== undefined) {
    if (typeof options.analyzeWildcard !== 'boolean') fail('queryString: analyzeWildcard must be a boolean');
    clause.analyzeWildcard = options.analyzeWildcard;
  }
  return clause;
}

/**
 * MozDef's `SubnetMatch`: the field's IP address lies in the CIDR block (IPv4 or IPv6). Like
 * Python's strict `ipaddress` networks, a block with host bits set (`10.0.0.1/8`) is an error.
 */
export function subnet(field: string, cidr: string): SubnetClause {
  requireField('subnet', field);
  parseCidr(cidr, `subnet on "${field}"`);
  return { type: 'subnet', field, cidr };
}

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
  if (parts === null || typeof parts !== 'object') fail(`bool: expected { must, filter, mustNot, should }, got ${describeValue(parts)}`);
  const out: BoolClause = { type: 'bool' };
  for (const key of ['must', 'filter', 'mustNot', 'should'] as const) {
    const list = parts[key];
    if (list === undefined) continue;
    if (!Array.isArray(list)) fail(`bool: ${key} must be a list of clauses, got ${describeValue(list)}`);
    if (list.length > 0) out[key] = [...requireClauses(`bool ${key}`, list)];
  }
  if (out.should) {
    out.minimumShouldMatch = requireCount('bool: minimumShouldMatch', parts.minimumShouldMatch ?? 1, { min: 0 });
  } else if (parts.minimumShouldMatch !== undefined) {
    fail('bool: minimumShouldMatch is set but there are no should clauses');
  }
  return out;
}

/** A bool holding only `should` clauses that need one match: elasticsearch-dsl flattens these under `|`. */
function isAnyOf(clause: Clause): clause is BoolClause & { should: Clause[] } {
  return (
    clause.type === 'bool' &&
    !clause.must?.length && !clause.filter?.length && !clause.mustNot?.length && !!clause.should?.length &&
    (clause.minimumShouldMatch === undefined || clause.minimumShouldMatch === 1)
  );
}

/** elasticsearch-dsl's `a | b` (Bool.__or__), with the builder's `minimum_should_match: 1`. */
function or(a: Clause, b: Clause): Clause {
  if (isAnyOf(a)) return { type: 'bool', should: [...a.should, ...(isAnyOf(b) ? b.should : [b])], minimumShouldMatch: 1 };
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
  readonly #criteria: Criteria;

  constructor(criteria: Criteria = { query: { type: 'bool' } }) {
    this.#criteria = structuredClone(criteria);
  }

  #with(change: (c: Criteria) => Criteria): SearchBuilder {
    return new SearchBuilder(change(structuredClone(this.#criteria)));
  }

  #add(list: 'must' | 'mustNot' | 'should', clauses: Clause[]): SearchBuilder {
    const checked = requireClauses(list, clauses);
    return this.#with((c) => {
      const query = c.query;
      query[list] = [...(query[list] ?? []), ...checked];
      if (query.should?.length && query.minimumShouldMatch === undefined) query.minimumShouldMatch = 1;
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
    if (duration === null || typeof duration !== 'object') fail(`window: expected a duration such as { minutes: 2 }, got ${describeValue(duration)}`);
    const units = ['weeks', 'days', 'hours', 'minutes', 'seconds', 'milliseconds'];
    const unknown = Object.keys(duration).filter((k) => !units.includes(k));
    if (unknown.length > 0) fail(`window: unknown unit ${JSON.stringify(unknown[0])} (use ${units.join(', ')})`);
    if (!(durationToMs(duration) > 0)) fail(`window: the window must be longer than zero, got ${JSON.stringify(duration)}`);
    return this.#with((c) => ({ ...c, window: { ...duration } }));
  }

  /** Group matches by `field`: groups with at least `threshold` events count (`>=`, as MozDef). */
  aggregate(field: string, options: AggregateOptions): SearchBuilder {
    if (options === null || typeof options !== 'object') fail('aggregate: expected { threshold, samples? }');
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
