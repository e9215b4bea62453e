import type {
  BoolClause,
  Criteria,
  EventTag,
  JsonObject,
  StoredAlert,
  StoredEvent,
} from '@alertkit/core';
import { describe, expect, it } from 'vitest';
import type { TermColumn } from './columns.js';
import { createEmbeddedStore } from './embeddedStore.js';
import { formatExplanation } from './explain.js';

const NOW = new Date('2017-01-01T01:00:00Z');
const ago = (ms: number): string => new Date(NOW.getTime() - ms).toISOString();
const event = (id: string, _source: JsonObject): StoredEvent => ({
  _index: 'events',
  _id: id,
  _source,
});
const all: BoolClause = { type: 'bool' };

describe('the time window: utctimestamp OR receivedtimestamp in [now - window, now]', () => {
  const store = createEmbeddedStore({
    events: [
      event('edge', { utctimestamp: ago(120_000) }),
      event('justOut', { utctimestamp: ago(120_001) }),
      event('now', { utctimestamp: NOW.toISOString() }),
      event('future', { utctimestamp: ago(-1) }),
      event('received', { utctimestamp: ago(3_600_000), receivedtimestamp: ago(60_000) }),
      event('offset', { utctimestamp: '2017-01-01T01:59:00+01:00' }),
      event('timestampOnly', { timestamp: ago(1000) }),
      event('old', { utctimestamp: ago(3 * 60_000) }),
    ],
  });

  it('includes both edges, uses either timestamp, reads offsets, ignores `timestamp`', async () => {
    const result = await store.search({
      criteria: { query: all, window: { minutes: 2 } },
      now: NOW,
    });
    expect(result.hits.map((h) => h._id)).toEqual(['edge', 'now', 'received', 'offset']);
    expect(result.total).toBe(4);
  });

  it('a window of seconds=10 includes 9 s old and excludes 11 s old', async () => {
    const s = createEmbeddedStore({
      events: [event('9', { utctimestamp: ago(9000) }), event('11', { utctimestamp: ago(11_000) })],
    });
    expect(
      (await s.search({ criteria: { query: all, window: { seconds: 10 } }, now: NOW })).hits.map(
        (h) => h._id,
      ),
    ).toEqual(['9']);
  });

  it('returns hits in store order even when events arrive out of time order', async () => {
    const s = createEmbeddedStore({
      events: [
        event('b', { utctimestamp: ago(10) }),
        event('a', { utctimestamp: ago(50) }),
        event('c', { receivedtimestamp: ago(30) }),
      ],
    });
    expect(
      (await s.search({ criteria: { query: all, window: { minutes: 1 } }, now: NOW })).hits.map(
        (h) => h._id,
      ),
    ).toEqual(['b', 'a', 'c']);
  });

  it('finds the window after events that lack a window field the first ones had', async () => {
    // The receivedtimestamp column ends at the last event that has one: the later events' time
    // there must read as none (a stray NaN in the sorted times broke its binary searches).
    const events = [
      event('r0', { utctimestamp: ago(3_600_000), receivedtimestamp: ago(3_600_000) }),
      event('r1', { utctimestamp: ago(3_000_000), receivedtimestamp: ago(30_000) }),
    ];
    for (let i = 0; i < 40; i++)
      events.push(event(`u${i}`, { utctimestamp: ago(((i * 7919) % 40) * 60_000) }));
    events.push(event('r2', { utctimestamp: ago(3_600_000), receivedtimestamp: ago(60_000) }));
    const store = createEmbeddedStore({ events });
    const result = await store.search({
      criteria: { query: all, window: { minutes: 5 } },
      now: NOW,
    });
    const expected = ['r1'];
    for (let i = 0; i < 40; i++) if ((i * 7919) % 40 <= 5) expected.push(`u${i}`);
    expected.push('r2');
    expect(result.hits.map((hit) => hit._id)).toEqual(expected);
  });

  it('cuts hits at size but counts them all; no window = no time restriction', async () => {
    const result = await store.search({ criteria: { query: all }, now: NOW, size: 2 });
    expect(result.hits.map((h) => h._id)).toEqual(['edge', 'justOut']);
    expect(result.total).toBe(8);
  });
});

describe('aggregate (terms aggregation, semantics §9.3)', () => {
  const sources: JsonObject[] = [
    { details: { destinationport: 443, host: 'b' } },
    { details: { destinationport: '443', host: 'a' } },
    { details: { destinationport: 22, host: ['a', 'c', 'a'] } },
    { details: { destinationport: 80, host: 'b' } },
    { details: { destinationport: 80, host: 'd' } },
    { details: { host: 'c' } },
  ];
  const store = createEmbeddedStore({ events: sources.map((s, i) => event(`e${i}`, s)) });
  const criteria = (
    field: string,
    threshold: number,
    samples = 1,
  ): Criteria & { aggregation: NonNullable<Criteria['aggregation']> } => ({
    query: all,
    aggregation: { field, threshold, samples },
  });

  it('groups indexed values: a keyword 443 and "443" are one group', async () => {
    const { buckets } = await store.aggregate({
      criteria: criteria('details.destinationport', 1),
      now: NOW,
    });
    expect(buckets.map((b) => [b.key, b.count])).toEqual([
      ['443', 2],
      ['80', 2],
      ['22', 1],
    ]);
    expect(buckets[0]?.samples.map((e) => e._id)).toEqual(['e0']);
    expect(buckets[0]?.events.map((e) => e._id)).toEqual(['e0', 'e1']);
  });

  it('counts each array element in its own group (an event once per group), count-desc then key-asc, >= threshold', async () => {
    const { buckets } = await store.aggregate({
      criteria: criteria('details.host', 2, 5),
      now: NOW,
    });
    expect(buckets.map((b) => [b.key, b.count, b.samples.map((e) => e._id)])).toEqual([
      ['a', 2, ['e1', 'e2']],
      ['b', 2, ['e0', 'e3']],
      ['c', 2, ['e2', 'e5']],
    ]);
  });

  it('cannot group by an object (a warning, no groups) or a text field (an error)', async () => {
    const warnings: string[] = [];
    const s = createEmbeddedStore({
      events: [event('x', { details: { obj: { a: 1 } }, summary: 'x' })],
      onWarning: (m) => warnings.push(m),
    });
    expect((await s.aggregate({ criteria: criteria('details.obj', 1), now: NOW })).buckets).toEqual(
      [],
    );
    expect(warnings).toEqual([
      'aggregation on "details.obj": an object is not groupable; no groups',
    ]);
    await expect(s.aggregate({ criteria: criteria('summary', 1), now: NOW })).rejects.toThrow(
      /text fields cannot be aggregated/,
    );
  });

  it('groups booleans and IPs by their typed value', async () => {
    const s = createEmbeddedStore({
      events: [
        event('1', { details: { success: true, sourceipaddress: '10.0.0.2' } }),
        event('2', { details: { success: 'true', sourceipaddress: '::ffff:10.0.0.2' } }),
        event('3', { details: { success: false, sourceipaddress: '9.0.0.1' } }),
      ],
    });
    expect(
      (await s.aggregate({ criteria: criteria('details.success', 1), now: NOW })).buckets.map(
        (b) => [b.key, b.count],
      ),
    ).toEqual([
      [true, 2],
      [false, 1],
    ]);
    expect(
      (
        await s.aggregate({ criteria: criteria('details.sourceipaddress', 1), now: NOW })
      ).buckets.map((b) => [b.key, b.count]),
    ).toEqual([
      ['10.0.0.2', 2],
      ['9.0.0.1', 1],
    ]);
  });
});

describe('tagging, alerts and persistence', () => {
  const tag: EventTag = {
    alertName: 'AlertBruteforceSsh',
    alert: { index: 'alerts-201701', id: 'a1' },
  };
  const alert = (id: string): StoredAlert => ({
    _index: 'alerts-201701',
    _id: id,
    _source: {
      utctimestamp: NOW.toISOString(),
      severity: 'NOTICE',
      summary: 's',
      category: 'c',
      tags: [],
      events: [],
      channel: null,
      notify_mozdefbot: false,
      status: 'NEW',
      classname: 'AlertX',
    },
  });

  it('appends alert_names and alerts, re-indexes, and the next search excludes tagged events', async () => {
    const store = createEmbeddedStore({
      events: [event('1', { summary: 'x', alert_names: 'Earlier' }), event('2', { summary: 'x' })],
    });
    const [before] = await store.getEvents([{ _index: 'events', _id: '1' }]);
    await store.tagEvents(
      [
        { _index: 'events', _id: '1' },
        { _index: 'events', _id: 'missing' },
      ],
      tag,
    );
    const [after] = await store.getEvents([{ _index: 'events', _id: '1' }]);
    expect(after?._source.alert_names).toEqual(['Earlier', 'AlertBruteforceSsh']);
    expect(after?._source.alerts).toEqual([{ index: 'alerts-201701', id: 'a1' }]);
    expect(before?._source.alert_names).toBe('Earlier');
    const dedup: BoolClause = {
      type: 'bool',
      mustNot: [{ type: 'match', field: 'alert_names', value: 'AlertBruteforceSsh' }],
    };
    expect(
      (await store.search({ criteria: { query: dedup }, now: NOW })).hits.map((h) => h._id),
    ).toEqual(['2']);
  });

  it('re-indexes a tagged event in place: its text where it was, the same answers as a store of the tagged events', async () => {
    const events = Array.from({ length: 40 }, (_, i) =>
      event(`e${i}`, {
        utctimestamp: ago(i * 1000),
        summary: `failed password for user${i % 4} from 10.0.0.${i}`,
        tags: i % 3 === 0 ? ['ssh', `t${i}`] : `t${i}`,
      }),
    );
    const store = createEmbeddedStore({ events });
    store.compact();
    const summary = store.index.columns.get('summary') as TermColumn;
    const pool = summary.pool;
    const refs = events.filter((_, i) => i % 2 === 0).map(({ _index, _id }) => ({ _index, _id }));
    await store.tagEvents(refs, tag);
    await store.tagEvents(refs.slice(0, 5), { ...tag, alertName: 'Again' });
    // The summaries' tokens were written where they were: the pool neither grew nor moved.
    expect(summary.pool).toBe(pool);
    const tagged = createEmbeddedStore({ events: [...store.index.allEvents()] });
    const answers = async (target: typeof store) => {
      const out: string[][] = [];
      for (const query of [
        { type: 'phrase', field: 'summary', value: 'password for user2' },
        { type: 'match', field: 'alert_names', value: 'AlertBruteforceSsh' },
        { type: 'match', field: 'alert_names', value: 'Again' },
        { type: 'term', field: 'tags', value: 'ssh' },
        { type: 'exists', field: 'alerts' },
      ] as const) {
        const { hits } = await target.search({
          criteria: { query: { type: 'bool', must: [query] } },
          now: NOW,
        });
        out.push(hits.map((hit) => hit._id).sort());
      }
      return out;
    };
    const expected = await answers(tagged);
    expect(expected.map((ids) => ids.length)).toEqual([10, 20, 5, 14, 20]);
    expect(await answers(store)).toEqual(expected);
  });

  it('saves alerts with create semantics, lists them oldest first', async () => {
    const store = createEmbeddedStore();
    expect(await store.saveAlert(alert('a1'))).toEqual({
      _index: 'alerts-201701',
      _id: 'a1',
      created: true,
    });
    expect((await store.saveAlert(alert('a1'))).created).toBe(false);
    await store.saveAlert(alert('a2'));
    expect((await store.listAlerts()).map((a) => a._id)).toEqual(['a1', 'a2']);
  });

  it('snapshots alerts and tags and restores them onto a fresh store once', async () => {
    const events = [event('1', { summary: 'x' })];
    const first = createEmbeddedStore({ events });
    await first.saveAlert(alert('a1'));
    await first.tagEvents([{ _index: 'events', _id: '1' }], tag);
    const saved = JSON.parse(JSON.stringify(first)) as ReturnType<typeof first.snapshot>;
    const second = createEmbeddedStore({ events });
    second.restore(saved);
    second.restore(saved);
    expect((await second.listAlerts()).map((a) => a._id)).toEqual(['a1']);
    expect(
      (await second.getEvents([{ _index: 'events', _id: '1' }]))[0]?._source.alert_names,
    ).toEqual(['AlertBruteforceSsh']);
    expect(() => second.restore({} as never)).toThrow(/not an embedded store snapshot/);
  });

  it('keeps alert state by scope and id, as copies, and carries it through a snapshot', async () => {
    const first = createEmbeddedStore();
    expect(await first.getState('geomodel-location', 'locality:tester1')).toBeUndefined();
    const locality = { city: 'Toronto' };
    await first.putState('geomodel-location', 'locality:tester1', { localities: [locality] });
    locality.city = 'changed after the write';
    await first.putState('other-alert', 'locality:tester1', { mine: true });
    expect(await first.getState('geomodel-location', 'locality:tester1')).toEqual({
      localities: [{ city: 'Toronto' }],
    });
    expect(await first.getState('other-alert', 'locality:tester1')).toEqual({ mine: true });
    await first.putState('geomodel-location', 'locality:tester1', { replaced: 1 });

    const saved = JSON.parse(JSON.stringify(first)) as ReturnType<typeof first.snapshot>;
    const second = createEmbeddedStore();
    second.restore(saved);
    expect(await second.getState('geomodel-location', 'locality:tester1')).toEqual({
      replaced: 1,
    });
    expect(await second.getState('other-alert', 'locality:tester1')).toEqual({ mine: true });
    // A snapshot from before alerts had state still restores.
    expect(() => createEmbeddedStore().restore({ version: 1, alerts: [], tags: [] })).not.toThrow();
    expect(() =>
      createEmbeddedStore().restore({
        version: 1,
        alerts: [],
        tags: [],
        state: [{ scope: 'x', id: 'y', document: [] as never }],
      }),
    ).toThrow(/state\[0\] must be \{scope, id, document\}/);
  });

  it('replaces an event added again with the same _index and _id, keeping its place', async () => {
    const store = createEmbeddedStore({
      events: [
        event('1', { hostname: 'a' }),
        event('2', { hostname: 'b' }),
        event('1', { hostname: 'c' }),
      ],
    });
    const result = await store.search({ criteria: { query: all }, now: NOW });
    expect(result.hits.map((h) => [h._id, h._source.hostname])).toEqual([
      ['1', 'c'],
      ['2', 'b'],
    ]);
  });
});

describe('explain', () => {
  it('says clause by clause why, with the tokens of both sides for text', () => {
    const store = createEmbeddedStore({
      events: [
        event('1', {
          summary: 'Failed password for root',
          hostname: 'web1',
          utctimestamp: ago(1000),
        }),
      ],
    });
    const explanation = store.explain(
      {
        query: {
          type: 'bool',
          must: [
            { type: 'match', field: 'summary', value: 'FAILED login' },
            { type: 'match', field: 'hostname', value: 'WEB1' },
          ],
        },
        window: { minutes: 1 },
      },
      { _index: 'events', _id: '1' },
      NOW,
    );
    expect(formatExplanation(explanation)).toBe(
      [
        '✗ criteria',
        '  ✓ window [2017-01-01T00:59:00.000Z, 2017-01-01T01:00:00.000Z] on utctimestamp OR receivedtimestamp; event utctimestamp ["2017-01-01T00:59:59.000Z"]; event receivedtimestamp []',
        '  ✗ bool',
        '    ✓ must: match summary "FAILED login"; query tokens ["failed","login"]; event summary ["failed","password","for","root"]',
        '    ✗ must: match hostname "WEB1"; event hostname ["web1"] — keyword field: the whole value must equal "WEB1" exactly (case-sensitive)',
      ].join('\n'),
    );
  });
});

describe('a bulk load (reserve, then compact)', () => {
  it('gives a field first met after the reserve room for the whole load at once', async () => {
    const store = createEmbeddedStore();
    store.ingest([event('a', { utctimestamp: ago(0), host: 'h1' })]);
    store.reserve(1000);
    store.ingest([
      event('b', { utctimestamp: ago(0), host: 'h2', late: 'x', count: 3 }),
      event('c', { utctimestamp: ago(0), late: 'y' }),
    ]);
    // Sized for the load when made (and a thirty-second more), not grown step by step from a
    // few documents.
    expect(store.index.columns.get('late')?.single.length).toBe(1032);
    expect(store.index.columns.get('count')?.single.length).toBe(1032);
    const late = await store.search({
      criteria: {
        query: {
          type: 'bool',
          should: [
            { type: 'match', field: 'late', value: 'y' },
            { type: 'match', field: 'count', value: 3 },
          ],
        },
        window: { minutes: 1 },
      },
      now: NOW,
    });
    expect(late.hits.map((h) => h._id)).toEqual(['b', 'c']);
    // Once the load is done, the room not used is given back; more events grow it as before.
    store.compact();
    expect(store.index.columns.get('late')?.single.length).toBe(3);
    store.ingest([event('d', { late: 'z', other: 'o' })]);
    expect(store.index.columns.get('other')?.single.length).toBeLessThan(1000);
  });

  it('holds a load a little larger than expected without copying a column, and keeps that room', () => {
    const store = createEmbeddedStore();
    const many = (from: number, count: number): StoredEvent[] =>
      Array.from({ length: count }, (_, i) =>
        event(`m${from + i}`, {
          utctimestamp: ago(from + i),
          host: `h${(from + i) % 7}`,
          summary: `login ${from + i} failed`,
        }),
      );
    store.ingest(many(0, 100));
    expect(store.reserve(2000)).toBe(2063);
    const arrays = (): ArrayBufferLike[] =>
      [...store.index.columns.values()].flatMap((column) =>
        'pool' in column ? [column.single.buffer, column.pool.buffer] : [column.single.buffer],
      );
    const before = arrays();
    // 2% more than expected: within the room reserved; compacting keeps it rather than copying.
    store.ingest(many(100, 1940));
    store.compact();
    expect(store.size).toBe(2040);
    expect(arrays()).toHaveLength(before.length);
    expect(arrays().every((buffer, i) => buffer === before[i])).toBe(true);
    // Far less than reserved: compacting gives the room back.
    const small = createEmbeddedStore();
    small.ingest(many(0, 100));
    small.reserve(2000);
    small.compact();
    expect(small.index.columns.get('host')?.single.length).toBe(100);
  });
});
