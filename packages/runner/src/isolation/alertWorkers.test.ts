import { threadId } from 'node:worker_threads';
import { afterEach, describe, expect, it } from 'vitest';
import {
  defineAlert,
  reverseDnsFromTable,
  type AlertDocument,
  type StoredAlert,
  type StoredEvent,
} from '@alertkit/core';
import { createEmbeddedStore, match, search } from '@alertkit/query';
import { createRunner, type Runner, type ScheduledAlert } from '../runner.js';
import { family, remembers, reports, spins } from './fixtures/runaway.js';

const T0 = new Date('2026-11-01T12:00:00Z');
const fixtures = new URL('./fixtures/runaway.ts', import.meta.url).href;

function event(id: string): StoredEvent {
  const at = new Date(T0.getTime() - 1000).toISOString();
  return {
    _index: 'events',
    _id: id,
    _source: { utctimestamp: at, receivedtimestamp: at, category: 'test', summary: 'x' },
  };
}

let runner: Runner | undefined;
afterEach(async () => {
  await runner?.stop();
  runner = undefined;
});

function start(alerts: ScheduledAlert[], delivered: StoredAlert[] = []) {
  const store = createEmbeddedStore({ events: [event('a')] });
  runner = createRunner({
    alerts,
    store,
    reverseDns: reverseDnsFromTable({ '10.0.0.1': 'gateway.example.org' }),
    plugins: (document: AlertDocument) => ({ ...document, tags: [...document.tags, 'enriched'] }),
    deliver: (alerts) => {
      delivered.push(...alerts);
      return Promise.resolve();
    },
  });
  return { runner, store };
}

describe('alerts in a worker thread', () => {
  it('stops a synchronous endless loop at the time limit; the other alerts run and deliver', async () => {
    const delivered: StoredAlert[] = [];
    const { runner } = start(
      [
        { alert: spins, module: fixtures, timeoutMs: 1_500 },
        { alert: reports, module: fixtures },
      ],
      delivered,
    );
    const summary = await runner.runCycle(T0);
    expect(summary.alerts[0]).toMatchObject({
      alert: 'spins',
      timedOut: true,
      error: 'alert "spins": the run did not finish within 1500 ms; its worker was stopped',
      ticks: [],
    });
    expect(summary.alerts[1]).toMatchObject({ alert: 'reports', raised: 1 });
    // It ran in another thread, its reverse DNS and plugins served from this one.
    const [alert] = delivered;
    expect(alert?._source.summary).toMatch(/^thread (\d+): gateway\.example\.org a$/);
    expect(alert?._source.summary).not.toBe(`thread ${threadId}: gateway.example.org a`);
    expect(alert?._source.tags).toContain('enriched');
    expect(summary.failed).toBe(1);
  });

  it('starts a fresh worker after one was stopped, and retries the stopped tick', async () => {
    const { runner, store } = start([
      { alert: spins, module: fixtures, timeoutMs: 1_000 },
      { alert: reports, module: fixtures },
    ]);
    await runner.runCycle(T0);
    const later = new Date(T0.getTime() + 60_000);
    const at = new Date(later.getTime() - 1000).toISOString();
    store.add({
      ...event('b'),
      _source: { ...event('b')._source, utctimestamp: at, receivedtimestamp: at },
    });
    const second = await runner.runCycle(later);
    expect(second.alerts[0]).toMatchObject({ alert: 'spins', timedOut: true, ticks: [] });
    expect(second.alerts[1]).toMatchObject({ alert: 'reports', raised: 1 });
  });

  it("reports a reaction's error as in-process runs do, with the alert found in an array export", async () => {
    const [fails] = family;
    if (!fails) throw new Error('fixture missing');
    const { runner } = start([{ alert: fails, module: fixtures }]);
    const summary = await runner.runCycle(T0);
    expect(summary.alerts[0]?.error).toMatch(/^alert "fails".*no luck/);
    expect(summary.alerts[0]?.timedOut).toBeUndefined();
  });

  it("serves an alert's state from the main thread's store (getState/putState proxied by name)", async () => {
    const delivered: StoredAlert[] = [];
    const { runner, store } = start([{ alert: remembers, module: fixtures }], delivered);
    await runner.runCycle(T0);
    const later = new Date(T0.getTime() + 60_000);
    const at = new Date(later.getTime() - 1000).toISOString();
    store.add({
      ...event('b'),
      _source: { ...event('b')._source, utctimestamp: at, receivedtimestamp: at },
    });
    await runner.runCycle(later);
    expect(delivered.map((a) => a._source.summary)).toEqual([
      expect.stringMatching(/^thread \d+: alert 1$/),
      expect.stringMatching(/^thread \d+: alert 2$/),
    ]);
    expect(delivered[0]?._source.summary).not.toBe(`thread ${threadId}: alert 1`);
    expect(await store.getState('remembers', 'count')).toEqual({ count: 2 });
    expect(await store.getState('remembers', 'last-run')).toEqual({ at: later.toISOString() });
  });

  it('runs an alert its module does not export in-process', async () => {
    const local = defineAlert({
      name: 'local',
      description: 'defined here',
      severity: 'NOTICE',
      category: 'test',
      criteria: search({ minutes: 1 }).must(match('category', 'test')),
      onEvent: () => ({ summary: `thread ${threadId}` }),
    });
    const delivered: StoredAlert[] = [];
    const { runner } = start([{ alert: local, module: fixtures }], delivered);
    await runner.runCycle(T0);
    expect(delivered[0]?._source.summary).toBe(`thread ${threadId}`);
  });
});
