import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { StoredAlert } from './alertDocument.js';
import { defineAlert } from './defineAlert.js';
import { durationToMs } from './duration.js';
import { isAlertkitError } from './errors.js';
import type { JsonObject, StoredEvent } from './event.js';
import { reverseDnsFromTable } from './helpers/reverseDns.js';
import type { Clause, Criteria } from './query.js';
import { alertId, runAlert } from './runAlert.js';
import type { AggregateRequest, SearchRequest, Store } from './store.js';

/**
 * A test double of `Store` (the embedded engine lives in @alertkit/query, which core must not
 * import): exact-value `match` and `exists` on dotted paths, `bool`, the time window on
 * utctimestamp OR receivedtimestamp, grouping by the raw value, tagging as MozDef does.
 */
class FakeStore implements Store {
  readonly events: StoredEvent[] = [];
  readonly alerts: StoredAlert[] = [];
  readonly calls: string[] = [];
  constructor(sources: JsonObject[]) {
    sources.forEach((source, i) =>
      this.events.push({ _index: 'events', _id: `e${i}`, _source: structuredClone(source) }),
    );
  }
  #matching(request: SearchRequest): StoredEvent[] {
    const { criteria, now } = request;
    const from = criteria.window ? now.getTime() - durationToMs(criteria.window) : -Infinity;
    const inWindow = (e: StoredEvent) =>
      ['utctimestamp', 'receivedtimestamp'].some((f) => {
        const t = Date.parse(e._source[f] as string);
        return t >= from && t <= now.getTime();
      });
    return this.events.filter((e) => inWindow(e) && test(criteria.query, e._source));
  }
  search(request: SearchRequest) {
    this.calls.push(`search size=${request.size ?? 'all'}`);
    const hits = this.#matching(request);
    return Promise.resolve({
      hits: hits.slice(0, request.size ?? hits.length),
      total: hits.length,
    });
  }
  aggregate(request: AggregateRequest) {
    const { field, threshold, samples } = request.criteria.aggregation;
    const groups = new Map<string, StoredEvent[]>();
    for (const e of this.#matching(request)) {
      const key = valueOf(e._source, field);
      groups.set(String(key), [...(groups.get(String(key)) ?? []), e]);
    }
    const buckets = [...groups.entries()]
      .map(([key, events]) => ({
        key,
        count: events.length,
        samples: events.slice(0, samples),
        events,
      }))
      .filter((b) => b.count >= threshold)
      .sort((a, b) => b.count - a.count || (a.key < b.key ? -1 : 1));
    return Promise.resolve({ buckets });
  }
  tagEvents(
    refs: readonly { _index: string; _id: string }[],
    tag: { alertName: string; alert: { index: string; id: string } },
  ) {
    this.calls.push(`tag ${refs.map((r) => r._id).join(',')}`);
    for (const ref of refs) {
      const source = this.events.find((e) => e._id === ref._id)?._source;
      if (!source) continue;
      source.alert_names = [...((source.alert_names as string[] | undefined) ?? []), tag.alertName];
      source.alerts = [
        ...((source.alerts as JsonObject[] | undefined) ?? []),
        { index: tag.alert.index, id: tag.alert.id },
      ];
    }
    return Promise.resolve();
  }
  saveAlert(alert: StoredAlert) {
    this.calls.push(`save ${alert._id}`);
    const created = !this.alerts.some((a) => a._id === alert._id);
    if (created) this.alerts.push(alert);
    return Promise.resolve({ _index: 'alerts-201701', _id: alert._id, created });
  }
  getEvents(refs: readonly { _id: string }[]) {
    return Promise.resolve(this.events.filter((e) => refs.some((r) => r._id === e._id)));
  }
  listAlerts() {
    return Promise.resolve(this.alerts);
  }
}

function valueOf(source: JsonObject, path: string): unknown {
  return path
    .split('.')
    .reduce<unknown>(
      (v, k) => (v && typeof v === 'object' ? (v as Record<string, unknown>)[k] : undefined),
      source,
    );
}

function test(clause: Clause, source: JsonObject): boolean {
  if (clause.type === 'match') {
    const v = valueOf(source, clause.field);
    return Array.isArray(v) ? v.includes(clause.value) : v === clause.value;
  }
  if (clause.type === 'exists') return valueOf(source, clause.field) !== undefined;
  if (clause.type === 'bool') {
    return (
      (clause.must ?? []).every((c) => test(c, source)) &&
      !(clause.mustNot ?? []).some((c) => test(c, source)) &&
      (!clause.should?.length || clause.should.some((c) => test(c, source)))
    );
  }
  throw new Error(`FakeStore cannot evaluate ${clause.type}`);
}

const NOW = new Date('2017-01-01T01:00:00Z');
const at = (secondsAgo: number) =>
  new Date(NOW.getTime() - secondsAgo * 1000).toISOString().replace('.000Z', '+00:00');
const ev = (extra: JsonObject, secondsAgo = 30): JsonObject => ({
  utctimestamp: at(secondsAgo),
  receivedtimestamp: at(secondsAgo),
  ...extra,
});

const criteria: Criteria = {
  query: { type: 'bool', must: [{ type: 'match', field: 'category', value: 'auth' }] },
  window: { minutes: 5 },
};
const base = {
  description: 'test alert',
  severity: 'NOTICE',
  category: 'bruteforce',
  tags: ['t'],
  criteria,
} as const;

describe('runAlert: event alerts', () => {
  const alert = defineAlert({
    ...base,
    name: 'one-per-event',
    onEvent: (event, { helpers }) => ({
      summary: helpers.pyFormat('{0} from {1}', event._source.summary, event._source.details),
    }),
  });

  it('raises one alert per event in MozDef shape and key order, and tags the event', async () => {
    const store = new FakeStore([
      ev({ category: 'auth', summary: 'login', details: { ip: '1.2.3.4' } }),
      ev({ category: 'other' }),
    ]);
    const result = await runAlert(alert, store, { now: NOW });
    expect(result.alerts).toHaveLength(1);
    const [saved] = result.alerts as [StoredAlert];
    expect(saved._id).toBe(alertId('one-per-event', NOW, 'event:events/e0'));
    expect(saved._id).toMatch(/^[0-9a-f]{32}$/);
    expect(saved._index).toBe('alerts-201701');
    expect(Object.keys(saved._source)).toEqual([
      'utctimestamp',
      'severity',
      'summary',
      'category',
      'tags',
      'events',
      'channel',
      'notify_mozdefbot',
      'status',
      'classname',
    ]);
    expect(saved._source).toMatchObject({
      utctimestamp: '2017-01-01T01:00:00+00:00',
      severity: 'NOTICE',
      summary: "login from {'ip': '1.2.3.4'}",
      category: 'bruteforce',
      tags: ['t'],
      channel: null,
      notify_mozdefbot: false,
      status: 'manual',
      classname: 'AlertOnePerEvent',
    });
    expect(Object.keys(saved._source.events[0] ?? {})).toEqual([
      'documentindex',
      'documentsource',
      'documentid',
    ]);
    // Snapshot before tagging: the alert's copy of the event has no alert_names (semantics §8.11).
    expect(saved._source.events[0]?.documentsource).not.toHaveProperty('alert_names');
    expect(store.events[0]?._source.alert_names).toEqual(['AlertOnePerEvent']);
    expect(store.events[0]?._source.alerts).toEqual([{ index: 'alerts-201701', id: saved._id }]);
    expect(store.calls).toEqual(['search size=all', `save ${saved._id}`, 'tag e0']);
    expect(result).toMatchObject({
      taggedEvents: 1,
      matched: 1,
      existingIds: [],
      truncated: false,
    });
  });

  it('adds the de-duplication clause, so a second run does not alert on the same event', async () => {
    const store = new FakeStore([ev({ category: 'auth', summary: 's' })]);
    const first = await runAlert(alert, store, { now: NOW });
    expect(first.criteria.query.mustNot).toEqual([
      { type: 'match', field: 'alert_names', value: 'AlertOnePerEvent' },
    ]);
    const second = await runAlert(alert, store, { now: new Date(NOW.getTime() + 60_000) });
    expect(second.alerts).toHaveLength(0);
    // Events MozDef itself tagged with the same classname are excluded too.
    const migrated = new FakeStore([ev({ category: 'auth', alert_names: ['AlertOnePerEvent'] })]);
    expect((await runAlert(alert, migrated, { now: NOW })).alerts).toHaveLength(0);
  });

  it('builds the criteria once per run without prepare: the one search uses the run criteria', async () => {
    let built = 0;
    const counted = defineAlert({
      ...base,
      name: 'criteria-once',
      criteria: () => {
        built += 1;
        return criteria;
      },
      onEvent: () => ({ summary: 'x' }),
    });
    const result = await runAlert(counted, new FakeStore([ev({ category: 'auth' })]), {
      now: NOW,
    });
    expect(built).toBe(1);
    expect(result.searches).toEqual([result.criteria]);
    expect(result.alerts).toHaveLength(1);
  });

  it('tells a dedup clause from another clause type on the same field and value', async () => {
    const lookalike: Clause = { type: 'phrase', field: 'alert_names', value: 'AlertOnePerEvent' };
    const withLookalike = defineAlert({
      ...base,
      name: 'one-per-event',
      criteria: { ...criteria, query: { ...criteria.query, mustNot: [lookalike] } },
      onEvent: () => ({ summary: 'x' }),
    });
    const result = await runAlert(withLookalike, new FakeStore([]), { now: NOW });
    expect(result.criteria.query.mustNot).toEqual([
      lookalike,
      { type: 'match', field: 'alert_names', value: 'AlertOnePerEvent' },
    ]);
  });

  it('keeps a de-duplication clause the criteria already have, and keeps ids stable on a re-run of the same tick', async () => {
    const dedup: Clause = { type: 'match', field: 'alert_names', value: 'AlertOnePerEvent' };
    const withDedup = defineAlert({
      ...base,
      name: 'one-per-event',
      criteria: { ...criteria, query: { ...criteria.query, mustNot: [dedup] } },
      onEvent: () => ({ summary: 'x' }),
    });
    const store = new FakeStore([ev({ category: 'auth' })]);
    // As if the previous run had stopped between saving and tagging.
    store.tagEvents = () => Promise.resolve();
    const first = await runAlert(withDedup, store, { now: NOW });
    expect(first.criteria.query.mustNot).toEqual([dedup]);
    const again = await runAlert(withDedup, store, { now: NOW });
    expect(again.alerts.map((a) => a._id)).toEqual(first.alerts.map((a) => a._id));
    expect(again.existingIds).toEqual([first.alerts[0]?._id]);
    expect(store.alerts).toHaveLength(1);
  });

  it('uses the draft over the declaration: severity, channel, url, events, extra fields, explicit notify', async () => {
    const custom = defineAlert({
      ...base,
      name: 'custom-draft',
      onEvent: (event) => ({
        summary: 's',
        severity: 'WARNING',
        category: 'access',
        tags: ['x'],
        channel: '#infosec',
        url: 'https://wiki.example/alert',
        events: [event, event],
        extra: { details: { reason: 'test' } },
      }),
    });
    const store = new FakeStore([ev({ category: 'auth' })]);
    const [saved] = (await runAlert(custom, store, { now: NOW })).alerts as [StoredAlert];
    expect(Object.keys(saved._source).slice(-3)).toEqual(['classname', 'url', 'details']);
    expect(saved._source).toMatchObject({
      severity: 'WARNING',
      category: 'access',
      tags: ['x'],
      channel: '#infosec',
      notify_mozdefbot: true,
      url: 'https://wiki.example/alert',
      details: { reason: 'test' },
    });
    expect(saved._source.events).toHaveLength(2);
    const quiet = defineAlert({
      ...base,
      name: 'quiet',
      onEvent: () => ({ summary: 's', severity: 'CRITICAL', notifyMozdefbot: false, url: '' }),
    });
    const [q] = (await runAlert(quiet, new FakeStore([ev({ category: 'auth' })]), { now: NOW }))
      .alerts as [StoredAlert];
    expect(q._source.notify_mozdefbot).toBe(false);
    expect(q._source).not.toHaveProperty('url');
  });

  it('reports a failing reaction with the alert and the event, and writes nothing for it', async () => {
    const failing = defineAlert({
      ...base,
      name: 'fails-second',
      onEvent: (event) => {
        if (event._id === 'e1') throw new Error('boom');
        return { summary: 'ok' };
      },
    });
    const store = new FakeStore([
      ev({ category: 'auth' }),
      ev({ category: 'auth' }),
      ev({ category: 'auth' }),
    ]);
    const error = await runAlert(failing, store, { now: NOW }).catch((e: unknown) => e);
    expect(isAlertkitError(error) && error.code).toBe('REACTION_FAILED');
    expect((error as Error).message).toBe(
      'alert "fails-second": the reaction failed for event events/e1: boom',
    );
    expect((error as Error).cause).toBeInstanceOf(Error);
    // The run aborts (as MozDef): e0 is complete, e1 and e2 are untouched.
    expect(store.alerts).toHaveLength(1);
    expect(store.events.map((e) => e._source.alert_names ?? null)).toEqual([
      ['AlertFailsSecond'],
      null,
      null,
    ]);
  });

  it('rejects an invalid draft from an untyped alert as a reaction failure', async () => {
    const untyped = defineAlert({
      ...base,
      name: 'untyped',
      onEvent: () => ({ severity: 'LOUD', summary: 's' }) as never,
    });
    const error = await runAlert(untyped, new FakeStore([ev({ category: 'auth' })]), {
      now: NOW,
    }).catch((e: unknown) => e);
    expect((error as Error).message).toBe(
      'alert "untyped": the reaction for event events/e0 returned an unknown severity "LOUD"',
    );
  });

  it('passes the hit limit to the store and reports truncation; plugins may rewrite or suppress', async () => {
    const store = new FakeStore([
      ev({ category: 'auth', n: 1 }),
      ev({ category: 'auth', n: 2 }),
      ev({ category: 'auth', n: 3 }),
    ]);
    const result = await runAlert(alert, store, {
      now: NOW,
      hitLimit: 2,
      plugins: (doc) =>
        doc.events[0]?.documentsource.n === 2
          ? null
          : { ...doc, summary: doc.summary + ' [plugin]' },
    });
    expect(store.calls[0]).toBe('search size=2');
    expect(result).toMatchObject({ truncated: true, matched: 3, suppressed: 1, taggedEvents: 1 });
    expect(
      result.alerts.map((a) => [a._source.summary, a._source.events[0]?.documentsource.n]),
    ).toEqual([['None from None [plugin]', 1]]);
  });
});

describe('runAlert: aggregation alerts', () => {
  const alert = defineAlert({
    ...base,
    name: 'many-logins',
    config: z.object({
      threshold: z.number().int().default(3),
      samples: z.number().int().default(2),
    }),
    aggregate: (config) => ({
      field: 'details.user',
      threshold: config.threshold,
      samples: config.samples,
    }),
    onAggregation: (group, { helpers }) => ({
      summary: `${group.count} logins by ${String(group.value)} from ${helpers
        .mostCommon(group.allEvents, '_source.details.ip')
        .map((v) => `${v.value as string}x${v.count}`)
        .join(',')}`,
    }),
  });
  const logins = (user: string, n: number, ip = '10.0.0.1') =>
    Array.from({ length: n }, () => ev({ category: 'auth', details: { user, ip } }));

  it('alerts on groups at the threshold (>=), carries the samples and tags every event of the group', async () => {
    const store = new FakeStore([
      ...logins('bob', 2),
      ...logins('alice', 3),
      ...logins('carol', 4, '10.0.0.2'),
      ev({ category: 'auth' }),
    ]);
    const result = await runAlert(alert, store, { now: NOW });
    expect(result.criteria.query.must).toContainEqual({ type: 'exists', field: 'details.user' });
    expect(result.criteria.aggregation).toEqual({
      field: 'details.user',
      threshold: 3,
      samples: 2,
    });
    expect(result.alerts.map((a) => a._source.summary)).toEqual([
      '4 logins by carol from 10.0.0.2x4',
      '3 logins by alice from 10.0.0.1x3',
    ]);
    expect(result.alerts.map((a) => a._source.events.length)).toEqual([2, 2]);
    expect(result.alerts[0]?._id).toBe(alertId('many-logins', NOW, 'group:"carol"'));
    expect(result.taggedEvents).toBe(7);
    const tagged = store.events.filter((e) => e._source.alert_names);
    expect(tagged.map((e) => (e._source.details as JsonObject).user)).toEqual([
      'alice',
      'alice',
      'alice',
      'carol',
      'carol',
      'carol',
      'carol',
    ]);
    // Below the threshold: not tagged, may alert later.
    expect(store.events.slice(0, 2).every((e) => e._source.alert_names === undefined)).toBe(true);
  });

  it('takes the threshold from the installation config, validated', async () => {
    const store = new FakeStore([...logins('bob', 2)]);
    expect(
      (await runAlert(alert, store, { now: NOW, config: { threshold: 2 } })).alerts,
    ).toHaveLength(1);
    const error = await runAlert(alert, store, { now: NOW, config: { threshold: 'two' } }).catch(
      (e: unknown) => e,
    );
    expect(isAlertkitError(error) && error.code).toBe('CONFIG_INVALID');
    expect((error as Error).message).toContain('alert "many-logins": invalid config: threshold:');
  });

  it('names the group when onAggregation throws', async () => {
    const failing = defineAlert({
      ...base,
      name: 'agg-fails',
      aggregate: { field: 'details.user', threshold: 1 },
      onAggregation: () => {
        throw new TypeError('no');
      },
    });
    const store = new FakeStore(logins('bob', 1));
    await expect(runAlert(failing, store, { now: NOW })).rejects.toThrow(
      'alert "agg-fails": the reaction failed for group "bob" of details.user: no',
    );
    expect(store.alerts).toHaveLength(0);
    expect(store.events[0]?._source.alert_names).toBeUndefined();
  });
});

describe('runAlert: dead-man alerts', () => {
  const alert = defineAlert({
    ...base,
    name: 'quiet-source',
    severity: 'WARNING',
    onNoEvent: ({ now, helpers }) => ({ summary: `nothing since ${helpers.isoformat(now)}` }),
  });

  it('alerts with no events when nothing matched, and tags nothing', async () => {
    const store = new FakeStore([ev({ category: 'auth' }, 600)]);
    const result = await runAlert(alert, store, { now: NOW });
    expect(store.calls).toEqual(['search size=1', `save ${alertId('quiet-source', NOW, '')}`]);
    expect(result.alerts[0]?._source).toMatchObject({
      summary: 'nothing since 2017-01-01T01:00:00+00:00',
      events: [],
      notify_mozdefbot: true,
    });
    expect(result.taggedEvents).toBe(0);
  });

  it('stays silent when an event matched, and skips plugins', async () => {
    const store = new FakeStore([ev({ category: 'auth' }, 60)]);
    expect((await runAlert(alert, store, { now: NOW })).alerts).toHaveLength(0);
    const plugins = () => {
      throw new Error('plugins must not run for dead-man alerts');
    };
    expect((await runAlert(alert, new FakeStore([]), { now: NOW, plugins })).alerts).toHaveLength(
      1,
    );
  });

  it('gives reactions the reverse-DNS helper bound to the injected resolver', async () => {
    const dns = defineAlert({
      ...base,
      name: 'dns',
      onNoEvent: async ({ helpers }) => ({ summary: await helpers.addHostnameToIp('10.2.3.4') }),
    });
    const result = await runAlert(dns, new FakeStore([]), {
      now: NOW,
      reverseDns: reverseDnsFromTable({ '10.2.3.4': 'db.internal' }),
    });
    expect(result.alerts[0]?._source.summary).toBe('10.2.3.4 (db.internal)');
  });
});
