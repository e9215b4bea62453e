import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { defineAlert, type StoredAlert, type StoredEvent } from '@alertkit/core';
import { createEmbeddedStore, match, search } from '@alertkit/query';
import { Checkpoints } from './checkpoints.js';
import { createLogger } from './logger.js';
import { createRunner } from './runner.js';

const T0 = new Date('2026-11-01T12:00:00Z');
const iso = (ms: number) => new Date(ms).toISOString();

function event(id: string, at: number, summary = 'boom'): StoredEvent {
  return {
    _index: 'events',
    _id: id,
    _source: { utctimestamp: iso(at), receivedtimestamp: iso(at), category: 'test', summary },
  };
}

const boom = defineAlert({
  name: 'boom',
  description: 'every test event',
  severity: 'WARNING',
  category: 'test',
  criteria: search({ minutes: 1 }).must(match('category', 'test')),
  onEvent: (e) => ({ summary: `boom ${e._id}` }),
});

function deliveredTo(list: StoredAlert[]) {
  return (alerts: readonly StoredAlert[]) => {
    list.push(...alerts);
    return Promise.resolve();
  };
}

describe('the runner', () => {
  it('runs an alert at now on its first cycle, saves, tags, delivers and checkpoints', async () => {
    const store = createEmbeddedStore({ events: [event('a', T0.getTime() - 30_000)] });
    const delivered: StoredAlert[] = [];
    const checkpoints = await Checkpoints.open();
    const runner = createRunner({
      alerts: [{ alert: boom }],
      store,
      checkpoints,
      deliver: deliveredTo(delivered),
    });
    const summary = await runner.runCycle(T0);
    expect(summary).toMatchObject({
      raised: 1,
      failed: 0,
      alerts: [{ alert: 'boom', ticks: [T0.toISOString()], raised: 1 }],
    });
    expect(delivered.map((a) => a._source.summary)).toEqual(['boom a']);
    expect(summary.alerts[0]?.raisedAlerts).toEqual(delivered);
    expect(await store.listAlerts()).toHaveLength(1);
    expect(checkpoints.get('boom')).toEqual(T0);
    // The next cycle at the same instant has nothing to do; the event is tagged anyway.
    expect((await runner.runCycle(T0)).raised).toBe(0);
  });

  it('after downtime evaluates each missed tick oldest first with its own window, never one wide window', async () => {
    // One event per minute; a 1-minute window per tick sees exactly the events of its minute.
    const events = [1, 2, 3].map((m) => event(`m${m}`, T0.getTime() + m * 60_000 - 10_000));
    const store = createEmbeddedStore({ events });
    const checkpoints = await Checkpoints.open();
    await checkpoints.advance('boom', T0);
    const delivered: StoredAlert[] = [];
    const runner = createRunner({
      alerts: [{ alert: boom }],
      store,
      checkpoints,
      deliver: deliveredTo(delivered),
    });
    const summary = await runner.runCycle(new Date(T0.getTime() + 3 * 60_000 + 5_000));
    expect(summary.alerts[0]?.ticks).toEqual([
      '2026-11-01T12:01:00.000Z',
      '2026-11-01T12:02:00.000Z',
      '2026-11-01T12:03:00.000Z',
    ]);
    expect(delivered.map((a) => [a._source.summary, a._source.utctimestamp])).toEqual([
      ['boom m1', '2026-11-01T12:01:00+00:00'],
      ['boom m2', '2026-11-01T12:02:00+00:00'],
      ['boom m3', '2026-11-01T12:03:00+00:00'],
    ]);
  });

  it('gives up missed ticks beyond the catch-up limit, keeping the newest', async () => {
    const store = createEmbeddedStore({ events: [] });
    const checkpoints = await Checkpoints.open();
    await checkpoints.advance('boom', T0);
    const runner = createRunner({ alerts: [{ alert: boom }], store, checkpoints, maxCatchUp: 2 });
    const summary = await runner.runCycle(new Date(T0.getTime() + 5 * 60_000));
    expect(summary.alerts[0]).toMatchObject({
      skippedTicks: 3,
      ticks: ['2026-11-01T12:04:00.000Z', '2026-11-01T12:05:00.000Z'],
    });
  });

  it('isolates a throwing alert: the others run, the failure is counted, its tick is retried', async () => {
    let calls = 0;
    const flaky = defineAlert({
      name: 'flaky',
      description: 'throws once',
      severity: 'NOTICE',
      category: 'test',
      criteria: search({ minutes: 1 }).must(match('category', 'test')),
      onEvent: () => {
        calls++;
        if (calls === 1) throw new Error('bad data');
        return { summary: 'fine now' };
      },
    });
    const store = createEmbeddedStore({ events: [event('a', T0.getTime() - 1000)] });
    const checkpoints = await Checkpoints.open();
    const runner = createRunner({
      alerts: [{ alert: flaky }, { alert: boom }],
      store,
      checkpoints,
    });
    const first = await runner.runCycle(T0);
    expect(first.failed).toBe(1);
    expect(first.alerts[0]?.error).toBe(
      'alert "flaky": the reaction failed for event events/a: bad data',
    );
    expect(first.alerts[1]).toMatchObject({ alert: 'boom', raised: 1 });
    expect(checkpoints.get('flaky')).toBeUndefined();
    const second = await runner.runCycle(T0);
    expect(second.alerts[0]).toMatchObject({
      alert: 'flaky',
      raised: 1,
      ticks: [T0.toISOString()],
    });
  });

  it('abandons a run over its timeout and skips the alert while that run is still in flight', async () => {
    let release: () => void = () => undefined;
    const hangs = defineAlert({
      name: 'hangs',
      description: 'never answers',
      severity: 'NOTICE',
      category: 'test',
      criteria: search({ minutes: 1 }).must(match('category', 'test')),
      onEvent: () => new Promise<null>((resolve) => (release = () => resolve(null))),
    });
    const store = createEmbeddedStore({ events: [event('a', T0.getTime() - 1000)] });
    const runner = createRunner({
      alerts: [{ alert: hangs }, { alert: boom }],
      store,
      timeoutMs: 50,
    });
    const first = await runner.runCycle(T0);
    expect(first.alerts[0]?.error).toBe(
      'alert "hangs": the run took longer than 50 ms and was abandoned',
    );
    expect(first.alerts[1]).toMatchObject({ alert: 'boom', raised: 1 });
    const second = await runner.runCycle(T0);
    expect(second.alerts[0]).toMatchObject({ alert: 'hangs', overlapping: true });
    release();
  });

  it('never raises an alert twice when a tick is re-run: ids derive from alert, tick and group', async () => {
    const store = createEmbeddedStore({ events: [event('a', T0.getTime() - 1000)] });
    const delivered: StoredAlert[] = [];
    const runner = createRunner({
      alerts: [{ alert: boom }],
      store,
      checkpoints: await Checkpoints.open(),
      deliver: deliveredTo(delivered),
    });
    await runner.runCycle(T0);
    // A second runner without the checkpoint (e.g. the checkpoint write was lost) re-runs the tick.
    const again = createRunner({
      alerts: [{ alert: boom }],
      store,
      checkpoints: await Checkpoints.open(),
      deliver: deliveredTo(delivered),
    });
    const summary = await again.runCycle(T0);
    expect(summary.raised).toBe(0);
    expect(await store.listAlerts()).toHaveLength(1);
  });

  it('refuses a bad schedule override with the alert name', () => {
    expect(() =>
      createRunner({
        alerts: [{ alert: boom, schedule: { cron: 'often' } }],
        store: createEmbeddedStore(),
      }),
    ).toThrow('alert "boom": schedule: bad cron expression "often"');
  });

  it("passes its logger to the alert's prepare step, with the alert and the tick", async () => {
    const lines: string[] = [];
    const destination = new Writable({
      write(chunk: Buffer, _encoding, done) {
        lines.push(...chunk.toString('utf8').split('\n').filter(Boolean));
        done();
      },
    });
    const listless = defineAlert({
      name: 'listless',
      description: 'fetches a list it cannot have',
      severity: 'NOTICE',
      category: 'test',
      criteria: search({ minutes: 1 }).must(match('category', 'test')),
      prepare: (_config, { log }) => {
        log.error({ url: 'http://127.0.0.1:9/list' }, 'the list could not be fetched');
        return [];
      },
      onEvent: () => ({ summary: 'never' }),
    });
    const runner = createRunner({
      alerts: [{ alert: listless }, { alert: boom }],
      store: createEmbeddedStore({ events: [event('a', T0.getTime() - 1000)] }),
      checkpoints: await Checkpoints.open(),
      logger: createLogger({ destination }),
    });
    const summary = await runner.runCycle(T0);
    expect(summary).toMatchObject({ raised: 1, failed: 0 });
    const logged = lines.map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(logged).toContainEqual(
      expect.objectContaining({
        level: 50,
        alert: 'listless',
        tick: T0.toISOString(),
        url: 'http://127.0.0.1:9/list',
        msg: 'the list could not be fetched',
      }),
    );
  });
});
