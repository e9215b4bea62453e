/**
 * The run-time preparation step of an alert (`prepare`: one search per returned config) and the
 * `now` criteria functions receive.
 */
import { describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import type { StoredAlert } from './alertDocument.js';
import { stderrAlertLogger, type AlertLogger } from './alertLogger.js';
import { defineAlert } from './defineAlert.js';
import { isAlertkitError } from './errors.js';
import type { JsonObject, StoredEvent } from './event.js';
import type { Clause } from './query.js';
import { alertId, runAlert } from './runAlert.js';
import { runCriteria } from './runCriteria.js';
import type { AggregateRequest, SearchRequest, Store } from './store.js';

/** A minimal `Store`: exact `match` on top-level keys and arrays, `bool`, `range lt` on times; no window. */
class TinyStore implements Store {
  readonly events: StoredEvent[];
  readonly alerts: StoredAlert[] = [];
  readonly searches: SearchRequest[] = [];
  constructor(sources: JsonObject[]) {
    this.events = sources.map((source, i) => ({ _index: 'events', _id: `e${i}`, _source: source }));
  }
  #matching(request: SearchRequest): StoredEvent[] {
    this.searches.push(request);
    return this.events.filter((e) => holds(request.criteria.query, e._source));
  }
  search(request: SearchRequest) {
    const hits = this.#matching(request);
    return Promise.resolve({ hits, total: hits.length });
  }
  aggregate(request: AggregateRequest) {
    const { field, threshold, samples } = request.criteria.aggregation;
    const groups = new Map<string, StoredEvent[]>();
    for (const e of this.#matching(request)) {
      const value = e._source[field];
      const key = typeof value === 'string' ? value : JSON.stringify(value);
      groups.set(key, [...(groups.get(key) ?? []), e]);
    }
    return Promise.resolve({
      buckets: [...groups]
        .map(([key, events]) => ({
          key,
          count: events.length,
          samples: events.slice(0, samples),
          events,
        }))
        .filter((b) => b.count >= threshold),
    });
  }
  tagEvents(refs: readonly { _id: string }[], tag: { alertName: string }) {
    for (const ref of refs) {
      const source = this.events.find((e) => e._id === ref._id)?._source;
      if (source)
        source.alert_names = [
          ...((source.alert_names as string[] | undefined) ?? []),
          tag.alertName,
        ];
    }
    return Promise.resolve();
  }
  saveAlert(alert: StoredAlert) {
    const created = !this.alerts.some((a) => a._id === alert._id);
    if (created) this.alerts.push(alert);
    return Promise.resolve({ _index: 'alerts', _id: alert._id, created });
  }
  getEvents(refs: readonly { _id: string }[]) {
    return Promise.resolve(this.events.filter((e) => refs.some((r) => r._id === e._id)));
  }
  listAlerts() {
    return Promise.resolve(this.alerts);
  }
}

function holds(clause: Clause, source: JsonObject): boolean {
  if (clause.type === 'match') {
    const v = source[clause.field];
    return Array.isArray(v) ? v.includes(clause.value) : v === clause.value;
  }
  if (clause.type === 'exists') return source[clause.field] !== undefined;
  if (clause.type === 'matchNone') return false;
  if (clause.type === 'range')
    return Date.parse(source[clause.field] as string) < Date.parse(clause.lt as string);
  if (clause.type === 'bool')
    return (
      (clause.must ?? []).every((c) => holds(c, source)) &&
      !(clause.mustNot ?? []).some((c) => holds(c, source))
    );
  throw new Error(`TinyStore cannot evaluate ${clause.type}`);
}

const NOW = new Date('2017-01-01T01:00:00Z');
const base = { description: 'test alert', severity: 'NOTICE', category: 'test' } as const;
const matching = (field: string, value: string) => ({
  query: { type: 'bool' as const, must: [{ type: 'match' as const, field, value }] },
});

/** A logger that keeps what it is told. */
function collectingLogger(): AlertLogger & { lines: string[] } {
  const lines: string[] = [];
  return {
    lines,
    warn: (details, message) => lines.push(`warn ${message} ${JSON.stringify(details)}`),
    error: (details, message) => lines.push(`error ${message} ${JSON.stringify(details)}`),
  };
}

describe('criteria functions get the run’s now', () => {
  const alert = defineAlert({
    ...base,
    name: 'old-things',
    criteria: (_config, { now }) => ({
      query: {
        type: 'bool',
        must: [
          {
            type: 'range',
            field: 'utctimestamp',
            lt: new Date(now.getTime() - 86_400_000).toISOString(),
          },
        ],
      },
    }),
    onEvent: (event) => ({ summary: `old ${event._id}` }),
  });

  it('bounds relative to now follow the run, not the wall clock', async () => {
    const store = new TinyStore([
      { utctimestamp: '2016-12-30T00:00:00Z' },
      { utctimestamp: '2016-12-31T12:00:00Z' },
    ]);
    const result = await runAlert(alert, store, { now: NOW, log: collectingLogger() });
    expect(result.alerts.map((a) => a._source.summary)).toEqual(['old e0']);
    expect(result.criteria.query.must?.[0]).toMatchObject({ lt: '2016-12-31T01:00:00.000Z' });
  });

  it('runCriteria without a context uses the current time (alertkit validate)', () => {
    const before = Date.now();
    const clause = runCriteria(alert, {}).query.must?.[0];
    expect(clause?.type).toBe('range');
    const bound = Date.parse(String(clause?.type === 'range' ? clause.lt : ''));
    expect(bound).toBeGreaterThanOrEqual(before - 86_400_000);
    expect(runCriteria(alert, {}, { now: NOW }).query.must?.[0]).toMatchObject({
      lt: '2016-12-31T01:00:00.000Z',
    });
  });
});

describe('prepare: one search per returned config', () => {
  const configSchema = z.object({
    words: z.array(z.string()).default(['alpha', 'beta']),
    word: z.string().optional(),
  });
  const alert = defineAlert({
    ...base,
    name: 'words',
    config: configSchema,
    prepare: (config, { now, log }) => {
      log.warn({ now: now.toISOString() }, 'preparing');
      return config.words.map((word) => ({ ...config, word }));
    },
    criteria: (config) =>
      config.word === undefined
        ? { query: { type: 'bool', must: [{ type: 'matchNone' }] } }
        : matching('tags', config.word),
    onEvent: (event, { config }) => ({ summary: `${config.word ?? '?'} in ${event._id}` }),
  });

  it('searches each entry in order with its config; an event found by one entry is not found again', async () => {
    const store = new TinyStore([
      { tags: ['alpha', 'beta'] },
      { tags: ['beta'] },
      { tags: ['gamma'] },
    ]);
    const log = collectingLogger();
    const result = await runAlert(alert, store, { now: NOW, log });
    expect(result.alerts.map((a) => a._source.summary)).toEqual(['alpha in e0', 'beta in e1']);
    expect(result.searches.map((c) => c.query.must)).toEqual([
      [{ type: 'match', field: 'tags', value: 'alpha' }],
      [{ type: 'match', field: 'tags', value: 'beta' }],
    ]);
    // The second search carries the de-duplication clause and so skips e0, tagged by the first.
    expect(result.searches[1]?.query.mustNot).toEqual([
      { type: 'match', field: 'alert_names', value: 'AlertWords' },
    ]);
    expect(result.criteria).toEqual(result.searches[0]);
    expect(result.matched).toBe(2);
    expect(log.lines).toEqual(['warn preparing {"now":"2017-01-01T01:00:00.000Z"}']);
  });

  it('gets the installation config, validated, before preparing', async () => {
    const store = new TinyStore([{ tags: ['gamma'] }]);
    const result = await runAlert(alert, store, {
      now: NOW,
      config: { words: ['gamma'] },
      log: collectingLogger(),
    });
    expect(result.alerts.map((a) => a._source.summary)).toEqual(['gamma in e0']);
    await expect(
      runAlert(alert, store, { now: NOW, config: { words: 'gamma' }, log: collectingLogger() }),
    ).rejects.toThrow(/words: /);
  });

  it('an empty list searches nothing and raises nothing', async () => {
    const store = new TinyStore([{ tags: ['alpha'] }]);
    const result = await runAlert(alert, store, {
      now: NOW,
      config: { words: [] },
      log: collectingLogger(),
    });
    expect(result.alerts).toEqual([]);
    expect(result.searches).toEqual([]);
    expect(store.searches).toEqual([]);
    expect(result.criteria.query.must).toEqual([{ type: 'matchNone' }]);
  });

  it('a throwing prepare fails the run as PREPARE_FAILED, naming the alert, and writes nothing', async () => {
    const failing = defineAlert({
      ...base,
      name: 'failing',
      prepare: () => Promise.reject(new Error('list server down')),
      criteria: matching('tags', 'x'),
      onEvent: () => ({ summary: 's' }),
    });
    const store = new TinyStore([{ tags: ['x'] }]);
    const error: unknown = await runAlert(failing, store, {
      now: NOW,
      log: collectingLogger(),
    }).catch((e: unknown) => e);
    expect(isAlertkitError(error) && error.code).toBe('PREPARE_FAILED');
    expect((error as Error).message).toBe('alert "failing": prepare failed: list server down');
    expect((error as Error).cause).toEqual(new Error('list server down'));
    expect(store.searches).toEqual([]);
    expect(store.alerts).toEqual([]);
  });

  it('a prepare that returns no list fails the run', async () => {
    const broken = defineAlert({
      ...base,
      name: 'broken',
      // A plain-JavaScript alert can return anything.
      prepare: (() => 'alpha') as unknown as () => never[],
      criteria: matching('tags', 'x'),
      onEvent: () => ({ summary: 's' }),
    });
    await expect(runAlert(broken, new TinyStore([]), { now: NOW })).rejects.toThrow(
      'alert "broken": prepare must return a list of configs, got string',
    );
  });

  it('gives two searches of one run distinct alert ids for the same group (aggregation)', async () => {
    const grouped = defineAlert({
      ...base,
      name: 'grouped',
      config: configSchema,
      prepare: (config) => config.words.map((word) => ({ ...config, word })),
      criteria: (config) => matching('kind', config.word ?? ''),
      aggregate: { field: 'host', threshold: 1 },
      onAggregation: (group, { config }) => ({
        summary: `${config.word ?? '?'} on ${String(group.value)}`,
      }),
    });
    const store = new TinyStore([
      { kind: 'alpha', host: 'h1' },
      { kind: 'beta', host: 'h1' },
    ]);
    const result = await runAlert(grouped, store, { now: NOW, log: collectingLogger() });
    expect(result.alerts.map((a) => a._source.summary)).toEqual(['alpha on h1', 'beta on h1']);
    const ids = result.alerts.map((a) => a._id);
    expect(new Set(ids).size).toBe(2);
    expect(result.existingIds).toEqual([]);
    expect(ids).not.toContain(alertId('grouped', NOW, 'group:"h1"'));
    // The same tick again: the same ids (deterministic), whatever the key order of the configs.
    const again = await runAlert(
      grouped,
      new TinyStore(store.events.map((e) => ({ ...e._source, alert_names: [] }))),
      {
        now: NOW,
        log: collectingLogger(),
      },
    );
    expect(again.alerts.map((a) => a._id)).toEqual(ids);
  });

  it('runs one dead-man check per entry, each its own alert', async () => {
    const quiet = defineAlert({
      ...base,
      name: 'quiet-sources',
      config: configSchema,
      prepare: (config) => config.words.map((word) => ({ ...config, word })),
      criteria: (config) => matching('source', config.word ?? ''),
      onNoEvent: ({ config }) => ({ summary: `no events from ${config.word ?? '?'}` }),
    });
    const store = new TinyStore([{ source: 'beta' }]);
    const result = await runAlert(quiet, store, {
      now: NOW,
      config: { words: ['alpha', 'beta', 'gamma'] },
      log: collectingLogger(),
    });
    expect(result.alerts.map((a) => a._source.summary)).toEqual([
      'no events from alpha',
      'no events from gamma',
    ]);
    expect(result.alerts[0]?._id).not.toBe(result.alerts[1]?._id);
  });

  it('is refused when it is not a function', () => {
    expect(() =>
      defineAlert({
        ...base,
        name: 'bad-prepare',
        prepare: 'fetch' as unknown as () => never[],
        criteria: matching('tags', 'x'),
        onEvent: () => null,
      }),
    ).toThrow(
      'alert "bad-prepare": prepare must be a function of the config returning the configs to search with',
    );
  });
});

describe('logging', () => {
  it('reactions get the logger; without one, runAlert writes to stderr naming the alert', async () => {
    const noisy = defineAlert({
      ...base,
      name: 'noisy',
      criteria: matching('tags', 'x'),
      onEvent: (event, { log }) => {
        log.error({ event: event._id }, 'skipped an event');
        return null;
      },
    });
    const log = collectingLogger();
    await runAlert(noisy, new TinyStore([{ tags: ['x'] }]), { now: NOW, log });
    expect(log.lines).toEqual(['error skipped an event {"event":"e0"}']);

    const write = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    await runAlert(noisy, new TinyStore([{ tags: ['x'] }]), { now: NOW });
    expect(write).toHaveBeenCalledWith('error alert "noisy": skipped an event {"event":"e0"}\n');
  });

  it('the stderr logger prints errors by name and message, and messages without details bare', () => {
    const write = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    const log = stderrAlertLogger('a');
    log.warn({}, 'plain');
    log.error({ err: new TypeError('boom') }, 'failed');
    expect(write.mock.calls.map(([line]) => line)).toEqual([
      'warn alert "a": plain\n',
      'error alert "a": failed {"err":{"name":"TypeError","message":"boom"}}\n',
    ]);
  });
});
