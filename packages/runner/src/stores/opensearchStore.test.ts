import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { match, search } from '@alertkit/query';
import { Client } from '@opensearch-project/opensearch';
import { afterEach, describe, expect, it } from 'vitest';
import { createOpensearchStore } from './opensearchStore.js';
import {
  NOW,
  searchAnswer,
  thrown,
  type ClusterHandler,
  type FakeCluster,
  type RecordedRequest,
} from './fakeCluster.testkit.js';
import { describeSearchStoreContract } from './searchStoreContract.testkit.js';

interface LoopbackCluster extends FakeCluster {
  readonly url: string;
  /** The raw (still encoded) path and the headers of each request. */
  readonly raw: Array<{ path: string; headers: IncomingHttpHeaders }>;
}

function listen(server: Server): Promise<string> {
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () =>
      resolve(`http://127.0.0.1:${(server.address() as AddressInfo).port}`),
    );
  });
}

function stop(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.closeAllConnections();
    server.close(() => resolve());
  });
}

function parseBody(text: string, contentType: string | undefined): unknown {
  if (text === '') return undefined;
  if (contentType?.includes('x-ndjson')) {
    return text
      .split('\n')
      .filter((line) => line !== '')
      .map((line) => JSON.parse(line) as unknown);
  }
  return JSON.parse(text) as unknown;
}

/** A fake OpenSearch over real HTTP on 127.0.0.1: the client's whole stack runs. */
async function loopbackCluster(): Promise<LoopbackCluster> {
  const requests: RecordedRequest[] = [];
  const raw: LoopbackCluster['raw'] = [];
  let handler: ClusterHandler = (request) => {
    throw new Error(`no answer scripted for ${request.method} ${request.path}`);
  };
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://fake');
      const request: RecordedRequest = {
        method: req.method ?? 'GET',
        path: decodeURIComponent(url.pathname),
        querystring: Object.fromEntries(url.searchParams),
        body: parseBody(Buffer.concat(chunks).toString('utf8'), req.headers['content-type']),
      };
      if (request.body === undefined) delete (request as { body?: unknown }).body;
      requests.push(request);
      raw.push({ path: url.pathname, headers: req.headers });
      let status = 500;
      let payload: unknown;
      try {
        const reply = handler(request);
        status = reply.statusCode ?? 200;
        payload = reply.body;
      } catch (error) {
        payload = { error: { type: 'test_failure', reason: String(error) } };
      }
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(payload));
    });
  });
  const url = await listen(server);
  // A port that was just free and is closed again: connecting is refused.
  const closed = createServer();
  const closedUrl = await listen(closed);
  await stop(closed);
  return {
    url,
    requests,
    raw,
    answer: (next) => {
      handler = next;
    },
    store: (options = {}) => createOpensearchStore({ ...options, node: url, maxRetries: 0 }),
    unreachableStore: (password) =>
      createOpensearchStore({
        node: closedUrl,
        auth: { username: 'alertkit', password },
        maxRetries: 0,
      }),
    close: () => stop(server),
  };
}

describeSearchStoreContract('opensearch', loopbackCluster);

describe('createOpensearchStore over HTTP', () => {
  let cluster: LoopbackCluster | undefined;
  afterEach(async () => {
    await cluster?.close();
    cluster = undefined;
  });

  it('sends basic auth and plain JSON / NDJSON, URL-encodes the alert _id, and closes the client it made', async () => {
    cluster = await loopbackCluster();
    cluster.answer((request) =>
      request.path === '/_bulk'
        ? {
            body: {
              errors: false,
              items: [{ update: { _index: 'events', _id: 'a', status: 200 } }],
            },
          }
        : { statusCode: 201, body: { _index: 'alerts-201701', _id: 'a/b c', result: 'created' } },
    );
    const store = createOpensearchStore({
      node: cluster.url,
      auth: { username: 'alertkit', password: 'pw-from-env' },
      maxRetries: 0,
    });
    await store.tagEvents([{ _index: 'events', _id: 'a' }], {
      alertName: 'A',
      alert: { index: 'alerts-201701', id: 'a/b c' },
    });
    await store.saveAlert({ _index: 'alerts', _id: 'a/b c', _source: { summary: 's' } as never });
    await store.close();
    // The store made the client, so closing the store closed it: no connection is left.
    await expect(store.getEvents([{ _index: 'events', _id: 'a' }])).rejects.toThrow(
      /getEvents on http:\/\/127\.0\.0\.1:\d+ failed: NoLivingConnectionsError/,
    );
    expect(cluster.raw.map((r) => r.path)).toStrictEqual(['/_bulk', '/alerts/_create/a%2Fb%20c']);
    expect(cluster.raw.map((r) => r.headers['content-type'])).toStrictEqual([
      'application/x-ndjson',
      'application/json',
    ]);
    expect(cluster.raw[0]?.headers.authorization).toBe(
      `Basic ${Buffer.from('alertkit:pw-from-env').toString('base64')}`,
    );
  });

  it('sends a bearer token as the Authorization header', async () => {
    cluster = await loopbackCluster();
    cluster.answer(() => searchAnswer(['a'], 1));
    const store = createOpensearchStore({
      node: cluster.url,
      auth: { bearer: 'tok-123456' },
      maxRetries: 0,
    });
    await store.search({ criteria: search().must(match('category', 'syslog')).build(), now: NOW });
    await store.close();
    expect(cluster.raw[0]?.headers.authorization).toBe('Bearer tok-123456');
  });

  it('uses a client passed in and names its node without the credentials in its URL', async () => {
    cluster = await loopbackCluster();
    cluster.answer(() => ({
      statusCode: 403,
      body: {
        error: {
          type: 'security_exception',
          reason: 'no permissions for [indices:data/read/search]',
        },
      },
    }));
    const withCredentials = cluster.url.replace('http://', 'http://alertkit:url-secret@');
    const client = new Client({ node: withCredentials, maxRetries: 0 });
    const store = createOpensearchStore({ client });
    await expect(
      store.search({ criteria: search().must(match('category', 'syslog')).build(), now: NOW }),
    ).rejects.toThrow(
      `opensearch store: search on ${cluster.url} failed: HTTP 403 security_exception: no permissions for [indices:data/read/search]`,
    );
    await client.close();
  });

  it('refuses an API key (OpenSearch has none) and a missing node', () => {
    const apiKey = thrown(() =>
      createOpensearchStore({ node: 'http://127.0.0.1:9200', auth: { apiKey: 'x' } }),
    );
    expect([apiKey.code, apiKey.message]).toStrictEqual([
      'CONFIG_INVALID',
      'opensearch store: OpenSearch has no API keys; use auth { username, password } or { bearer }',
    ]);
    expect(thrown(() => createOpensearchStore({})).code).toBe('CONFIG_INVALID');
  });
});
