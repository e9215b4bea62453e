import { randomUUID } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { AlertDocument, StoredAlert } from '@alertkit/core';
import { createRabbitmqSink, Outbox, type Sink } from '@alertkit/runner';
import { connect, type ChannelModel, type ConsumeMessage } from 'amqplib';
import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from 'vitest';
import { alertkit, ndjson } from './lib/cli.js';
import { startBroker, stopBroker } from './support/rabbitmqBroker.js';
import { repoRoot } from './lib/workspaceCopy.js';

// The RabbitMQ sink against a real broker (started by test/support/globalSetup.ts): MozDef's
// wire format, and no alert lost while the broker is down.

let url: string;
let stateDir: string;
let dir: string;
const open: { close(): Promise<void> }[] = [];

beforeAll(async () => {
  const broker = inject('rabbitmq');
  if ('error' in broker) throw new Error(broker.error);
  ({ url, stateDir } = broker);
  dir = await mkdtemp(join(tmpdir(), 'alertkit-rabbitmq-test-'));
});
afterEach(async () => {
  for (const resource of open.splice(0).reverse()) await resource.close().catch(() => undefined);
});
afterAll(async () => {
  if (dir !== undefined) await rm(dir, { recursive: true, force: true });
});

function alertNumbered(n: number, run: string): StoredAlert {
  const source: AlertDocument = {
    utctimestamp: `2026-03-01T10:00:${String(n % 60).padStart(2, '0')}+00:00`,
    severity: 'NOTICE',
    summary: `10.0.0.${n} received 20 failed ssh logins`,
    category: 'bruteforce',
    tags: ['ssh', 'bruteforce'],
    events: [
      {
        documentindex: 'events',
        documentid: `event-${n}`,
        documentsource: { summary: 'failed login', details: { n } },
      },
    ],
    channel: null,
    notify_mozdefbot: true,
    status: 'NEW',
    classname: 'AlertBruteforceSsh',
  };
  // Key order on purpose not the wire order: the sink writes {_id, _index, _source}.
  return { _source: source, _index: 'alerts', _id: `${run}-${n}` };
}

function track<T extends { close(): Promise<void> }>(resource: T): T {
  open.push(resource);
  return resource;
}

/** A consumer connection with a durable queue bound to `alerts` with `mozdef.*`, as MozDef's consumers bind. */
async function durableQueue(name: string): Promise<{ model: ChannelModel; queue: string }> {
  const model = track(await connect(url));
  const channel = await model.createChannel();
  await channel.assertExchange('alerts', 'topic', { durable: true });
  await channel.assertQueue(name, { durable: true });
  await channel.bindQueue(name, 'alerts', 'mozdef.*');
  return { model, queue: name };
}

/** Consumes from `queue` until `ids` have all been seen (or 20 s pass); returns every message. */
async function consumeUntil(queue: string, ids: readonly string[]): Promise<ConsumeMessage[]> {
  const model = track(await connect(url));
  const channel = await model.createChannel();
  const messages: ConsumeMessage[] = [];
  const missing = new Set(ids);
  await channel.consume(queue, (message) => {
    if (message === null) return;
    messages.push(message);
    missing.delete(String(message.properties.messageId));
    channel.ack(message);
  });
  for (let waited = 0; missing.size > 0 && waited < 20_000; waited += 50) await sleep(50);
  // Anything still in flight (a duplicate) arrives within a moment.
  await sleep(200);
  await channel.close();
  return messages;
}

describe('RabbitMQ sink against a real broker', () => {
  it('declares the durable topic exchange `alerts` itself', async () => {
    const admin = track(await connect(url));
    const channel = await admin.createChannel();
    // The refusal below closes this channel with an 'error' event; the rejection is what we check.
    channel.on('error', () => undefined);
    await channel.deleteExchange('alerts');
    const sink: Sink = track(createRabbitmqSink({ url, timeoutMs: 5000 }));
    await sink.deliver(alertNumbered(0, `declare-${randomUUID()}`));
    // Re-declaring with the same properties succeeds; with durable: false the broker refuses.
    await channel.assertExchange('alerts', 'topic', { durable: true });
    await expect(channel.assertExchange('alerts', 'topic', { durable: false })).rejects.toThrow(
      /PRECONDITION_FAILED/,
    );
  });

  it('fails the delivery (no crash) when the exchange exists with another type, and recovers once it is fixed', async () => {
    const exchange = `alerts-direct-${randomUUID()}`;
    const admin = track(await connect(url));
    const channel = await admin.createChannel();
    await channel.assertExchange(exchange, 'direct', { durable: true });
    const sink = track(createRabbitmqSink({ url, exchange, timeoutMs: 5000 }));
    const alert = alertNumbered(1, `mismatch-${randomUUID()}`);
    await expect(sink.deliver(alert)).rejects.toMatchObject({
      code: 'SINK_FAILED',
      message: expect.stringMatching(/PRECONDITION_FAILED - inequivalent arg 'type'/) as unknown,
    });
    await channel.deleteExchange(exchange);
    await sink.deliver(alert);
  });

  it("publishes alerts in MozDef's format: {_id, _index, _source}, persistent, JSON, messageId = _id, routing key mozdef.alert", async () => {
    const run = `format-${randomUUID()}`;
    const { queue } = await durableQueue(`alertkit-test-${run}`);
    const sink = track(createRabbitmqSink({ url, timeoutMs: 5000 }));
    const alerts = [1, 2, 3].map((n) => alertNumbered(n, run));
    const outbox = await Outbox.open({ sinks: [sink] });
    expect(await outbox.deliver(alerts)).toMatchObject({ delivered: 3, failed: 0, pending: 0 });

    const messages = await consumeUntil(
      queue,
      alerts.map((alert) => alert._id),
    );
    expect(messages).toHaveLength(3);
    messages.forEach((message, i) => {
      const alert = alerts[i] as StoredAlert;
      const body = message.content.toString('utf8');
      expect(body).toBe(
        JSON.stringify({ _id: alert._id, _index: alert._index, _source: alert._source }),
      );
      expect(message.fields).toMatchObject({ exchange: 'alerts', routingKey: 'mozdef.alert' });
      expect(message.properties).toMatchObject({
        messageId: alert._id,
        contentType: 'application/json',
        deliveryMode: 2,
      });
    });
  });

  it('loses no alert while the broker is stopped mid-run: every _id reaches the durable queue after the restart', async () => {
    const run = `outage-${randomUUID()}`;
    const { queue } = await durableQueue(`alertkit-test-${run}`);
    const sink = track(createRabbitmqSink({ url, timeoutMs: 2000 }));
    const outbox = await Outbox.open({ file: join(dir, `${run}.outbox.json`), sinks: [sink] });
    const alerts = Array.from({ length: 30 }, (_, i) => alertNumbered(i + 1, run));

    // A steady stream of alerts; the broker goes down after the tenth, while the rest are raised.
    let stopping: Promise<void> | undefined;
    const failedWhileDown: string[] = [];
    for (const [i, alert] of alerts.entries()) {
      if (i === 10) stopping = stopBroker(stateDir);
      const report = await outbox.deliver([alert]);
      if (report.failed > 0) failedWhileDown.push(alert._id);
      await sleep(20);
    }
    await stopping;
    const down = await outbox.deliverPending();
    expect(down.delivered).toBe(0);
    expect(down.pending).toBeGreaterThan(0);
    expect(failedWhileDown.length).toBeGreaterThan(0);
    const pendingIds = outbox.pending().map((entry) => entry.alert._id);
    // Everything raised after the stop completed is among the pending, oldest first.
    expect(pendingIds).toEqual(alerts.map((a) => a._id).filter((id) => pendingIds.includes(id)));
    expect(pendingIds).toContain(alerts[29]?._id);

    // The same broker (same state directory, same port) comes back.
    await startBroker(stateDir);
    const up = await outbox.deliverPending();
    expect(up).toMatchObject({ failed: 0, pending: 0, delivered: pendingIds.length });

    const messages = await consumeUntil(
      queue,
      alerts.map((alert) => alert._id),
    );
    const received = new Map<string, string>();
    for (const message of messages) {
      const id = String(message.properties.messageId);
      const body = message.content.toString('utf8');
      expect((JSON.parse(body) as StoredAlert)._id).toBe(id);
      // A duplicate (confirm lost in the outage) is the same message again, nothing else.
      if (received.has(id)) expect(body).toBe(received.get(id));
      received.set(id, body);
    }
    expect([...received.keys()].sort()).toEqual(alerts.map((alert) => alert._id).sort());
  });
});

describe('staged alerts against a real broker', () => {
  it('a staged alert is saved and published under mozdef.alert.staged only; live consumers (mozdef.*) and live sinks never see it', async () => {
    const NOW = '2017-01-01T01:00:00Z';
    const at = new Date(Date.parse(NOW) - 30_000).toISOString();
    const failedLogin = {
      utctimestamp: at,
      receivedtimestamp: at,
      category: 'authentication',
      summary: 'carol failed to log in',
      details: { username: 'carol', success: false },
    };
    const ldapAdd = {
      utctimestamp: at,
      receivedtimestamp: at,
      category: 'ldapChange',
      summary: 'mail=admin@example.org add cn=new',
      details: { changetype: 'add', actor: 'mail=admin@example.org', dn: 'cn=new' },
    };
    const events = ndjson(dir, 'staged-events.ndjson', [
      ...Array.from({ length: 10 }, () => failedLogin),
      ldapAdd,
    ]);
    const live = await durableQueue(`live-${randomUUID()}`);
    const staged = track(await connect(url));
    const stagedChannel = await staged.createChannel();
    const stagedQueue = `staged-${randomUUID()}`;
    await stagedChannel.assertQueue(stagedQueue, { durable: true });
    await stagedChannel.bindQueue(stagedQueue, 'alerts', 'mozdef.alert.staged');
    const liveFile = join(dir, 'live.ndjson');
    const config = join(dir, 'staged.config.json');
    await writeFile(
      config,
      JSON.stringify({
        alerts: [
          { path: join(repoRoot, 'alerts/failed-logins'), staged: true },
          { path: join(repoRoot, 'alerts/ldap-add') },
        ],
        store: { type: 'memory', events: [events] },
        sinks: [
          { type: 'rabbitmq', url },
          { type: 'file', path: liveFile },
        ],
        stateDir: join(dir, 'staged-state'),
      }),
    );
    const listed = alertkit(['list', '--config', config]);
    expect(listed.stdout).toMatch(/^failed-logins\s.*\sstaged$/m);
    expect(listed.stdout).toMatch(/^ldap-add\s.*\slive$/m);

    const ran = alertkit(['run', '--once', '--config', config, '--now', NOW]);
    expect(ran.status, ran.stderr).toBe(0);
    expect(ran.stderr).toContain('2 raised');
    const liveFileLines = (await readFile(liveFile, 'utf8')).trim().split('\n');
    expect(liveFileLines.map((l) => (JSON.parse(l) as StoredAlert)._source.classname)).toEqual([
      'ldapAdd',
    ]);
    const stagedMessages = await consumeFrom(stagedChannel, stagedQueue, 1);
    expect(stagedMessages.map((m) => m.fields.routingKey)).toEqual(['mozdef.alert.staged']);
    expect(
      (JSON.parse(stagedMessages[0]?.content.toString() ?? '{}') as StoredAlert)._source.classname,
    ).toBe('AlertFailedLogins');
    const liveMessages = await consumeFrom(await live.model.createChannel(), live.queue, 1);
    expect(
      liveMessages.map((m) => [
        m.fields.routingKey,
        (JSON.parse(m.content.toString()) as StoredAlert)._source.classname,
      ]),
    ).toEqual([['mozdef.alert', 'ldapAdd']]);
  });
});

/** Consumes `count` messages from `queue` (or what arrived after 20 s), then waits a moment for strays. */
async function consumeFrom(
  channel: Awaited<ReturnType<ChannelModel['createChannel']>>,
  queue: string,
  count: number,
): Promise<ConsumeMessage[]> {
  const messages: ConsumeMessage[] = [];
  await channel.consume(queue, (message) => {
    if (message === null) return;
    messages.push(message);
    channel.ack(message);
  });
  for (let waited = 0; messages.length < count && waited < 20_000; waited += 50) await sleep(50);
  await sleep(300);
  return messages;
}
