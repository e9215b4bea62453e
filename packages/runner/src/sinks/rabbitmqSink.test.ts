import { createServer, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import type { StoredAlert } from '@alertkit/core';
import { afterEach, describe, expect, it } from 'vitest';
import { createRabbitmqSink } from './rabbitmqSink.js';

// Against a real broker: tests/e2e/test/rabbitmq.test.ts. Here: how it fails without one.

const alert = { _id: 'a1', _index: 'alerts', _source: {} } as unknown as StoredAlert;

const servers: Server[] = [];
const sockets: Socket[] = [];
afterEach(async () => {
  for (const socket of sockets.splice(0)) socket.destroy();
  await Promise.all(
    servers.splice(0).map((server) => new Promise((resolve) => server.close(resolve))),
  );
});

/** A TCP server on a loopback port; `silent` ones accept connections and never answer. */
async function tcpServer(silent: boolean): Promise<number> {
  const server = createServer((socket) => {
    sockets.push(socket);
    if (!silent) socket.destroy();
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as AddressInfo).port;
}

describe('rabbitmq sink without a broker', () => {
  it('fails fast with SINK_FAILED when nothing listens, and tries again on the next delivery', async () => {
    const port = await tcpServer(false);
    await new Promise((resolve) => servers.pop()?.close(resolve)); // the port is now closed
    const sink = createRabbitmqSink({ name: 'mq', url: `amqp://guest:guest@127.0.0.1:${port}` });
    for (let i = 0; i < 2; i++) {
      const error = await sink.deliver(alert).catch((e: unknown) => e);
      expect(error).toMatchObject({ code: 'SINK_FAILED', details: { sink: 'mq', alertId: 'a1' } });
      expect((error as Error).message).toMatch(
        /^sink mq: alert a1: publishing to exchange "alerts" failed: .*ECONNREFUSED/,
      );
    }
    await sink.close();
  });

  it('times out against a server that accepts but never speaks AMQP', async () => {
    const port = await tcpServer(true);
    const sink = createRabbitmqSink({ url: `amqp://127.0.0.1:${port}`, timeoutMs: 100 });
    const error = await sink.deliver(alert).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'SINK_FAILED' });
    expect((error as Error).message).toMatch(/timeout|within 100 ms/i);
    await sink.close();
  });

  it('refuses deliveries once closed', async () => {
    const sink = createRabbitmqSink({ url: 'amqp://127.0.0.1:1' });
    await sink.close();
    await expect(sink.deliver(alert)).rejects.toMatchObject({
      code: 'SINK_FAILED',
      message: expect.stringContaining('closed') as unknown,
    });
  });
});
