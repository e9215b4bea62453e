import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { StoredAlert } from '@alertkit/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createWebhookSink } from './webhookSink.js';

const alert: StoredAlert = {
  _id: 'alert-1',
  _index: 'alerts',
  _source: {
    utctimestamp: '2026-01-02T03:04:05+00:00',
    severity: 'NOTICE',
    summary: 'ssh brute force',
    category: 'bruteforce',
    tags: ['ssh'],
    events: [],
    channel: null,
    notify_mozdefbot: true,
    status: 'NEW',
    classname: 'AlertBruteforceSsh',
  },
};

interface Received {
  method: string | undefined;
  headers: IncomingHttpHeaders;
  body: string;
}

/** A loopback HTTP server answering with the given statuses in turn (the last one repeats). */
let server: Server;
let url: string;
let received: Received[];
let statuses: number[];
beforeEach(async () => {
  received = [];
  statuses = [200];
  server = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
    request.on('end', () => {
      received.push({ method: request.method, headers: request.headers, body });
      const status = statuses.length > 1 ? (statuses.shift() as number) : (statuses[0] as number);
      response
        .writeHead(status, { 'content-type': 'text/plain' })
        .end(status >= 400 ? `status ${status}` : 'ok');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook?token=abc`;
});
afterEach(async () => {
  await new Promise((resolve) => server.close(resolve));
});

describe('webhook sink', () => {
  it('POSTs {_id, _index, _source} as JSON with Idempotency-Key and the configured headers', async () => {
    const sink = createWebhookSink({ url, headers: { Authorization: 'Bearer t' } });
    await sink.deliver(alert);
    expect(received).toHaveLength(1);
    const [request] = received;
    expect(request?.method).toBe('POST');
    expect(request?.headers).toMatchObject({
      'content-type': 'application/json',
      'idempotency-key': 'alert-1',
      authorization: 'Bearer t',
    });
    expect(Object.keys(JSON.parse(request?.body ?? '') as object)).toEqual([
      '_id',
      '_index',
      '_source',
    ]);
    expect(JSON.parse(request?.body ?? '')).toEqual(alert);
  });

  it('retries 5xx, 408 and 429 with backoff, then succeeds', async () => {
    statuses = [503, 408, 429, 204];
    await createWebhookSink({ url, retries: 3, backoffMs: 1 }).deliver(alert);
    expect(received).toHaveLength(4);
    expect(new Set(received.map((r) => r.headers['idempotency-key']))).toEqual(
      new Set(['alert-1']),
    );
  });

  it('fails with SINK_FAILED after the last retry, naming the status but not the query string', async () => {
    statuses = [500];
    const error = await createWebhookSink({ name: 'hooks', url, retries: 2, backoffMs: 1 })
      .deliver(alert)
      .catch((e: unknown) => e);
    expect(received).toHaveLength(3);
    expect(error).toMatchObject({
      code: 'SINK_FAILED',
      details: { sink: 'hooks', alertId: 'alert-1', permanent: false },
    });
    expect((error as Error).message).toMatch(
      /^sink hooks: alert alert-1: POST http:\/\/127\.0\.0\.1:\d+\/hook: HTTP 500: status 500 \(after 3 attempts\)$/,
    );
    expect((error as Error).message).not.toContain('token=abc');
  });

  it('does not retry other 4xx answers and marks them permanent', async () => {
    statuses = [400];
    const error = await createWebhookSink({ url, retries: 5, backoffMs: 1 })
      .deliver(alert)
      .catch((e: unknown) => e);
    expect(received).toHaveLength(1);
    expect(error).toMatchObject({ code: 'SINK_FAILED', details: { permanent: true } });
  });

  it('retries when the endpoint is unreachable, then fails', async () => {
    await new Promise((resolve) => server.close(resolve));
    const error = await createWebhookSink({ url, retries: 1, backoffMs: 1 })
      .deliver(alert)
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'SINK_FAILED', details: { permanent: false } });
    expect((error as Error).message).toContain('ECONNREFUSED');
    server = createServer().listen(0, '127.0.0.1'); // for afterEach
  });

  it('gives up on a request that gets no answer within the timeout', async () => {
    server.removeAllListeners('request'); // accept but never answer
    const error = await createWebhookSink({ url, retries: 0, timeoutMs: 50 })
      .deliver(alert)
      .catch((e: unknown) => e);
    expect((error as Error).message).toContain('no answer within 50 ms');
    server.closeAllConnections();
  });
});
