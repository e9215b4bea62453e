import type {
  AggregationSpec,
  BoolClause,
  Clause,
  Criteria,
  Duration,
  RangeClause,
  Scalar,
} from '@alertkit/core';
import { dslError, isRecord, noOptions, show, string } from './dslReading.js';
import { fromElasticsearch } from './fromElasticsearch.js';

/** What {@link criteriaFromElasticsearch} reads from a `_search` body. */
export interface SearchBodyCriteria {
  criteria: Criteria;
  /** The window's end, when the body carries MozDef's window clause. */
  now?: Date;
  /** The body's `size` (hit limit), if any. */
  size?: number;
  /** The terms aggregation's `size` (bucket limit), if any. */
  maxBuckets?: number;
}

/** Microseconds since the epoch of an ISO timestamp (Python's `isoformat()` keeps six fraction digits). */
function isoMicros(value: Scalar | undefined): number | undefined {
  if (typeof value !== 'string') return undefined;
  const m = /^(.*T\d\d:\d\d:\d\d)(?:\.(\d{1,6}))?(Z|[+-]\d\d:\d\d)$/.exec(value);
  if (!m) return undefined;
  const ms = Date.parse(`${m[1] as string}${m[3] as string}`);
  return Number.isNaN(ms) ? undefined : ms * 1000 + Number((m[2] ?? '').padEnd(6, '0'));
}

/** Recognises MozDef's window clause; returns its bounds in microseconds. */
function windowBounds(clause: Clause | undefined): { begin: number; end: number } | undefined {
  if (
    clause?.type !== 'bool' ||
    clause.must ||
    clause.filter ||
    clause.mustNot ||
    clause.minimumShouldMatch !== undefined
  )
    return undefined;
  const [utc, received] = clause.should ?? [];
  if (clause.should?.length !== 2 || utc?.type !== 'range' || received?.type !== 'range')
    return undefined;
  if (utc.field !== 'utctimestamp' || received.field !== 'receivedtimestamp') return undefined;
  const same = (a: RangeClause, b: RangeClause): boolean =>
    a.gte === b.gte &&
    a.lte === b.lte &&
    a.gt === undefined &&
    a.lt === undefined &&
    b.gt === undefined &&
    b.lt === undefined;
  const begin = isoMicros(utc.gte);
  const end = isoMicros(utc.lte);
  return same(utc, received) && begin !== undefined && end !== undefined && begin <= end
    ? { begin, end }
    : undefined;
}

/** A window length as the largest unit that divides it (`{ minutes: 2 }` rather than 120000 ms). */
function durationOf(micros: number): Duration {
  const ms = micros / 1000;
  const units: [keyof Duration, number][] = [
    ['days', 86_400_000],
    ['hours', 3_600_000],
    ['minutes', 60_000],
    ['seconds', 1000],
  ];
  for (const [unit, size] of units) if (ms > 0 && ms % size === 0) return { [unit]: ms / size };
  return { milliseconds: ms };
}

function readAggregation(
  aggs: unknown,
  path: string,
): { spec: AggregationSpec; maxBuckets?: number } {
  if (!isRecord(aggs) || Object.keys(aggs).length !== 1)
    throw dslError(path, 'expected one terms aggregation');
  const [name, agg] = Object.entries(aggs)[0] as [string, unknown];
  const at = `${path}.${name}`;
  const a = noOptions(agg, at, ['terms', 'aggs', 'aggregations']);
  const terms = noOptions(a['terms'], `${at}.terms`, ['field', 'size', 'min_doc_count', 'order']);
  const field = string(terms['field'], `${at}.terms.field`);
  const threshold = terms['min_doc_count'] ?? 1;
  if (!(typeof threshold === 'number' && Number.isInteger(threshold) && threshold >= 1))
    throw dslError(
      `${at}.terms.min_doc_count`,
      `expected a positive integer, got ${show(threshold)}`,
    );
  let samples = 0;
  const sub = a['aggs'] ?? a['aggregations'];
  if (sub !== undefined) {
    const subAt = `${at}.${a['aggs'] !== undefined ? 'aggs' : 'aggregations'}`;
    if (!isRecord(sub) || Object.keys(sub).length !== 1)
      throw dslError(subAt, 'expected one top_hits aggregation (the samples)');
    const [subName, subAgg] = Object.entries(sub)[0] as [string, unknown];
    const hits = noOptions(
      noOptions(subAgg, `${subAt}.${subName}`, ['top_hits'])['top_hits'],
      `${subAt}.${subName}.top_hits`,
      ['size', 'sort'],
    );
    // Elasticsearch's top_hits returns 3 hits unless told otherwise.
    samples = typeof hits['size'] === 'number' ? hits['size'] : 3;
  }
  const maxBuckets = typeof terms['size'] === 'number' ? terms['size'] : undefined;
  return {
    spec: { field, threshold, samples },
    ...(maxBuckets !== undefined ? { maxBuckets } : {}),
  };
}

/**
 * Reads a whole `_search` body back into criteria: the inverse of `toElasticsearch`. MozDef's
 * filter wrapper is unwrapped, MozDef's window clause becomes `window` (and `now`), the terms
 * aggregation becomes `aggregation` (dropping the `exists` clause added for it). A body that is
 * not in that shape still reads: its query becomes the criteria's `must`.
 *
 * @throws AlertkitError `QUERY_INVALID` naming the path of anything unsupported (`sort`, ...).
 */
export function criteriaFromElasticsearch(body: unknown): SearchBodyCriteria {
  const b = noOptions(body, 'body', ['query', 'size', 'track_total_hits', 'aggs', 'aggregations']);
  if (b['query'] === undefined) throw dslError('body', 'needs a "query"');
  const clause = fromElasticsearch(b['query'], 'query');
  const wrapped =
    clause.type === 'bool' && clause.filter?.length === 1 && Object.keys(clause).length === 2
      ? clause.filter[0]
      : undefined;
  const query: BoolClause =
    wrapped?.type === 'bool'
      ? { ...wrapped }
      : clause.type === 'bool'
        ? { ...clause }
        : { type: 'bool', must: [clause] };
  const out: SearchBodyCriteria = { criteria: { query } };
  const must = [...(query.must ?? [])];

  const window = windowBounds(must.at(-1));
  if (window) {
    must.pop();
    out.criteria.window = durationOf(window.end - window.begin);
    out.now = new Date(Math.floor(window.end / 1000));
  }
  const aggs = b['aggs'] ?? b['aggregations'];
  if (aggs !== undefined) {
    const { spec, maxBuckets } = readAggregation(
      aggs,
      b['aggs'] !== undefined ? 'aggs' : 'aggregations',
    );
    out.criteria.aggregation = spec;
    if (maxBuckets !== undefined) out.maxBuckets = maxBuckets;
    const last = must.at(-1);
    if (last?.type === 'exists' && last.field === spec.field) must.pop();
  }
  if (must.length > 0) query.must = must;
  else delete query.must;
  if (b['size'] !== undefined) {
    const size = b['size'];
    if (!(typeof size === 'number' && Number.isInteger(size) && size >= 0))
      throw dslError('body.size', `expected a non-negative integer, got ${show(size)}`);
    out.size = size;
  }
  return out;
}
