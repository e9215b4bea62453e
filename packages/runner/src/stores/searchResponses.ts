import type { JsonObject, Scalar, StoredEvent } from '@alertkit/core';
import { describeErrorBody } from './restTransport.js';

/*
 * Reading the cluster's answers. The shapes are the ones Elasticsearch 7.14+/8.x and
 * OpenSearch 1-3 share; anything else is reported as malformed (a `string` reason), never
 * guessed at, so a proxy's HTML error page cannot become "no events".
 */

function record(value: unknown): Record<string, unknown> | undefined {
  return value !== null && typeof value === 'object' && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : undefined;
}

/** One page of a `_search` answer. */
export interface SearchPage {
  hits: StoredEvent[];
  /** The exact number of matches (`track_total_hits: true`). */
  total: number;
  /** Number of shards searched: 0 when none of the indices exists (`ignore_unavailable`). */
  shards: number;
  scrollId?: string;
  aggregations?: Record<string, unknown>;
}

/** A hit as the store hands it out: only `_index` (the concrete index), `_id` and `_source`. */
function readHit(value: unknown): StoredEvent | string {
  const hit = record(value);
  const source = record(hit?.['_source']);
  if (!hit || typeof hit['_index'] !== 'string' || typeof hit['_id'] !== 'string' || !source) {
    return 'a hit without _index, _id or _source';
  }
  return { _index: hit['_index'], _id: hit['_id'], _source: source as JsonObject };
}

/** The hit list of a `hits` object (top level or a `top_hits` aggregation). */
export function readHitList(hits: unknown): StoredEvent[] | string {
  const list = record(hits)?.['hits'];
  if (!Array.isArray(list)) return 'no hits.hits list';
  const out: StoredEvent[] = [];
  for (const item of list) {
    const hit = readHit(item);
    if (typeof hit === 'string') return hit;
    out.push(hit);
  }
  return out;
}

/** `hits.total` as ES 7+ writes it (`{value, relation}`) or as a number (`rest_total_hits_as_int`). */
function readTotal(hits: Record<string, unknown>): number | string {
  const total = hits['total'];
  if (typeof total === 'number') return total;
  const object = record(total);
  if (object && typeof object['value'] === 'number') {
    if (object['relation'] !== undefined && object['relation'] !== 'eq')
      return `hits.total is a lower bound (relation ${JSON.stringify(object['relation'])}), not an exact count`;
    return object['value'];
  }
  return 'no hits.total';
}

/**
 * A `_search` or scroll answer. Partial answers are refused: a shard failure or a timeout
 * would silently drop matches (and so detections).
 */
export function readSearchPage(body: unknown): SearchPage | string {
  const response = record(body);
  if (!response) return `not a search response: ${describeErrorBody(body) ?? typeof body}`;
  if (response['timed_out'] === true)
    return 'the search timed out on the cluster (partial results)';
  const shards = record(response['_shards']);
  const failed = typeof shards?.['failed'] === 'number' ? shards['failed'] : 0;
  if (failed > 0) {
    const failures = Array.isArray(shards?.['failures']) ? shards['failures'] : [];
    const first = record(failures[0]);
    const reason = describeErrorBody({ error: first?.['reason'] }) ?? 'no reason given';
    return `${failed} shard(s) failed (partial results): ${first && typeof first['index'] === 'string' ? `${first['index']}: ` : ''}${reason}`;
  }
  const hits = record(response['hits']);
  if (!hits) return 'a search response without hits';
  const total = readTotal(hits);
  if (typeof total === 'string') return total;
  const list = readHitList(hits);
  if (typeof list === 'string') return list;
  const page: SearchPage = {
    hits: list,
    total,
    shards: typeof shards?.['total'] === 'number' ? shards['total'] : 1,
  };
  if (typeof response['_scroll_id'] === 'string') page.scrollId = response['_scroll_id'];
  const aggregations = record(response['aggregations']);
  if (aggregations) page.aggregations = aggregations;
  return page;
}

/** One bucket of the `terms` aggregation. */
export interface TermsBucket {
  /** The key as alertkit reports it (a boolean field's `1`/`0` become `true`/`false`). */
  key: Scalar;
  /** The value to send back in a `term` query for this group (`key_as_string` when given). */
  termValue: Scalar;
  count: number;
  samples: StoredEvent[];
}

/** The `terms` aggregation named `name`, with its `top_hits` sub-aggregation `samplesName`. */
export function readTermsBuckets(
  aggregations: Record<string, unknown> | undefined,
  name: string,
  samplesName: string,
): { buckets: TermsBucket[]; otherDocCount: number } | string {
  const terms = record(aggregations?.[name]);
  if (!terms || !Array.isArray(terms['buckets']))
    return `no "${name}" terms aggregation in the response`;
  const buckets: TermsBucket[] = [];
  for (const item of terms['buckets']) {
    const bucket = record(item);
    const key = bucket?.['key'];
    const count = bucket?.['doc_count'];
    if (
      !bucket ||
      (typeof key !== 'string' && typeof key !== 'number') ||
      typeof count !== 'number'
    )
      return `a "${name}" bucket without key or doc_count`;
    const keyAsString =
      typeof bucket['key_as_string'] === 'string' ? bucket['key_as_string'] : undefined;
    const samples = readHitList(record(bucket[samplesName])?.['hits']);
    if (typeof samples === 'string') return `bucket ${JSON.stringify(key)}: ${samples}`;
    // A boolean field's buckets are keyed 1/0 with key_as_string "true"/"false".
    const isBoolean =
      (keyAsString === 'true' && key === 1) || (keyAsString === 'false' && key === 0);
    buckets.push({
      key: isBoolean ? keyAsString === 'true' : key,
      termValue: keyAsString ?? key,
      count,
      samples,
    });
  }
  const other = terms['sum_other_doc_count'];
  return { buckets, otherDocCount: typeof other === 'number' ? other : 0 };
}
