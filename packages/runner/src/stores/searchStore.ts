import {
  AlertkitError,
  type AggregateRequest,
  type AggregateResult,
  type AggregationBucket,
  type AlertDocument,
  type Criteria,
  type EventRef,
  type EventTag,
  type JsonObject,
  type SaveAlertResult,
  type SearchRequest,
  type SearchResult,
  type Store,
  type StoredAlert,
  type StoredEvent,
} from '@alertkit/core';
import {
  DEFAULT_MAX_BUCKETS,
  GROUPS_AGGREGATION,
  SAMPLES_AGGREGATION,
  toElasticsearch,
} from '@alertkit/query';
import { indexPath, type RestTransport, type SearchEngineName } from './restTransport.js';
import { readHits, StoreCalls, type PagingOptions } from './searchPaging.js';
import { readTermsBuckets } from './searchResponses.js';
import { bulkFailures, isGoneEvent, tagEventsBulkBody, type BulkFailure } from './tagEventsBulk.js';

/** Options shared by the Elasticsearch and OpenSearch stores. */
export interface SearchStoreOptions {
  /** Indices or aliases searched for events (MozDef: today's and yesterday's). Default `['events', 'events-previous']`. */
  indices?: readonly string[];
  /** Index or alias alerts are created in. Default `alerts`. */
  alertIndex?: string;
  /**
   * Index alerts keep their state in (`context.state`: geomodel's localities). Created on the
   * first write with a mapping that stores each document without indexing its fields, so two
   * alerts' documents never conflict. Default `alertkit-state`.
   */
  stateIndex?: string;
  /**
   * At most this many hits per search (MozDef's cap is 1000, semantics §9.2; opt-in). A
   * request's own `size` applies too (the smaller wins). Default: no cap. Aggregations are
   * not capped: their groups and counts are always exact.
   */
  hitLimit?: number;
  /** The most groups one aggregation returns (the `terms` size). Default 10,000. */
  maxBuckets?: number;
  /**
   * When tagged events and created alerts become visible to searches: `true` (default, as
   * MozDef) refreshes the shards each write touched before it returns; `'wait_for'` waits for
   * the next periodic refresh; `false` leaves it to the index's refresh interval.
   */
  refresh?: boolean | 'wait_for';
  /** Hits per request when paging through a long result. Default 1,000. */
  pageSize?: number;
  /** How long the cluster keeps a scroll between two pages. Default `1m`. */
  scrollKeepAlive?: string;
  /** Told about results that are usable but incomplete (groups past `maxBuckets`, events gone before tagging). Default: `process.emitWarning`. */
  onWarning?: (message: string) => void;
}

/** A {@link Store} on a search cluster, plus what it was configured with. */
export interface SearchStore extends Store {
  readonly engine: SearchEngineName;
  readonly indices: readonly string[];
  readonly alertIndex: string;
  readonly stateIndex: string;
  /** Closes the client's connections if the store created the client (a client passed in is the caller's to close). */
  close(): Promise<void>;
}

/** Actions per `_bulk` or documents per `_mget` request: large groups are written in slices. */
const BATCH = 500;

const DEFAULTS = {
  indices: ['events', 'events-previous'],
  alertIndex: 'alerts',
  stateIndex: 'alertkit-state',
  pageSize: 1000,
  scrollKeepAlive: '1m',
} as const;

function positive(name: string, value: number | undefined): number | undefined {
  if (value !== undefined && (!Number.isInteger(value) || value < 1)) {
    throw new AlertkitError(
      'CONFIG_INVALID',
      `search store: ${name} must be a positive integer, got ${String(value)}`,
      { details: { key: name } },
    );
  }
  return value;
}

/**
 * The state index's mapping: `scope` and `id` are keywords; `document` is kept in `_source`
 * only (`enabled: false`), so documents of any shape share the index without mapping conflicts.
 */
export const STATE_INDEX_MAPPING = {
  dynamic: false,
  properties: {
    scope: { type: 'keyword' },
    id: { type: 'keyword' },
    document: { type: 'object', enabled: false },
  },
} as const;

function batches<T>(items: readonly T[]): T[][] {
  const out: T[][] = [];
  for (let start = 0; start < items.length; start += BATCH)
    out.push(items.slice(start, start + BATCH));
  return out;
}

/**
 * The criteria narrowed to one group of an aggregation: the same window, and the original query
 * AND `term` field = key. The query is nested whole rather than merged: adding a clause to a
 * should-only bool would make its `should` optional.
 */
function groupCriteria(
  criteria: AggregateRequest['criteria'],
  value: string | number | boolean,
): Criteria {
  const { aggregation, ...rest } = criteria;
  return {
    ...rest,
    query: {
      type: 'bool',
      must: [criteria.query, { type: 'term', field: aggregation.field, value }],
    },
  };
}

/**
 * The client-independent store: every call is a REST request through `transport` (see
 * {@link RestTransport}). The Elasticsearch and OpenSearch factories wrap their client in a
 * transport and call this.
 */
export function createRestStore(
  transport: RestTransport,
  site: { engine: SearchEngineName; nodes: string; close?: () => Promise<void> },
  options: SearchStoreOptions = {},
): SearchStore {
  const indices = [...(options.indices ?? DEFAULTS.indices)];
  if (indices.length === 0 || indices.some((index) => typeof index !== 'string' || index === '')) {
    throw new AlertkitError(
      'CONFIG_INVALID',
      'search store: indices must be a non-empty list of index names',
      { details: { key: 'indices' } },
    );
  }
  const alertIndex = options.alertIndex ?? DEFAULTS.alertIndex;
  const stateIndex = options.stateIndex ?? DEFAULTS.stateIndex;
  if (typeof stateIndex !== 'string' || stateIndex === '')
    throw new AlertkitError('CONFIG_INVALID', 'search store: stateIndex must be an index name', {
      details: { key: 'stateIndex' },
    });
  const hitLimit = positive('hitLimit', options.hitLimit);
  const maxBuckets = positive('maxBuckets', options.maxBuckets) ?? DEFAULT_MAX_BUCKETS;
  const paging: PagingOptions = {
    pageSize: positive('pageSize', options.pageSize) ?? DEFAULTS.pageSize,
    scrollKeepAlive: options.scrollKeepAlive ?? DEFAULTS.scrollKeepAlive,
  };
  const refresh = options.refresh ?? true;
  const refreshQuery: Record<string, string> =
    refresh === false ? {} : { refresh: String(refresh) };
  const warn =
    options.onWarning ??
    ((message: string) => process.emitWarning(message, { code: 'ALERTKIT_STORE' }));
  const calls = new StoreCalls(transport, site.engine, site.nodes);

  const limitOf = (size: number | undefined): number | undefined =>
    size === undefined ? hitLimit : hitLimit === undefined ? size : Math.min(size, hitLimit);

  /** Every event matching `criteria` (no aggregation), in store order. */
  const searchHits = (
    operation: string,
    criteria: Criteria,
    now: Date,
    limit: number | undefined,
  ) =>
    readHits(calls, paging, {
      operation,
      indices,
      body: { ...toElasticsearch(criteria, { now }), sort: ['_doc'] },
      requireIndex: true,
      ...(limit === undefined ? {} : { limit }),
    });

  async function search(request: SearchRequest): Promise<SearchResult> {
    const { aggregation: _ignored, ...criteria } = request.criteria;
    return searchHits('search', criteria, request.now, limitOf(request.size));
  }

  async function aggregate(request: AggregateRequest): Promise<AggregateResult> {
    const { criteria, now } = request;
    const body = toElasticsearch(criteria, { now, maxBuckets });
    const page = await calls.page('aggregate', {
      method: 'POST',
      path: `${indexPath(indices)}/_search`,
      querystring: { ignore_unavailable: 'true' },
      body,
    });
    if (page.shards === 0)
      throw calls.rejected('aggregate', `none of the indices ${indices.join(', ')} exists`);
    const terms = readTermsBuckets(page.aggregations, GROUPS_AGGREGATION, SAMPLES_AGGREGATION);
    if (typeof terms === 'string') throw calls.rejected('aggregate', terms);
    if (terms.buckets.length >= maxBuckets && terms.otherDocCount > 0) {
      warn(
        `${site.engine} store: aggregation on "${criteria.aggregation.field}" has more than maxBuckets (${maxBuckets}) groups; ` +
          `${terms.otherDocCount} events in further groups were not considered (raise maxBuckets and the cluster's search.max_buckets)`,
      );
    }
    const buckets: AggregationBucket[] = [];
    for (const bucket of terms.buckets) {
      // Every event of the group, so that tagging covers all of it; the count is the exact
      // number found (a multi-shard terms count can be an estimate).
      const { hits } = await searchHits(
        'aggregate',
        groupCriteria(criteria, bucket.termValue),
        now,
        undefined,
      );
      if (hits.length < criteria.aggregation.threshold) continue;
      buckets.push({ key: bucket.key, count: hits.length, samples: bucket.samples, events: hits });
    }
    // Count-descending, then the cluster's key order (stable sort), semantics §9.3.
    return { buckets: buckets.sort((a, b) => b.count - a.count) };
  }

  async function tagEvents(events: readonly EventRef[], tag: EventTag): Promise<void> {
    const failed: BulkFailure[] = [];
    for (const slice of batches(events)) {
      const response = await calls.send('tagEvents', {
        method: 'POST',
        path: '/_bulk',
        querystring: refreshQuery,
        bulkBody: tagEventsBulkBody(slice, tag),
      });
      const failures = bulkFailures(response.body, slice);
      if (typeof failures === 'string') throw calls.rejected('tagEvents', failures);
      failed.push(...failures);
    }
    const gone = failed.filter(isGoneEvent);
    if (gone.length > 0) {
      warn(
        `${site.engine} store: ${gone.length} event(s) no longer exist and were not tagged, e.g. ${gone[0]?._index}/${gone[0]?._id}`,
      );
    }
    const rejected = failed.filter((failure) => !isGoneEvent(failure));
    const first = rejected[0];
    if (first) {
      throw calls.rejected(
        'tagEvents',
        `${rejected.length} of ${events.length} events could not be tagged, first ${first._index}/${first._id}: HTTP ${first.status} ${first.type}: ${first.reason}`,
      );
    }
  }

  async function saveAlert(alert: StoredAlert): Promise<SaveAlertResult> {
    const response = await calls.send(
      'saveAlert',
      {
        method: 'PUT',
        path: `/${encodeURIComponent(alertIndex)}/_create/${encodeURIComponent(alert._id)}`,
        querystring: refreshQuery,
        body: alert._source,
      },
      [409],
    );
    const body = (response.body ?? {}) as { _index?: unknown; error?: { index?: unknown } };
    if (response.statusCode === 409) {
      // The alert of this (alert, tick, group) exists: a retried run. The conflict names the index.
      const index = typeof body.error?.index === 'string' ? body.error.index : alertIndex;
      return { _index: index, _id: alert._id, created: false };
    }
    return {
      _index: typeof body._index === 'string' ? body._index : alertIndex,
      _id: alert._id,
      created: true,
    };
  }

  async function getEvents(refs: readonly EventRef[]): Promise<StoredEvent[]> {
    const out: StoredEvent[] = [];
    for (const slice of batches(refs)) {
      const docs = slice.map((ref) => ({ _index: ref._index, _id: ref._id }));
      const response = await calls.send('getEvents', {
        method: 'POST',
        path: '/_mget',
        body: { docs },
      });
      const found = (response.body as { docs?: unknown } | null)?.docs;
      if (!Array.isArray(found))
        throw calls.rejected('getEvents', 'not an _mget response (no docs)');
      for (const doc of found as Array<Record<string, unknown> | null>) {
        // Missing documents (`found: false`) and missing indices (`error`) are left out.
        if (
          doc?.['found'] !== true ||
          typeof doc['_index'] !== 'string' ||
          typeof doc['_id'] !== 'string'
        )
          continue;
        out.push({
          _index: doc['_index'],
          _id: doc['_id'],
          _source: (doc['_source'] ?? {}) as JsonObject,
        });
      }
    }
    return out;
  }

  async function listAlerts(): Promise<StoredAlert[]> {
    const { hits } = await readHits(calls, paging, {
      operation: 'listAlerts',
      indices: [alertIndex],
      body: {
        query: { match_all: {} },
        sort: [{ utctimestamp: { order: 'asc', unmapped_type: 'date' } }, '_doc'],
        track_total_hits: true,
      },
      requireIndex: false,
    });
    return hits.map((hit) => ({
      _index: hit._index,
      _id: hit._id,
      _source: hit._source as AlertDocument,
    }));
  }

  /** The state document's `_id`: the alert's name and the document's id. */
  const statePath = (scope: string, id: string): string =>
    `/${encodeURIComponent(stateIndex)}/_doc/${encodeURIComponent(`${scope}:${id}`)}`;

  async function getState(scope: string, id: string): Promise<JsonObject | undefined> {
    const response = await calls.send(
      'getState',
      { method: 'GET', path: statePath(scope, id) },
      [404],
    );
    // 404: no such document, or no state index yet (nothing was ever written).
    if (response.statusCode === 404) return undefined;
    const body = response.body as { found?: unknown; _source?: { document?: unknown } } | null;
    if (body?.found !== true) return undefined;
    const document = body._source?.document;
    if (document === null || typeof document !== 'object' || Array.isArray(document))
      throw calls.rejected(
        'getState',
        `state document ${scope}:${id} in ${stateIndex} has no document object`,
      );
    return document as JsonObject;
  }

  let stateIndexReady: Promise<void> | undefined;
  /** Creates the state index with its mapping once (an existing index is fine). */
  const ensureStateIndex = (): Promise<void> => {
    stateIndexReady ??= calls
      .send(
        'putState',
        {
          method: 'PUT',
          path: `/${encodeURIComponent(stateIndex)}`,
          body: { mappings: STATE_INDEX_MAPPING },
        },
        [400],
      )
      .then((response) => {
        const type = (response.body as { error?: { type?: unknown } } | null)?.error?.type;
        if (response.statusCode === 400 && type !== 'resource_already_exists_exception')
          throw calls.rejected(
            'putState',
            `cannot create the state index ${stateIndex}: ${JSON.stringify(response.body)}`,
          );
      })
      .catch((error: unknown) => {
        stateIndexReady = undefined;
        throw error;
      });
    return stateIndexReady;
  };

  async function putState(scope: string, id: string, document: JsonObject): Promise<void> {
    await ensureStateIndex();
    await calls.send('putState', {
      method: 'PUT',
      path: statePath(scope, id),
      querystring: refreshQuery,
      body: { scope, id, document },
    });
  }

  return {
    engine: site.engine,
    indices,
    alertIndex,
    stateIndex,
    search,
    aggregate,
    tagEvents,
    saveAlert,
    getEvents,
    listAlerts,
    getState,
    putState,
    close: site.close ?? (() => Promise.resolve()),
  };
}
