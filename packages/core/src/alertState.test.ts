/**
 * An alert's own state (`context.state`, kept by the store between runs) and `afterRun`.
 */
import { describe, expect, it } from 'vitest';
import type { StoredAlert } from './alertDocument.js';
import type { AlertLogger } from './alertLogger.js';
import { createAlertState } from './alertState.js';
import { defineAlert } from './defineAlert.js';
import { isAlertkitError } from './errors.js';
import type { JsonObject, StoredEvent } from './event.js';
import { runAlert } from './runAlert.js';
import type { Store } from './store.js';

const quiet: AlertLogger = { warn: () => undefined, error: () => undefined };

/** Every event matches; alerts and state are kept in memory; `failSearch` makes search throw. */
class MemoryStore implements Store {
  readonly alerts: StoredAlert[] = [];
  readonly state = new Map<string, JsonObject>();
  readonly calls: string[] = [];
  failSearch = false;
  constructor(readonly events: StoredEvent[]) {}
  search() {
    this.calls.push('search');
    if (this.failSearch) return Promise.reject(new Error('cluster down'));
    return Promise.resolve({ hits: this.events, total: this.events.length });
  }
  aggregate() {
    return Promise.resolve({ buckets: [] });
  }
  tagEvents() {
    return Promise.resolve();
  }
  saveAlert(alert: StoredAlert) {
    this.calls.push('saveAlert');
    this.alerts.push(alert);
    return Promise.resolve({ _index: alert._index, _id: alert._id, created: true });
  }
  getEvents() {
    return Promise.resolve([]);
  }
  listAlerts() {
    return Promise.resolve(this.alerts);
  }
  getState(scope: string, id: string) {
    this.calls.push(`getState ${scope} ${id}`);
    return Promise.resolve(this.state.get(`${scope}/${id}`));
  }
  putState(scope: string, id: string, document: JsonObject) {
    this.calls.push(`putState ${scope} ${id}`);
    this.state.set(`${scope}/${id}`, structuredClone(document));
    return Promise.resolve();
  }
}

const event = (id: string, user: string): StoredEvent => ({
  _index: 'events',
  _id: id,
  _source: { utctimestamp: '2017-01-01T01:00:00+00:00', details: { username: user } },
});

/** Alerts on a user seen for the first time, remembering users in its state; counts its runs. */
const firstSeen = defineAlert({
  name: 'first-seen',
  description: 'A user seen for the first time',
  severity: 'INFO',
  category: 'test',
  criteria: { query: { type: 'bool', must: [{ type: 'exists', field: 'details.username' }] } },
  async onEvent(e, { state }) {
    const user = JSON.stringify((e._source.details as JsonObject).username);
    if (await state.get(`user:${user}`)) return null;
    await state.put(`user:${user}`, { seen: e._source.utctimestamp ?? null });
    return { summary: `${user} seen for the first time` };
  },
  async afterRun(_config, { state, now }) {
    const runs = (await state.get('runs'))?.count;
    await state.put('runs', {
      count: (typeof runs === 'number' ? runs : 0) + 1,
      last: now.toISOString(),
    });
  },
});

const now = new Date('2017-01-01T01:00:00Z');

describe('alert state', () => {
  it("lets reactions read and write documents that outlive the run, in the alert's own scope", async () => {
    const store = new MemoryStore([event('1', 'alice'), event('2', 'alice'), event('3', 'bob')]);
    const first = await runAlert(firstSeen, store, { now, log: quiet });
    expect(first.alerts.map((a) => a._source.summary)).toEqual([
      '"alice" seen for the first time',
      '"bob" seen for the first time',
    ]);
    expect([...store.state.keys()].sort()).toEqual([
      'first-seen/runs',
      'first-seen/user:"alice"',
      'first-seen/user:"bob"',
    ]);
    const second = await runAlert(firstSeen, store, {
      now: new Date('2017-01-01T01:01:00Z'),
      log: quiet,
    });
    expect(second.alerts).toEqual([]);
    expect(store.state.get('first-seen/runs')).toEqual({
      count: 2,
      last: '2017-01-01T01:01:00.000Z',
    });
  });

  it('runs afterRun once, after the alerts are saved, and not when a search failed', async () => {
    const store = new MemoryStore([event('1', 'carol')]);
    await runAlert(firstSeen, store, { now, log: quiet });
    expect(store.calls.filter((c) => !c.startsWith('getState'))).toEqual([
      'search',
      'putState first-seen user:"carol"',
      'saveAlert',
      'putState first-seen runs',
    ]);
    store.failSearch = true;
    await expect(runAlert(firstSeen, store, { now, log: quiet })).rejects.toThrow('cluster down');
    expect(store.state.get('first-seen/runs')).toEqual({ count: 1, last: now.toISOString() });
  });

  it('fails the run with AFTER_RUN_FAILED naming the alert, keeping the alerts it saved', async () => {
    const broken = defineAlert({
      ...firstSeen,
      afterRun() {
        throw new Error('state index is read-only');
      },
    });
    const store = new MemoryStore([event('1', 'dave')]);
    const error: unknown = await runAlert(broken, store, { now, log: quiet }).catch(
      (e: unknown) => e,
    );
    expect(isAlertkitError(error) && error.code).toBe('AFTER_RUN_FAILED');
    expect((error as Error).message).toBe(
      'alert "first-seen": afterRun failed: state index is read-only',
    );
    expect(store.alerts).toHaveLength(1);
  });

  it('rejects with STORE_UNAVAILABLE on a store that keeps no state, and refuses bad ids and documents', async () => {
    const plain = new MemoryStore([event('1', 'erin')]);
    // A store written before the state API: the six required methods only.
    const withoutState: Store = {
      search: () => plain.search(),
      aggregate: () => plain.aggregate(),
      tagEvents: () => plain.tagEvents(),
      saveAlert: (alert) => plain.saveAlert(alert),
      getEvents: () => plain.getEvents(),
      listAlerts: () => plain.listAlerts(),
    };
    const error: unknown = await runAlert(firstSeen, withoutState, { now, log: quiet }).catch(
      (e: unknown) => e,
    );
    expect(isAlertkitError(error) && error.code).toBe('REACTION_FAILED');
    const cause = (error as Error).cause;
    expect(isAlertkitError(cause) && cause.code).toBe('STORE_UNAVAILABLE');
    expect((cause as Error).message).toBe(
      'alert "first-seen": this store keeps no alert state (it has no getState/putState)',
    );

    const state = createAlertState(new MemoryStore([]), 'first-seen');
    await expect(state.get('')).rejects.toThrow(/id must be a non-empty string, got ""/);
    await expect(state.put('x', [] as never)).rejects.toThrow(/"x" must be a JSON object/);
  });
});
