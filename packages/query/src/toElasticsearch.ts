import {
  AlertkitError,
  durationToMs,
  type BoolClause,
  type Clause,
  type Criteria,
  type Duration,
  type JsonObject,
  type JsonValue,
  type RangeClause,
  isoformat,
} from '@alertkit/core';
import { parseCidr } from './cidr.js';
import { clausesEqual } from './describeCriteria.js';
import { luceneEscape, luceneRangeBound } from './luceneEscape.js';
import { checkQueryBounds } from './queryBounds.js';

/** The name of the terms aggregation in a request built by {@link toElasticsearch}. */
export const GROUPS_AGGREGATION = 'groups';
/** The name of the `top_hits` sub-aggregation that carries each group's sample events. */
export const SAMPLES_AGGREGATION = 'samples';
/**
 * The bucket limit when `maxBuckets` is not given: Elasticsearch 7's lowest `search.max_buckets`.
 * A response whose `sum_other_doc_count` is above zero left groups out: the store must say so.
 */
export const DEFAULT_MAX_BUCKETS = 10_000;

/** Options of {@link toElasticsearch}. */
export interface ToElasticsearchOptions {
  /** The end of the time window (the window is `[now - window, now]`). */
  now: Date;
  /**
   * The hit limit, sent as `size`. Absent: no `size` is sent, so Elasticsearch answers its
   * default page (10 hits) and the store pages (`search_after`) to read every hit; an
   * aggregation request defaults to `size: 0` (the groups carry their samples).
   */
  size?: number;
  /** MozDef compatibility: `hitCap: 1000` reproduces MozDef's silent 1,000-hit cap (opt-in only). */
  compat?: { hitCap?: number };
  /** The terms aggregation's bucket limit (default {@link DEFAULT_MAX_BUCKETS}). */
  maxBuckets?: number;
}

/** A `_search` request body for Elasticsearch 7/8 and OpenSearch. */
export interface ElasticsearchSearchBody {
  query: JsonObject;
  size?: number;
  /** Always `true` on hit searches: `SearchResult.total` is an exact count. */
  track_total_hits?: boolean;
  aggs?: JsonObject;
}

function fail(message: string): never {
  throw new AlertkitError('QUERY_INVALID', message);
}

function count(name: string, value: number | undefined, min: number): number | undefined {
  if (value !== undefined && (!Number.isInteger(value) || value < min)) {
    fail(
      `toElasticsearch: ${name} must be ${min === 0 ? 'a non-negative' : 'a positive'} integer, got ${String(value)}`,
    );
  }
  return value;
}

/** `{ "<kind>": { "<field>": <body> } }`: the shape of every field-level clause. */
function fieldClause(kind: string, field: string, body: JsonValue): JsonObject {
  return { [kind]: { [field]: body } };
}

function rangeBody(clause: RangeClause): JsonObject {
  const body: JsonObject = {};
  for (const key of ['gte', 'gt', 'lte', 'lt'] as const) {
    const bound = clause[key];
    if (bound !== undefined) body[key] = bound;
  }
  return body;
}

/** A bool with MozDef's key order (must, must_not, should) and empty lists left out, as elasticsearch-dsl does. */
function boolToElasticsearch(clause: BoolClause): JsonObject {
  const body: JsonObject = {};
  const lists = [
    ['must', clause.must],
    ['filter', clause.filter],
    ['must_not', clause.mustNot],
    ['should', clause.should],
  ] as const;
  for (const [key, list] of lists) {
    if (list?.length) body[key] = list.map(clauseToElasticsearch);
  }
  if (clause.minimumShouldMatch !== undefined)
    body['minimum_should_match'] = clause.minimumShouldMatch;
  return { bool: body };
}

/**
 * One clause as Elasticsearch query DSL: exactly what MozDef's query models send for the same
 * matcher (`TermMatch` is `match`, `SubnetMatch` a `query_string` range). Options that MozDef's
 * models never set use the object form (`{"match": {"f": {"query": v, "operator": "and"}}}`).
 *
 * @throws AlertkitError `QUERY_INVALID` for a clause tree Elasticsearch refuses (bool nesting
 *   deeper than 30, more than 1,024 clauses), before anything walks it.
 */
export function clauseToElasticsearch(clause: Clause): JsonObject {
  checkQueryBounds(clause);
  return toDsl(clause);
}

function toDsl(clause: Clause): JsonObject {
  switch (clause.type) {
    case 'match': {
      const options: JsonObject = {};
      if (clause.operator !== undefined) options['operator'] = clause.operator;
      if (clause.minimumShouldMatch !== undefined)
        options['minimum_should_match'] = clause.minimumShouldMatch;
      if (clause.zeroTermsQuery !== undefined) options['zero_terms_query'] = clause.zeroTermsQuery;
      if (clause.lenient !== undefined) options['lenient'] = clause.lenient;
      const plain = Object.keys(options).length === 0;
      return fieldClause(
        'match',
        clause.field,
        plain ? clause.value : { query: clause.value, ...options },
      );
    }
    case 'term':
      return fieldClause('term', clause.field, clause.value);
    case 'terms':
      return fieldClause('terms', clause.field, [...clause.values]);
    case 'phrase':
      return fieldClause(
        'match_phrase',
        clause.field,
        clause.slop === undefined ? clause.value : { query: clause.value, slop: clause.slop },
      );
    case 'wildcard':
      return fieldClause(
        'wildcard',
        clause.field,
        clause.caseInsensitive === true
          ? { value: clause.pattern, case_insensitive: true }
          : clause.pattern,
      );
    case 'prefix':
      return fieldClause(
        'prefix',
        clause.field,
        clause.caseInsensitive === true
          ? { value: clause.value, case_insensitive: true }
          : clause.value,
      );
    case 'regexp':
      return fieldClause(
        'regexp',
        clause.field,
        clause.caseInsensitive === true
          ? { value: clause.pattern, case_insensitive: true }
          : clause.pattern,
      );
    case 'fuzzy':
      // Elasticsearch's defaults (prefix_length 0, max_expansions 50, transpositions) are sent
      // as such: the engine implements exactly those.
      return fieldClause('fuzzy', clause.field, {
        value: clause.value,
        fuzziness: clause.fuzziness === undefined ? 'AUTO' : clause.fuzziness,
      });
    case 'exists':
      return { exists: { field: clause.field } };
    case 'range':
      return fieldClause('range', clause.field, rangeBody(clause));
    case 'queryString': {
      const body: JsonObject = { query: clause.query };
      if (clause.defaultField !== undefined) body['default_field'] = clause.defaultField;
      if (clause.defaultOperator !== undefined) body['default_operator'] = clause.defaultOperator;
      if (clause.analyzeWildcard !== undefined) body['analyze_wildcard'] = clause.analyzeWildcard;
      return { query_string: body };
    }
    case 'subnet': {
      // MozDef's SubnetMatch: "<key>: [<first> TO <last>]". The field is escaped; the bounds are
      // addresses validated by parseCidr, so nothing in them can reach Lucene as syntax.
      const block = parseCidr(clause.cidr, `subnet on "${clause.field}"`);
      return {
        query_string: {
          query: `${luceneEscape(clause.field)}: [${luceneRangeBound(block.first)} TO ${luceneRangeBound(block.last)}]`,
        },
      };
    }
    case 'bool':
      return boolToElasticsearch(clause);
    case 'matchAll':
      return { match_all: {} };
    case 'matchNone':
      return { match_none: {} };
  }
}

/**
 * MozDef's time window clause (search_query.py): `utctimestamp` OR `receivedtimestamp` in
 * `[now - window, now]`, both edges included, timestamps as Python `isoformat()`. It is a
 * should-only bool, which needs one match on every Elasticsearch version, so it is sent exactly
 * as MozDef sends it (no `minimum_should_match`).
 */
export function windowClause(window: Duration, now: Date): BoolClause {
  if (!(now instanceof Date) || Number.isNaN(now.getTime()))
    fail('toElasticsearch: `now` must be a valid Date');
  const endMicros = now.getTime() * 1000;
  // Python's timedelta keeps microseconds, so the window is subtracted at that precision.
  const begin = isoformat(endMicros - Math.round(durationToMs(window) * 1000));
  const end = isoformat(endMicros);
  return {
    type: 'bool',
    should: [
      { type: 'range', field: 'utctimestamp', gte: begin, lte: end },
      { type: 'range', field: 'receivedtimestamp', gte: begin, lte: end },
    ],
  };
}

/**
 * The clause list MozDef finally sends: the criteria's `must`, then (aggregations) an `exists`
 * on the grouped field unless an equal clause is there (alerttask.searchEventsAggregated), then
 * the window clause (SearchQuery.execute).
 */
function effectiveQuery(criteria: Criteria, now: Date): BoolClause {
  const query = criteria.query;
  if (query === null || typeof query !== 'object' || query.type !== 'bool') {
    fail('toElasticsearch: criteria.query must be a bool clause (build criteria with search())');
  }
  const must = [...(query.must ?? [])];
  const aggregation = criteria.aggregation;
  if (aggregation) {
    const existsClause: Clause = { type: 'exists', field: aggregation.field };
    if (!must.some((c) => clausesEqual(c, existsClause))) must.push(existsClause);
  }
  if (
    must.length === 0 &&
    !query.filter?.length &&
    !query.mustNot?.length &&
    !query.should?.length
  ) {
    // MozDef's SearchQuery.execute raises before adding the window: a window alone is no query.
    fail(
      'toElasticsearch: the criteria have no must, must_not or should clause (a time window alone is not a query)',
    );
  }
  if (criteria.window !== undefined) must.push(windowClause(criteria.window, now));
  const out: BoolClause = { ...query };
  if (must.length > 0) out.must = must;
  return out;
}

/**
 * The `_search` request body for Elasticsearch 7/8 and OpenSearch: the DSL MozDef's query models
 * produce for the same criteria, wrapped as MozDef's client wraps it
 * (`{"query":{"bool":{"filter":[{"bool":{...}}]}}}`), with the window clause resolved at `now`.
 *
 * Differences from MozDef, on purpose: `minimum_should_match: 1` comes with every `should` the
 * builder writes (same meaning on ES 6, 7, 8); aggregations run in the store (a `terms`
 * aggregation ordered by count then key, `min_doc_count` = threshold, with `top_hits` samples);
 * the hit limit is explicit (`size`, or MozDef's cap via `compat.hitCap`), never silent. The
 * de-duplication clause (`must_not` `alert_names`) is core's `runAlert`'s to add, not this.
 *
 * @throws AlertkitError `QUERY_INVALID` for criteria without clauses, a bad CIDR or bad options.
 */
export function toElasticsearch(
  criteria: Criteria,
  options: ToElasticsearchOptions,
): ElasticsearchSearchBody {
  if (criteria === null || typeof criteria !== 'object')
    fail('toElasticsearch: criteria must be an object');
  if (options === null || typeof options !== 'object')
    fail('toElasticsearch: options { now } are required');
  const size = count('size', options.size, 0);
  const hitCap = count('compat.hitCap', options.compat?.hitCap, 1);
  const maxBuckets = count('maxBuckets', options.maxBuckets, 1) ?? DEFAULT_MAX_BUCKETS;

  // Bounded before anything walks the tree; then checked as Elasticsearch will parse it (the
  // criteria inside the filter wrapper, with the window clause).
  if (criteria.query !== null && typeof criteria.query === 'object')
    checkQueryBounds(criteria.query);
  const effective = effectiveQuery(criteria, options.now);
  checkQueryBounds({ type: 'bool', filter: [effective] });
  const body: ElasticsearchSearchBody = {
    query: { bool: { filter: [toDsl(effective)] } },
  };
  const aggregation = criteria.aggregation;
  if (aggregation) {
    if (typeof aggregation.field !== 'string' || aggregation.field === '')
      fail('toElasticsearch: aggregation.field must be a field path');
    count('aggregation.threshold', aggregation.threshold ?? Number.NaN, 1);
    count('aggregation.samples', aggregation.samples ?? Number.NaN, 0);
  }
  let limit = size ?? (aggregation ? 0 : undefined);
  if (hitCap !== undefined) limit = Math.min(limit ?? hitCap, hitCap);
  if (limit !== undefined) body.size = limit;
  if (!aggregation) {
    body.track_total_hits = true;
    return body;
  }
  body.aggs = {
    [GROUPS_AGGREGATION]: {
      terms: {
        field: aggregation.field,
        size: maxBuckets,
        min_doc_count: aggregation.threshold,
        order: [{ _count: 'desc' }, { _key: 'asc' }],
      },
      aggs: { [SAMPLES_AGGREGATION]: { top_hits: { size: aggregation.samples, sort: ['_doc'] } } },
    },
  };
  return body;
}
