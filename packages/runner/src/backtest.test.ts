import { describe, expect, it } from 'vitest';
import { defineAlert, type SearchRequest, type Store, type StoredEvent } from '@alertkit/core';
import { createEmbeddedStore, match, search } from '@alertkit/query';
import { backtest } from './backtest.js';

const T0 = Date.parse('2026-11-01T00:00:00Z');
const HOUR = 3_600_000;

function event(id: string, at: number, user = 'bob'): StoredEvent {
  const time = new Date(at).toISOString();
  return {
    _index: 'events',
    _id: id,
    _source: {
      utctimestamp: time,
      receivedtimestamp: time,
      category: 'auth',
      details: { username: user },
    },
  };
}

// Every 5 minutes, a 15-minute window: each event is seen by three ticks but alerts once.
const perEvent = defineAlert({
  name: 'per-event',
  description: 'd',
  severity: 'NOTICE',
  category: 'test',
  schedule: { every: '5m' },
  criteria: search({ minutes: 15 }).must(match('category', 'auth')),
  onEvent: (e) => ({ summary: `login ${e._id}` }),
});

const perUser = defineAlert({
  name: 'per-user',
  description: 'd',
  severity: 'NOTICE',
  category: 'test',
  schedule: { every: '1h' },
  criteria: search({ hours: 1 }).must(match('category', 'auth')),
  aggregate: { field: 'details.username', threshold: 2 },
  onAggregation: (g) => ({ summary: `${g.count} for ${String(g.value)}` }),
  noiseBudget: { perDay: 1 },
});

// Day 1: bob 3x in one hour, eve 2x in another; day 2: bob 2x.
const events = [
  event('b1', T0 + 1 * HOUR + 60_000),
  event('b2', T0 + 1 * HOUR + 120_000),
  event('b3', T0 + 1 * HOUR + 180_000),
  event('e1', T0 + 5 * HOUR + 60_000, 'eve'),
  event('e2', T0 + 5 * HOUR + 120_000, 'eve'),
  event('b4', T0 + 30 * HOUR + 60_000),
  event('b5', T0 + 30 * HOUR + 120_000),
];
const since = new Date(T0);
const until = new Date(T0 + 48 * HOUR - 1);

describe('backtest', () => {
  it('evaluates every tick with its own window; an event alerts once, as in a live run', async () => {
    const report = await backtest({
      alerts: [{ alert: perEvent }],
      source: { events },
      since,
      until,
    });
    const [a] = report.alerts;
    expect(a?.ticks).toBe(48 * 12); // every 5 minutes over two days (the tick at since included)
    expect(a?.total).toBe(7);
    expect(a?.perDay).toEqual([
      { day: '2026-11-01', alerts: 5 },
      { day: '2026-11-02', alerts: 2 },
    ]);
    expect(a?.first?.summary).toBe('login b1');
    expect(a?.last?.summary).toBe('login b5');
  });

  it('lists the busiest group values and the days over the noise budget (the installation may set its own)', async () => {
    const report = await backtest({
      alerts: [{ alert: perUser }],
      source: { events },
      since,
      until,
    });
    const [a] = report.alerts;
    expect(a?.perDay).toEqual([
      { day: '2026-11-01', alerts: 2 },
      { day: '2026-11-02', alerts: 1 },
    ]);
    expect(a?.busiest).toEqual([
      { value: 'bob', alerts: 2 },
      { value: 'eve', alerts: 1 },
    ]);
    expect(a?.overBudget).toEqual([{ day: '2026-11-01', alerts: 2 }]);
    const looser = await backtest({
      alerts: [{ alert: perUser, noiseBudget: { perDay: 2 } }],
      source: { events },
      since,
      until,
    });
    expect(looser.alerts[0]?.overBudget).toEqual([]);
  });

  it('runs on an embedded store given as its scratch store, with the answer of the events copied in', async () => {
    const alerts = [{ alert: perEvent }, { alert: perUser }];
    const scratch = createEmbeddedStore({ events });
    const given = await backtest({ alerts, source: { scratch }, since, until });
    const copied = await backtest({ alerts, source: { events }, since, until });
    expect(given.events).toBe(events.length);
    expect(given.alerts.map((a) => [a.alert, a.total, a.perDay, a.busiest])).toEqual(
      copied.alerts.map((a) => [a.alert, a.total, a.perDay, a.busiest]),
    );
    expect(given.alerts.map((a) => a.total)).toEqual([7, 3]);
  });

  it('reads a cluster a day at a time and writes nothing to it; the answer equals the in-memory one', async () => {
    const backing = createEmbeddedStore({ events });
    const reads: SearchRequest[] = [];
    const cluster: Store = {
      search: (request) => {
        reads.push(request);
        return backing.search(request);
      },
      aggregate: () => Promise.reject(new Error('the backtest must not aggregate on the cluster')),
      tagEvents: () => Promise.reject(new Error('the backtest must not tag the cluster')),
      saveAlert: () => Promise.reject(new Error('the backtest must not save to the cluster')),
      getEvents: (refs) => backing.getEvents(refs),
      listAlerts: () => backing.listAlerts(),
    };
    const alerts = [{ alert: perEvent }, { alert: perUser }];
    const paged = await backtest({ alerts, source: { store: cluster }, since, until });
    const inMemory = await backtest({ alerts, source: { events }, since, until });
    expect(paged.alerts.map((a) => [a.alert, a.total, a.perDay])).toEqual(
      inMemory.alerts.map((a) => [a.alert, a.total, a.perDay]),
    );
    // Two days: two reads, each the day plus the longest window before it.
    expect(reads.map((r) => [r.now.toISOString(), r.criteria.window])).toEqual([
      ['2026-11-01T23:59:59.999Z', { milliseconds: 24 * HOUR - 1 + HOUR }],
      ['2026-11-02T23:59:59.999Z', { milliseconds: 24 * HOUR - 1 + HOUR }],
    ]);
    expect(await backing.listAlerts()).toEqual([]);
  });

  it('reports a run that throws with its tick and goes on', async () => {
    const throws = defineAlert({
      name: 'throws',
      description: 'd',
      severity: 'NOTICE',
      category: 'test',
      schedule: { every: '1h' },
      criteria: search({ hours: 1 }).must(match('category', 'auth')),
      onEvent: () => {
        throw new Error('boom');
      },
    });
    const report = await backtest({
      alerts: [{ alert: throws }],
      source: { events },
      since,
      until,
    });
    expect(report.alerts[0]?.total).toBe(0);
    expect(report.alerts[0]?.errors[0]).toMatchObject({ tick: '2026-11-01T02:00:00.000Z' });
    expect(report.alerts[0]?.errors[0]?.error).toContain('boom');
  });
});
