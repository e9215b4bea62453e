import { existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { StoredAlert } from '@alertkit/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { sinkError, type Sink } from '../sinks/sink.js';
import { createWebhookSink } from '../sinks/webhookSink.js';
import { Outbox, type OutboxEntry } from './outbox.js';

function alertNumbered(n: number): StoredAlert {
  return {
    _id: `alert-${n}`,
    _index: 'alerts',
    _source: { summary: `alert ${n}` },
  } as unknown as StoredAlert;
}

/** A sink that records what it got; `up = false` makes it fail like an unreachable broker. */
class FakeSink implements Sink {
  up = true;
  readonly received: string[] = [];
  readonly attempts: string[] = [];
  readonly rejectsForever = new Set<string>();
  onDeliver: ((alert: StoredAlert) => Promise<void>) | undefined;

  constructor(readonly name: string) {}

  async deliver(alert: StoredAlert): Promise<void> {
    this.attempts.push(alert._id);
    await this.onDeliver?.(alert);
    if (this.rejectsForever.has(alert._id))
      throw sinkError(this.name, alert, 'HTTP 400', { permanent: true });
    if (!this.up) throw sinkError(this.name, alert, 'connect ECONNREFUSED');
    this.received.push(alert._id);
  }

  async close(): Promise<void> {}
}

let dir: string;
let file: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'alertkit-outbox-'));
  file = join(dir, 'state', 'outbox.json');
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function fileEntries(): Promise<OutboxEntry[]> {
  return (JSON.parse(await readFile(file, 'utf8')) as { entries: OutboxEntry[] }).entries;
}

describe('Outbox', () => {
  it('persists an alert before any sink sees it', async () => {
    const sink = new FakeSink('mq');
    const onDisk: string[][] = [];
    sink.onDeliver = async () => {
      onDisk.push((await fileEntries()).map((entry) => entry.alert._id));
    };
    const outbox = await Outbox.open({ file, sinks: [sink] });
    await outbox.deliver([alertNumbered(1), alertNumbered(2)]);
    expect(onDisk).toEqual([
      ['alert-1', 'alert-2'],
      ['alert-1', 'alert-2'],
    ]);
    expect(sink.received).toEqual(['alert-1', 'alert-2']);
    expect((await fileEntries()).map((entry) => entry.deliveries['mq']?.status)).toEqual([
      'delivered',
      'delivered',
    ]);
  });

  it('keeps a down sink pending without holding back the others, one attempt per round', async () => {
    const broker = new FakeSink('mq');
    const hook = new FakeSink('hook');
    broker.up = false;
    const outbox = await Outbox.open({ file, sinks: [broker, hook] });
    const report = await outbox.deliver([1, 2, 3].map(alertNumbered));
    expect(hook.received).toEqual(['alert-1', 'alert-2', 'alert-3']);
    // The first failure ends the broker's round: no timeout paid per alert.
    expect(broker.attempts).toEqual(['alert-1']);
    expect(report).toEqual({
      delivered: 3,
      failed: 1,
      pending: 3,
      bySink: {
        mq: { delivered: 0, failed: 1, pending: 3 },
        hook: { delivered: 3, failed: 0, pending: 0 },
      },
    });
    const [first] = outbox.pending('mq');
    expect(first?.deliveries['mq']).toMatchObject({
      status: 'pending',
      attempts: 1,
      lastError: 'sink mq: alert alert-1: connect ECONNREFUSED',
    });
  });

  it('delivers what was pending, oldest first, after a restart once the sink is back', async () => {
    const down = new FakeSink('mq');
    down.up = false;
    const before = await Outbox.open({ file, sinks: [down] });
    await before.deliver([alertNumbered(1)]);
    await before.deliver([alertNumbered(2), alertNumbered(3)]);
    await before.close();

    const up = new FakeSink('mq');
    const after = await Outbox.open({ file, sinks: [up] });
    expect(after.pending().map((entry) => entry.alert._id)).toEqual([
      'alert-1',
      'alert-2',
      'alert-3',
    ]);
    const report = await after.deliverPending();
    expect(up.received).toEqual(['alert-1', 'alert-2', 'alert-3']);
    expect(report.pending).toBe(0);
    expect(after.pending()).toEqual([]);
    expect(
      (await fileEntries()).every((entry) => entry.deliveries['mq']?.status === 'delivered'),
    ).toBe(true);
  });

  it('keeps a readable state file when one alert has a url and a later one an e-mail address', async () => {
    const withUrl = {
      ...alertNumbered(1),
      _source: { summary: 'HTTP errors', url: 'https://www.mozilla.org' },
    } as unknown as StoredAlert;
    const withMail = {
      ...alertNumbered(2),
      _source: { summary: 'mail=judy@example.org,o=com added a user' },
    } as unknown as StoredAlert;
    const before = await Outbox.open({ file, sinks: [new FakeSink('mq')] });
    await before.deliver([withUrl, withMail]);
    await before.close();
    expect((await fileEntries()).map((entry) => entry.alert)).toEqual([withUrl, withMail]);
    const after = await Outbox.open({ file, sinks: [new FakeSink('mq')] });
    expect(after.pending()).toEqual([]);
    await after.close();
  });

  it('ignores an _id it already holds (a re-run tick raises the same ids)', async () => {
    const sink = new FakeSink('mq');
    const outbox = await Outbox.open({ sinks: [sink] });
    await outbox.deliver([alertNumbered(1)]);
    expect(await outbox.add([alertNumbered(1), alertNumbered(2)])).toBe(1);
    await outbox.deliverPending();
    expect(sink.received).toEqual(['alert-1', 'alert-2']);
  });

  it('gives up on a permanent rejection and goes on with the next alert', async () => {
    const sink = new FakeSink('hook');
    sink.rejectsForever.add('alert-1');
    const outbox = await Outbox.open({ sinks: [sink] });
    const report = await outbox.deliver([alertNumbered(1), alertNumbered(2)]);
    expect(sink.received).toEqual(['alert-2']);
    expect(report).toMatchObject({ delivered: 1, failed: 1, pending: 0 });
    expect(outbox.entries()[0]?.deliveries['hook']).toMatchObject({
      status: 'failed',
      attempts: 1,
    });
    await outbox.deliverPending();
    expect(sink.attempts).toEqual(['alert-1', 'alert-2']);
  });

  it('gives up after maxAttempts', async () => {
    const sink = new FakeSink('mq');
    sink.up = false;
    const outbox = await Outbox.open({ sinks: [sink], maxAttempts: 2 });
    await outbox.deliver([alertNumbered(1)]);
    await outbox.deliverPending();
    await outbox.deliverPending();
    expect(sink.attempts).toEqual(['alert-1', 'alert-1']);
    expect(outbox.entries()[0]?.deliveries['mq']).toMatchObject({ status: 'failed', attempts: 2 });
  });

  it('shares a running round with concurrent calls and picks up alerts added meanwhile', async () => {
    const sink = new FakeSink('mq');
    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => (release = resolve));
    sink.onDeliver = () => gate;
    const outbox = await Outbox.open({ sinks: [sink] });
    const first = outbox.deliver([alertNumbered(1)]);
    await outbox.add([alertNumbered(2)]);
    const second = outbox.deliverPending();
    release();
    const [a, b] = await Promise.all([first, second]);
    expect(a).toBe(b);
    expect(sink.received).toEqual(['alert-1', 'alert-2']);
  });

  it('keeps only the newest settled entries', async () => {
    const outbox = await Outbox.open({ file, sinks: [new FakeSink('mq')], retainDelivered: 2 });
    await outbox.deliver([1, 2, 3, 4].map(alertNumbered));
    expect(outbox.entries().map((entry) => entry.alert._id)).toEqual(['alert-3', 'alert-4']);
    expect((await fileEntries()).map((entry) => entry.alert._id)).toEqual(['alert-3', 'alert-4']);
  });

  it('drops deliveries owed to a sink that is no longer configured', async () => {
    const down = new FakeSink('old');
    down.up = false;
    await (await Outbox.open({ file, sinks: [down] })).deliver([alertNumbered(1)]);
    const outbox = await Outbox.open({ file, sinks: [new FakeSink('new')] });
    expect(outbox.pending()).toEqual([]);
    expect(outbox.entries()[0]?.deliveries).toEqual({});
  });

  it('writes the state file atomically (no temporary file left behind)', async () => {
    const outbox = await Outbox.open({ file, sinks: [new FakeSink('mq')] });
    await outbox.deliver([alertNumbered(1)]);
    // The journal stays, emptied once the state file holds what it recorded.
    expect((await readdir(join(dir, 'state'))).sort()).toEqual([
      'outbox.json',
      'outbox.json.journal',
    ]);
    expect(await readFile(`${file}.journal`, 'utf8')).toBe('');
  });

  it('journals each delivery before moving on: after a crash mid-round only the alert in flight is owed again', async () => {
    const mq = new FakeSink('mq');
    await (await Outbox.open({ file, sinks: [mq] })).add([1, 2, 3].map(alertNumbered));
    // The process "dies" while alert 3 is in flight: its delivery never settles, so the round
    // never writes its state file; only the journal knows that 1 and 2 were delivered.
    let accepted = 0;
    const hangs: Sink = {
      name: 'mq',
      deliver: (alert) =>
        ++accepted <= 2 ? mq.deliver(alert) : new Promise<void>(() => undefined),
      close: () => Promise.resolve(),
    };
    void (await Outbox.open({ file, sinks: [hangs] })).deliverPending();
    await expect
      .poll(async () => (await readFile(`${file}.journal`, 'utf8')).trim().split('\n').length)
      .toBe(2);
    const restarted = await Outbox.open({ file, sinks: [mq] });
    expect(restarted.pending('mq').map((e) => e.alert._id)).toEqual([alertNumbered(3)._id]);
  });

  it('refuses a corrupt state file with STORE_UNAVAILABLE naming it', async () => {
    await (await Outbox.open({ file, sinks: [] })).add([alertNumbered(1)]);
    await writeFile(file, '{"version": 1, "entries": [{"alert": 3}]}');
    await expect(Outbox.open({ file, sinks: [] })).rejects.toMatchObject({
      code: 'STORE_UNAVAILABLE',
      message: expect.stringContaining(
        `${file}: cannot read the delivery outbox: entries[0] is not an outbox entry`,
      ) as unknown,
    });
    await writeFile(file, '{"version": 1, "entr');
    await expect(Outbox.open({ file, sinks: [] })).rejects.toMatchObject({
      code: 'STORE_UNAVAILABLE',
    });
  });

  it('rejects two sinks with the same name', async () => {
    await expect(
      Outbox.open({ sinks: [new FakeSink('a'), new FakeSink('a')] }),
    ).rejects.toMatchObject({ code: 'CONFIG_INVALID' });
  });

  it('holds nothing on disk without a file', async () => {
    const outbox = await Outbox.open({ sinks: [new FakeSink('mq')] });
    await outbox.deliver([alertNumbered(1)]);
    expect(existsSync(file)).toBe(false);
  });
});

describe('Outbox with a webhook on a loopback HTTP server', () => {
  let server: Server;
  let available = false;
  const accepted: string[] = [];
  beforeEach(async () => {
    available = false;
    accepted.length = 0;
    server = createServer((request, response) => {
      request.resume();
      request.on('end', () => {
        if (available) accepted.push(String(request.headers['idempotency-key']));
        response.writeHead(available ? 201 : 503).end();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  });
  afterEach(async () => {
    await new Promise((resolve) => server.close(resolve));
  });

  it('loses nothing while the endpoint answers 503 and delivers every alert once it recovers', async () => {
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/alerts`;
    const outbox = await Outbox.open({
      file,
      sinks: [createWebhookSink({ url, retries: 1, backoffMs: 1 })],
    });
    const down = await outbox.deliver([1, 2, 3].map(alertNumbered));
    expect(down).toMatchObject({ delivered: 0, pending: 3 });
    expect(outbox.pending()[0]?.deliveries['webhook']?.lastError).toMatch(
      /HTTP 503 \(after 2 attempts\)$/,
    );

    available = true;
    const reopened = await Outbox.open({
      file,
      sinks: [createWebhookSink({ url, retries: 1, backoffMs: 1 })],
    });
    const up = await reopened.deliverPending();
    expect(up).toMatchObject({ delivered: 3, pending: 0 });
    expect(accepted).toEqual(['alert-1', 'alert-2', 'alert-3']);
  });
});
