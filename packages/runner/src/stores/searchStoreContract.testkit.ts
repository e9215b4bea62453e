/*
 * The request/response contract both search stores must keep, run by elasticsearchStore.test.ts
 * (through @elastic/elasticsearch-mock) and opensearchStore.test.ts (through a loopback HTTP
 * fake). Each test scripts the cluster's answers and asserts the exact requests (golden DSL)
 * and what the store makes of the answers. This file: reading (search, aggregate, errors);
 * storeWriteContract.testkit.ts: writing (tagEvents, saveAlert) and reading back.
 */
import { match, search } from '@alertkit/query';
import { afterEach, describe, expect, it } from 'vitest';
import { event, NOW, searchAnswer, storeError, type FakeCluster } from './fakeCluster.testkit.js';
import type { SearchStore } from './searchStore.js';
import { describeStoreWriteContract } from './storeWriteContract.testkit.js';

const BEGIN = '2017-01-01T00:58:00+00:00';
const END = '2017-01-01T01:00:00+00:00';
const WINDOW_DSL = {
  bool: {
    should: [
      { range: { utctimestamp: { gte: BEGIN, lte: END } } },
      { range: { receivedtimestamp: { gte: BEGIN, lte: END } } },
    ],
  },
};
const criteria = search({ minutes: 2 }).must(match('category', 'syslog')).build();
const aggregationCriteria = search({ minutes: 2 })
  .must(match('category', 'syslog'))
  .aggregate('details.sourceipaddress', { threshold: 2, samples: 1 })
  .build();
const SEARCH_PATH = '/events,events-previous/_search';

/** The whole contract (reads here, writes in storeWriteContract.testkit.ts), as describe blocks. */
export function describeSearchStoreContract(
  name: string,
  makeCluster: () => Promise<FakeCluster>,
): void {
  describe(`${name}: the Store contract against a fake cluster (reading)`, () => {
    let cluster: FakeCluster;
    const open = async (): Promise<FakeCluster> => {
      cluster = await makeCluster();
      return cluster;
    };
    afterEach(async () => {
      await cluster.close();
    });
    it("search sends MozDef's query with an exact total and store order, and maps hits to {_index, _id, _source}", async () => {
      const fake = await open();
      fake.answer(() => searchAnswer(['a', 'b'], 2));
      const result = await fake.store().search({ criteria, now: NOW });
      expect(fake.requests).toStrictEqual([
        {
          method: 'POST',
          path: SEARCH_PATH,
          querystring: { ignore_unavailable: 'true' },
          body: {
            query: {
              bool: {
                filter: [{ bool: { must: [{ match: { category: 'syslog' } }, WINDOW_DSL] } }],
              },
            },
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
        if (request.path === SEARCH_PATH && request.querystring['scroll'] === undefined)
          return searchAnswer(['a', 'b'], 5);
        if (request.path === SEARCH_PATH)
          return searchAnswer(['a', 'b'], 5, { _scroll_id: 'scroll-1' });
        if (request.method === 'POST' && request.path === '/_search/scroll')
          return searchAnswer(pages.shift() ?? [], 5, { _scroll_id: 'scroll-1' });
        if (request.method === 'DELETE' && request.path === '/_search/scroll')
          return { body: { succeeded: true, num_freed: 1 } };
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
      expect(fake.requests[1]?.body).toMatchObject({
        size: 2,
        sort: ['_doc'],
        track_total_hits: true,
      });
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
      fake.answer(() => ({
        body: {
          ...(searchAnswer([], 0).body as object),
          _shards: { total: 0, successful: 0, skipped: 0, failed: 0 },
        },
      }));
      const error = await storeError(fake.store().search({ criteria, now: NOW }));
      expect(error.code).toBe('STORE_UNAVAILABLE');
      expect(error.message).toContain('search on');
      expect(error.message).toContain('none of the indices events, events-previous exists');
    });

    it("a partial answer (a failed shard) is STORE_UNAVAILABLE naming the shard's reason", async () => {
      const fake = await open();
      const failure = {
        shard: 0,
        index: 'events-20170101',
        reason: { type: 'query_shard_exception', reason: 'failed to create query' },
      };
      fake.answer(() => ({
        body: {
          ...(searchAnswer([], 0).body as object),
          _shards: { total: 2, successful: 1, skipped: 0, failed: 1, failures: [failure] },
        },
      }));
      const error = await storeError(fake.store().search({ criteria, now: NOW }));
      expect(error.code).toBe('STORE_UNAVAILABLE');
      expect(error.message).toContain(
        '1 shard(s) failed (partial results): events-20170101: query_shard_exception: failed to create query',
      );
    });

    it("a rejected request is STORE_UNAVAILABLE with the operation, the HTTP status and the cluster's reason", async () => {
      const fake = await open();
      fake.answer(() => ({
        statusCode: 400,
        body: {
          error: {
            root_cause: [{ type: 'parse_exception', reason: "Cannot parse 'a:('" }],
            type: 'search_phase_execution_exception',
            reason: 'all shards failed',
          },
          status: 400,
        },
      }));
      const error = await storeError(fake.store().search({ criteria, now: NOW }));
      expect(error.code).toBe('STORE_UNAVAILABLE');
      expect(error.message).toMatch(
        /store: search on http:\/\/127\.0\.0\.1(:\d+)?\S* failed: HTTP 400 search_phase_execution_exception: all shards failed; caused by parse_exception: Cannot parse 'a:\('/,
      );
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
      const members: Record<string, string[]> = {
        '10.0.0.2': ['x1', 'x2', 'x3'],
        '10.0.0.1': ['y1', 'y2'],
        '10.0.0.3': ['z1'],
      };
      fake.answer((request) => {
        const body = request.body as { aggs?: unknown; query: unknown };
        if (body.aggs)
          return { body: { ...(searchAnswer([], 7).body as object), aggregations: groups } };
        const key =
          JSON.stringify(body.query).match(/"term":\{"details.sourceipaddress":"([^"]+)"/)?.[1] ??
          '';
        const ids = members[key] ?? [];
        return searchAnswer(ids, ids.length);
      });
      const result = await fake.store().aggregate({
        criteria: aggregationCriteria as Parameters<SearchStore['aggregate']>[0]['criteria'],
        now: NOW,
      });
      expect(fake.requests[0]).toStrictEqual({
        method: 'POST',
        path: SEARCH_PATH,
        querystring: { ignore_unavailable: 'true' },
        body: {
          query: {
            bool: {
              filter: [
                {
                  bool: {
                    must: [
                      { match: { category: 'syslog' } },
                      { exists: { field: 'details.sourceipaddress' } },
                      WINDOW_DSL,
                    ],
                  },
                },
              ],
            },
          },
          size: 0,
          aggs: {
            groups: {
              terms: {
                field: 'details.sourceipaddress',
                size: 10000,
                min_doc_count: 2,
                order: [{ _count: 'desc' }, { _key: 'asc' }],
              },
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
        {
          key: '10.0.0.2',
          count: 3,
          samples: [event('x1')],
          events: [event('x1'), event('x2'), event('x3')],
        },
        { key: '10.0.0.1', count: 2, samples: [event('y1')], events: [event('y1'), event('y2')] },
      ]);
    });

    it("aggregate maps a boolean field's 1/0 keys to true/false and queries the group by key_as_string; too many groups are told", async () => {
      const fake = await open();
      const warnings: string[] = [];
      fake.answer((request) => {
        const body = request.body as { aggs?: unknown };
        if (!body.aggs) return searchAnswer(['t1', 't2'], 2);
        const bucket = {
          key: 1,
          key_as_string: 'true',
          doc_count: 2,
          samples: searchAnswer(['t1'], 2).body,
        };
        return {
          body: {
            ...(searchAnswer([], 9).body as object),
            aggregations: { groups: { sum_other_doc_count: 7, buckets: [bucket] } },
          },
        };
      });
      const booleanCriteria = search()
        .must(match('category', 'syslog'))
        .aggregate('details.success', { threshold: 2, samples: 1 })
        .build();
      const store = fake.store({ maxBuckets: 1, onWarning: (message) => warnings.push(message) });
      const result = await store.aggregate({
        criteria: booleanCriteria as Parameters<SearchStore['aggregate']>[0]['criteria'],
        now: NOW,
      });
      expect(result.buckets.map((b) => [b.key, b.count])).toStrictEqual([[true, 2]]);
      expect(JSON.stringify(fake.requests[1]?.body)).toContain(
        '{"term":{"details.success":"true"}}',
      );
      expect(warnings).toStrictEqual([
        `${store.engine} store: aggregation on "details.success" has more than maxBuckets (1) groups; 7 events in further groups were not considered (raise maxBuckets and the cluster's search.max_buckets)`,
      ]);
    });
  });
  describeStoreWriteContract(name, makeCluster);
}
