/*
 * The request/response contract both search stores must keep, run by elasticsearchStore.test.ts
 * (through @elastic/elasticsearch-mock) and opensearchStore.test.ts (through a loopback HTTP
 * fake). Each test scripts the cluster's answers and asserts the exact requests (golden DSL)
 * and what the store makes of the answers.
 */
import { isAlertkitError, type AlertkitError, type StoredAlert } from '@alertkit/core';
import { match, search } from '@alertkit/query';
import { afterEach, describe, expect, it } from 'vitest';
import type { SearchStore, SearchStoreOptions } from './searchStore.js';
import { TAG_EVENT_SCRIPT } from './tagEventsBulk.js';

/** A request as the fake cluster received it (path URL-decoded, querystring parsed, JSON or NDJSON body parsed). */
export interface RecordedRequest {
  method: string;
  path: string;
  querystring: Record<string, string>;
  body: unknown;
}

/** The fake cluster's answer: a status (default 200) and a JSON body. */
export interface ClusterReply {
  statusCode?: number;
  body: unknown;
}

/** Answers one request (throw to make the test fail loudly on an unexpected request). */
export type ClusterHandler = (request: RecordedRequest) => ClusterReply;

/** A fake cluster behind a real client. */
export interface FakeCluster {
  /** Every request received, in order. */
  readonly requests: RecordedRequest[];
  /** Sets how the cluster answers. */
  answer(handler: ClusterHandler): void;
  /** A store on this cluster. */
  store(options?: SearchStoreOptions): SearchStore;
  /** A store whose cluster cannot be reached (connection refused), with credentials configured. */
  unreachableStore(password: string): SearchStore;
  close(): Promise<void>;
}

export const NOW = new Date('2017-01-01T01:00:00Z');
const BEGIN = '2017-01-01T00:58:00+00:00';
const END = '2017-01-01T01:00:00+00:00';
const WINDOW_DSL = {
  bool: {
    should: [{ range: { utctimestamp: { gte: BEGIN, lte: END } } }, { range: { receivedtimestamp: { gte: BEGIN, lte: END } } }],
  },
};
const criteria = search({ minutes: 2 }).must(match('category', 'syslog')).build();
const aggregationCriteria = search({ minutes: 2 })
  .must(match('category', 'syslog'))
  .aggregate('details.sourceipaddress', { threshold: 2, samples: 1 })
  .build();
const SEARCH_PATH = '/events,events-previous/_search';

/** A `_search` answer (ES 7+/OpenSearch shape) with `count` events `e<from>..` in `events-20170101`. */
export function searchAnswer(ids: readonly string[], total: number, extra: Record<string, unknown> = {}): ClusterReply {
  return {
    body: {
      took: 1,
      timed_out: false,
      _shards: { total: 2, successful: 2, skipped: 0, failed: 0 },
      hits: {
        total: { value: total, relation: 'eq' },
        max_score: null,
        hits: ids.map((id) => ({ _index: 'events-20170101', _id: id, _score: null, _source: { summary: `event ${id}` }, sort: [0] })),
      },
      ...extra,
    },
  };
}

function event(id: string) {
  return { _index: 'events-20170101', _id: id, _source: { summary: `event ${id}` } };
}

/** The AlertkitError `call` throws (fails the test when it throws something else or nothing). */
export function thrown(call: () => unknown): AlertkitError {
  try {
    call();
  } catch (error) {
    if (isAlertkitError(error)) return error;
    throw new Error(`expected an AlertkitError, got ${String(error)}`, { cause: error });
  }
  throw new Error('expected an AlertkitError, nothing was thrown');
}

async function storeError(promise: Promise<unknown>): Promise<AlertkitError> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  if (!isAlertkitError(error)) throw new Error(`expected an AlertkitError, got ${String(error)}`);
  return error;
}

/** The contract, as one describe block per store. */
export function describeSearchStoreContract(name: string, makeCluster: () => Promise<FakeCluster>): void {
  describe(`${name}: the Store contract against a fake cluster`, () => {
    let cluster: FakeCluster;
    const open = async (): Promise<FakeCluster> => {
      cluster = await makeCluster();
      return cluster;
    };
    afterEach(async () => {
      await cluster.close();
    });

    it('search sends MozDef\'s query with an exact total and store order, and maps hits to {_index, _id, _source}', async () => {
      const fake = await open();
      fake.answer(() => searchAnswer(['a', 'b'], 2));
      const result = await fake.store().search({ criteria, now: NOW });
      expect(fake.requests).toStrictEqual([
        {
          method: 'POST',
          path: SEARCH_PATH,
          querystring: { ignore_unavailable: 'true' },
          body: {
            query: { bool: { filter: [{ bool: { must: [{ match: { category: 'syslog' } }, WINDOW_DSL] } }] } },
            track_total_hits: true,
            sort: ['_doc'],
            size: 1000,
          },
        },
      ]);
      expect(result).toStrictEqual({ hits: [event('a'), event('b')], total: 2 });
    });

    it('search reads every hit through a scroll when one page does not hold them, then clears the scroll', async () => {
      const fake = await open();
      const pages = [['c', 'd'], ['e'], []];
      fake.answer((request) => {
        if (request.path === SEARCH_PATH && request.querystring['scroll'] === undefined) return searchAnswer(['a', 'b'], 5);
        if (request.path === SEARCH_PATH) return searchAnswer(['a', 'b'], 5, { _scroll_id: 'scroll-1' });
        if (request.method === 'POST' && request.path === '/_search/scroll') return searchAnswer(pages.shift() ?? [], 5, { _scroll_id: 'scroll-1' });
        if (request.method === 'DELETE' && request.path === '/_search/scroll') return { body: { succeeded: true, num_freed: 1 } };
        throw new Error(`unexpected ${request.method} ${request.path}`);
      });
      const result = await fake.store({ pageSize: 2 }).search({ criteria, now: NOW });
      expect(result.hits.map((hit) => hit._id)).toStrictEqual(['a', 'b', 'c', 'd', 'e']);
      expect(result.total).toBe(5);
      expect(fake.requests.map((r) => [r.method, r.path, r.querystring])).toStrictEqual([
        ['POST', SEARCH_PATH, { ignore_unavailable: 'true' }],
        ['POST', SEARCH_PATH, { ignore_unavailable: 'true', scroll: '1m' }],
        ['POST', '/_search/scroll', {}],
        ['POST', '/_search/scroll', {}],
        ['DELETE', '/_search/scroll', {}],
      ]);
      expect(fake.requests[1]?.body).toMatchObject({ size: 2, sort: ['_doc'], track_total_hits: true });
      expect(fake.requests[2]?.body).toStrictEqual({ scroll: '1m', scroll_id: 'scroll-1' });
      expect(fake.requests[4]?.body).toStrictEqual({ scroll_id: ['scroll-1'] });
    });

    it('search stops at the explicit limit (the smaller of size and hitLimit) and still reports the exact total', async () => {
      const fake = await open();
      fake.answer(() => searchAnswer(['a', 'b', 'c'], 40));
      const result = await fake.store({ hitLimit: 3 }).search({ criteria, now: NOW, size: 10 });
      expect(fake.requests).toHaveLength(1);
      expect(fake.requests[0]?.body).toMatchObject({ size: 3 });
      expect(result.hits).toHaveLength(3);
      expect(result.total).toBe(40);
    });

    it('search over indices of which none exists is STORE_UNAVAILABLE, not "no events"', async () => {
      const fake = await open();
      fake.answer(() => ({ body: { ...(searchAnswer([], 0).body as object), _shards: { total: 0, successful: 0, skipped: 0, failed: 0 } } }));
      const error = await storeError(fake.store().search({ criteria, now: NOW }));
      expect(error.code).toBe('STORE_UNAVAILABLE');
      expect(error.message).toContain('search on');
      expect(error.message).toContain('none of the indices events, events-previous exists');
    });

    it('a partial answer (a failed shard) is STORE_UNAVAILABLE naming the shard\'s reason', async () => {
      const fake = await open();
      const failure = { shard: 0, index: 'events-20170101', reason: { type: 'query_shard_exception', reason: 'failed to create query' } };
      fake.answer(() => ({ body: { ...(searchAnswer([], 0).body as object), _shards: { total: 2, successful: 1, skipped: 0, failed: 1, failures: [failure] } } }));
      const error = await storeError(fake.store().search({ criteria, now: NOW }));
      expect(error.code).toBe('STORE_UNAVAILABLE');
      expect(error.message).toContain('1 shard(s) failed (partial results): events-20170101: query_shard_exception: failed to create query');
    });

    it('a rejected request is STORE_UNAVAILABLE with the operation, the HTTP status and the cluster\'s reason', async () => {
      const fake = await open();
      fake.answer(() => ({
        statusCode: 400,
        body: {
          error: {
            root_cause: [{ type: 'parse_exception', reason: 'Cannot parse \'a:(\'' }],
            type: 'search_phase_execution_exception',
            reason: 'all shards failed',
          },
          status: 400,
        },
      }));
      const error = await storeError(fake.store().search({ criteria, now: NOW }));
      expect(error.code).toBe('STORE_UNAVAILABLE');
      expect(error.message).toMatch(/store: search on http:\/\/127\.0\.0\.1(:\d+)?\S* failed: HTTP 400 search_phase_execution_exception: all shards failed; caused by parse_exception: Cannot parse 'a:\('/);
      expect(error.details).toMatchObject({ operation: 'search', statusCode: 400 });
    });

    it('aggregate sends the terms aggregation, then reads every event of each group; buckets count-desc then key-asc', async () => {
      const fake = await open();
      const groups = {
        groups: {
          doc_count_error_upper_bound: 0,
          sum_other_doc_count: 0,
          buckets: [
            { key: '10.0.0.2', doc_count: 3, samples: searchAnswer(['x1'], 3).body },
            { key: '10.0.0.1', doc_count: 2, samples: searchAnswer(['y1'], 2).body },
            { key: '10.0.0.3', doc_count: 2, samples: searchAnswer(['z1'], 2).body },
          ],
        },
      };
      const members: Record<string, string[]> = { '10.0.0.2': ['x1', 'x2', 'x3'], '10.0.0.1': ['y1', 'y2'], '10.0.0.3': ['z1'] };
      fake.answer((request) => {
        const body = request.body as { aggs?: unknown; query: unknown };
        if (body.aggs) return { body: { ...(searchAnswer([], 7).body as object), aggregations: groups } };
        const key = JSON.stringify(body.query).match(/"term":\{"details.sourceipaddress":"([^"]+)"/)?.[1] ?? '';
        const ids = members[key] ?? [];
        return searchAnswer(ids, ids.length);
      });
      const result = await fake.store().aggregate({ criteria: aggregationCriteria as Parameters<SearchStore['aggregate']>[0]['criteria'], now: NOW });
      expect(fake.requests[0]).toStrictEqual({
        method: 'POST',
        path: SEARCH_PATH,
        querystring: { ignore_unavailable: 'true' },
        body: {
          query: {
            bool: { filter: [{ bool: { must: [{ match: { category: 'syslog' } }, { exists: { field: 'details.sourceipaddress' } }, WINDOW_DSL] } }] },
          },
          size: 0,
          aggs: {
            groups: {
              terms: { field: 'details.sourceipaddress', size: 10000, min_doc_count: 2, order: [{ _count: 'desc' }, { _key: 'asc' }] },
              aggs: { samples: { top_hits: { size: 1, sort: ['_doc'] } } },
            },
          },
        },
      });
      expect(fake.requests[1]?.body).toStrictEqual({
        query: {
          bool: {
            filter: [
              {
                bool: {
                  must: [
                    { bool: { must: [{ match: { category: 'syslog' } }] } },
                    { term: { 'details.sourceipaddress': '10.0.0.2' } },
                    WINDOW_DSL,
                  ],
                },
              },
            ],
          },
        },
        track_total_hits: true,
        sort: ['_doc'],
        size: 1000,
      });
      // 10.0.0.3 had 2 by the (estimated) bucket count but only 1 event is found: below the threshold.
      expect(result.buckets).toStrictEqual([
        { key: '10.0.0.2', count: 3, samples: [event('x1')], events: [event('x1'), event('x2'), event('x3')] },
        { key: '10.0.0.1', count: 2, samples: [event('y1')], events: [event('y1'), event('y2')] },
      ]);
    });

    it('aggregate maps a boolean field\'s 1/0 keys to true/false and queries the group by key_as_string; too many groups are told', async () => {
      const fake = await open();
      const warnings: string[] = [];
      fake.answer((request) => {
        const body = request.body as { aggs?: unknown };
        if (!body.aggs) return searchAnswer(['t1', 't2'], 2);
        const bucket = { key: 1, key_as_string: 'true', doc_count: 2, samples: searchAnswer(['t1'], 2).body };
        return { body: { ...(searchAnswer([], 9).body as object), aggregations: { groups: { sum_other_doc_count: 7, buckets: [bucket] } } } };
      });
      const booleanCriteria = search().must(match('category', 'syslog')).aggregate('details.success', { threshold: 2, samples: 1 }).build();
      const store = fake.store({ maxBuckets: 1, onWarning: (message) => warnings.push(message) });
      const result = await store.aggregate({ criteria: booleanCriteria as Parameters<SearchStore['aggregate']>[0]['criteria'], now: NOW });
      expect(result.buckets.map((b) => [b.key, b.count])).toStrictEqual([[true, 2]]);
      expect(JSON.stringify(fake.requests[1]?.body)).toContain('{"term":{"details.success":"true"}}');
      expect(warnings).toStrictEqual([
        `${store.engine} store: aggregation on "details.success" has more than maxBuckets (1) groups; 7 events in further groups were not considered (raise maxBuckets and the cluster's search.max_buckets)`,
      ]);
    });

    it('tagEvents updates each event in its concrete index with MozDef\'s tags in one refreshed _bulk', async () => {
      const fake = await open();
      fake.answer(() => ({
        body: {
          took: 3,
          errors: false,
          items: [{ update: { _index: 'events-20170101', _id: 'a', status: 200, result: 'updated' } }, { update: { _index: 'events-20161231', _id: 'b', status: 200, result: 'updated' } }],
        },
      }));
      await fake.store().tagEvents(
        [
          { _index: 'events-20170101', _id: 'a' },
          { _index: 'events-20161231', _id: 'b' },
        ],
        { alertName: 'AlertBruteforceSsh', alert: { index: 'alerts-201701', id: 'alert-1' } },
      );
      const script = { source: TAG_EVENT_SCRIPT, lang: 'painless', params: { alert: { index: 'alerts-201701', id: 'alert-1' }, alert_name: 'AlertBruteforceSsh' } };
      expect(fake.requests).toStrictEqual([
        {
          method: 'POST',
          path: '/_bulk',
          querystring: { refresh: 'true' },
          body: [
            { update: { _index: 'events-20170101', _id: 'a', retry_on_conflict: 3 } },
            { script },
            { update: { _index: 'events-20161231', _id: 'b', retry_on_conflict: 3 } },
            { script },
          ],
        },
      ]);
      expect(TAG_EVENT_SCRIPT).toContain("append(ctx._source, 'alerts', params.alert); append(ctx._source, 'alert_names', params.alert_name);");
    });

    it('tagEvents skips events that are gone (told), and fails on any other rejected item naming the event', async () => {
      const fake = await open();
      const warnings: string[] = [];
      const gone = { update: { _index: 'events-20170101', _id: 'a', status: 404, error: { type: 'document_missing_exception', reason: '[a]: document missing' } } };
      const rejected = { update: { _index: 'events-20170101', _id: 'b', status: 429, error: { type: 'es_rejected_execution_exception', reason: 'queue full' } } };
      fake.answer(() => ({ body: { errors: true, items: [gone, rejected] } }));
      const error = await storeError(
        fake.store({ refresh: false, onWarning: (message) => warnings.push(message) }).tagEvents(
          [
            { _index: 'events-20170101', _id: 'a' },
            { _index: 'events-20170101', _id: 'b' },
          ],
          { alertName: 'A', alert: { index: 'alerts', id: '1' } },
        ),
      );
      expect(fake.requests[0]?.querystring).toStrictEqual({});
      expect(warnings).toHaveLength(1);
      expect(warnings[0]).toContain('1 event(s) no longer exist and were not tagged, e.g. events-20170101/a');
      expect(error.code).toBe('STORE_UNAVAILABLE');
      expect(error.message).toContain('tagEvents on');
      expect(error.message).toContain('1 of 2 events could not be tagged, first events-20170101/b: HTTP 429 es_rejected_execution_exception: queue full');
    });

    const alert: StoredAlert = {
      _index: 'alerts',
      _id: 'ak-bruteforce-ssh/2017-01-01T01:00:00Z/10.0.0.1',
      _source: {
        utctimestamp: '2017-01-01T01:00:00+00:00',
        severity: 'NOTICE',
        summary: 'x',
        category: 'bruteforce',
        tags: [],
        events: [],
        channel: null,
        notify_mozdefbot: true,
        status: 'NEW',
        classname: 'AlertBruteforceSsh',
      },
    };

    it('saveAlert creates the alert under its _id and returns the concrete index', async () => {
      const fake = await open();
      fake.answer(() => ({ statusCode: 201, body: { _index: 'alerts-201701', _id: alert._id, _version: 1, result: 'created' } }));
      const saved = await fake.store().saveAlert(alert);
      expect(fake.requests).toStrictEqual([
        {
          method: 'PUT',
          path: `/alerts/_create/${alert._id}`,
          querystring: { refresh: 'true' },
          body: alert._source,
        },
      ]);
      expect(saved).toStrictEqual({ _index: 'alerts-201701', _id: alert._id, created: true });
    });

    it('saveAlert of an existing _id (409) is created: false in the index that holds it, never an error or a duplicate', async () => {
      const fake = await open();
      const conflict = {
        error: {
          root_cause: [{ type: 'version_conflict_engine_exception', reason: 'document already exists', index: 'alerts-201701' }],
          type: 'version_conflict_engine_exception',
          reason: `[${alert._id}]: version conflict, document already exists (current version [1])`,
          index_uuid: 'u',
          shard: '0',
          index: 'alerts-201701',
        },
        status: 409,
      };
      fake.answer(() => ({ statusCode: 409, body: conflict }));
      expect(await fake.store().saveAlert(alert)).toStrictEqual({ _index: 'alerts-201701', _id: alert._id, created: false });
      expect(fake.requests).toHaveLength(1);
    });

    it('getEvents reads with _mget and leaves out missing documents and indices', async () => {
      const fake = await open();
      fake.answer(() => ({
        body: {
          docs: [
            { _index: 'events-20170101', _id: 'a', _version: 2, _seq_no: 1, _primary_term: 1, found: true, _source: { summary: 'event a' } },
            { _index: 'events-20170101', _id: 'gone', found: false },
            { _index: 'nope', _id: 'c', error: { type: 'index_not_found_exception', reason: 'no such index [nope]' } },
          ],
        },
      }));
      const refs = [
        { _index: 'events-20170101', _id: 'a' },
        { _index: 'events-20170101', _id: 'gone' },
        { _index: 'nope', _id: 'c' },
      ];
      expect(await fake.store().getEvents(refs)).toStrictEqual([event('a')]);
      expect(fake.requests).toStrictEqual([{ method: 'POST', path: '/_mget', querystring: {}, body: { docs: refs } }]);
      expect(await fake.store().getEvents([])).toStrictEqual([]);
      expect(fake.requests).toHaveLength(1);
    });

    it('listAlerts searches the alert index oldest first; a missing alert index is no alerts', async () => {
      const fake = await open();
      fake.answer(() => ({ body: { ...(searchAnswer([], 0).body as object), _shards: { total: 0, successful: 0, skipped: 0, failed: 0 } } }));
      expect(await fake.store({ alertIndex: 'mozdef-alerts' }).listAlerts()).toStrictEqual([]);
      expect(fake.requests).toStrictEqual([
        {
          method: 'POST',
          path: '/mozdef-alerts/_search',
          querystring: { ignore_unavailable: 'true' },
          body: { query: { match_all: {} }, sort: [{ utctimestamp: { order: 'asc', unmapped_type: 'date' } }, '_doc'], track_total_hits: true, size: 1000 },
        },
      ]);
      fake.answer(() => searchAnswer(['first', 'second'], 2));
      const alerts = await fake.store().listAlerts();
      expect(alerts.map((a) => [a._index, a._id])).toStrictEqual([
        ['events-20170101', 'first'],
        ['events-20170101', 'second'],
      ]);
    });

    it('an unreachable cluster is STORE_UNAVAILABLE naming the operation and the node, never the credentials', async () => {
      const fake = await open();
      const store = fake.unreachableStore('hunter2-secret');
      for (const [operation, call] of [
        ['search', () => store.search({ criteria, now: NOW })],
        ['saveAlert', () => store.saveAlert(alert)],
        ['tagEvents', () => store.tagEvents([{ _index: 'events', _id: 'a' }], { alertName: 'A', alert: { index: 'alerts', id: '1' } })],
      ] as const) {
        const error = await storeError(call());
        expect(error.code).toBe('STORE_UNAVAILABLE');
        expect(error.message).toMatch(new RegExp(`store: ${operation} on http://127\\.0\\.0\\.1:\\d+ failed: ConnectionError: `));
        expect(error.details).toMatchObject({ operation });
        expect(JSON.stringify({ message: error.message, details: error.details, cause: String(error.cause) })).not.toContain('hunter2');
      }
    });
  });
}
