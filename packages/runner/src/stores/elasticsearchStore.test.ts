import { isAlertkitError } from '@alertkit/core';
import { match, search } from '@alertkit/query';
import { Client, errors } from '@elastic/elasticsearch';
import Mock from '@elastic/elasticsearch-mock';
import { describe, expect, it } from 'vitest';
import { createElasticsearchStore } from './elasticsearchStore.js';
import {
  NOW,
  searchAnswer,
  thrown,
  type ClusterHandler,
  type FakeCluster,
  type RecordedRequest,
} from './fakeCluster.testkit.js';
import { describeSearchStoreContract } from './searchStoreContract.testkit.js';

const NODE = 'http://127.0.0.1:9200';

/** A response error as the client builds it from an HTTP error answer. */
function responseError(statusCode: number, body: unknown): errors.ResponseError {
  return new errors.ResponseError({
    body,
    statusCode,
    headers: {},
    warnings: null,
    meta: {} as never,
  });
}

/**
 * The fake cluster on `@elastic/elasticsearch-mock`: every request goes to the test's handler;
 * the mock hands over the parsed querystring and JSON/NDJSON body.
 */
function mockCluster(): Promise<FakeCluster> {
  const mock = new Mock();
  const requests: RecordedRequest[] = [];
  let handler: ClusterHandler = (request) => {
    throw new Error(`no answer scripted for ${request.method} ${request.path}`);
  };
  mock.add({ method: ['GET', 'POST', 'PUT', 'DELETE'], path: '/*' }, (params) => {
    const request: RecordedRequest = {
      method: String(params.method),
      path: String(params.path),
      querystring: { ...(params.querystring as Record<string, string>) },
      body: params.body ?? null,
    };
    if (request.body === null) delete (request as { body?: unknown }).body;
    requests.push(request);
    const reply = handler(request);
    const statusCode = reply.statusCode ?? 200;
    return statusCode >= 400
      ? responseError(statusCode, reply.body)
      : (reply.body as Record<string, unknown>);
  });
  const unreachable = new Mock();
  unreachable.add(
    { method: ['GET', 'POST', 'PUT', 'DELETE'], path: '/*' },
    () => new errors.ConnectionError('connect ECONNREFUSED 127.0.0.1:9200'),
  );
  return Promise.resolve({
    requests,
    answer: (next) => {
      handler = next;
    },
    store: (options = {}) =>
      createElasticsearchStore({
        ...options,
        node: NODE,
        Connection: mock.getConnection(),
        maxRetries: 0,
      }),
    unreachableStore: (password) =>
      createElasticsearchStore({
        node: NODE,
        auth: { username: 'alertkit', password },
        Connection: unreachable.getConnection(),
        maxRetries: 0,
      }),
    close: () => Promise.resolve(),
  });
}

describeSearchStoreContract('elasticsearch', mockCluster);

describe('createElasticsearchStore', () => {
  it('needs a node or a client', () => {
    const error = thrown(() => createElasticsearchStore({}));
    expect(error.code).toBe('CONFIG_INVALID');
    expect(error.message).toBe(
      'elasticsearch store: `node` (the cluster URL) or `client` is required',
    );
  });

  it('uses a client passed in, names its node without credentials, and leaves closing it to the caller', async () => {
    const mock = new Mock();
    mock.add({ method: 'POST', path: '/events,events-previous/_search' }, () =>
      responseError(503, { error: { type: 'cluster_block_exception', reason: 'blocked' } }),
    );
    const client = new Client({
      node: 'http://alertkit:s3cret-pass@127.0.0.1:9201',
      Connection: mock.getConnection(),
      maxRetries: 0,
    });
    const store = createElasticsearchStore({ client });
    const error: unknown = await store
      .search({ criteria: search().must(match('category', 'syslog')).build(), now: NOW })
      .catch((e: unknown) => e);
    expect(isAlertkitError(error) && error.message).toBe(
      'elasticsearch store: search on http://127.0.0.1:9201 failed: HTTP 503 cluster_block_exception: blocked',
    );
    await store.close();
    // Still usable: the store did not close the caller's client.
    mock.clear({ method: 'POST', path: '/events,events-previous/_search' });
    mock.add(
      { method: 'POST', path: '/events,events-previous/_search' },
      () => searchAnswer(['a'], 1).body as Record<string, unknown>,
    );
    expect(
      (
        await store.search({
          criteria: search().must(match('category', 'syslog')).build(),
          now: NOW,
        })
      ).total,
    ).toBe(1);
  });

  it('rejects out-of-range options with the option named', () => {
    expect(() => createElasticsearchStore({ node: NODE, pageSize: 0 })).toThrow(
      'search store: pageSize must be a positive integer, got 0',
    );
    expect(() => createElasticsearchStore({ node: NODE, indices: [] })).toThrow(
      'indices must be a non-empty list',
    );
  });
});
