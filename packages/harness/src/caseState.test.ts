/**
 * A case's starting state (`positive(..., { state })`, `negative(..., { state })`): what the
 * alert's `context.state` answers in the run, in the alert's own scope.
 */
import { defineAlert } from '@alertkit/core';
import { exists, search } from '@alertkit/query';
import { describe, expect, it } from 'vitest';
import { negative, positive } from './cases.js';
import { runAlertCase } from './runCase.js';

/** Alerts on a user it has no `known:<user>` document for, and remembers them. */
const newUser = defineAlert({
  name: 'new-user',
  description: 'A user not seen before',
  severity: 'INFO',
  category: 'test',
  criteria: search({ minutes: 5 }).must(exists('details.username')),
  aggregate: { field: 'details.username', threshold: 1 },
  async onAggregation(group, { state }) {
    const id = `known:${String(group.value)}`;
    if (await state.get(id)) return null;
    await state.put(id, { since: 'now' });
    return { summary: `new user ${String(group.value)}` };
  },
});

const login = { _source: { details: { username: 'bob' } } };

describe('case state', () => {
  it('pre-loads the documents a case gives, so the alert sees them', async () => {
    await runAlertCase(newUser, {}, positive('bob is new', [login], { summary: 'new user bob' }));
    const run = await runAlertCase(
      newUser,
      {},
      negative('bob is known', [login], { state: { 'known:bob': { since: 'earlier' } } }),
    );
    expect(await run.store.getState('new-user', 'known:bob')).toEqual({ since: 'earlier' });
    await expect(
      runAlertCase(
        newUser,
        {},
        negative("another alert's state is not ours", [login], { state: { 'known:alice': {} } }),
      ),
    ).rejects.toThrow(/expected no alert, but 1 fired/);
  });

  it('copies the state at construction and refuses documents that are not objects', () => {
    const state = { 'known:bob': { since: 'earlier' } };
    const testCase = negative('bob is known', [login], { state });
    state['known:bob'].since = 'changed';
    expect(testCase.state).toEqual({ 'known:bob': { since: 'earlier' } });
    expect(() => negative('bad', [login], { state: { 'known:bob': [] as never } })).toThrow(
      'case "bad": state["known:bob"] must be a JSON object under a non-empty id',
    );
  });
});
