import { describe, expect, it } from 'vitest';
import { defineAlert, type StoredEvent } from '@alertkit/core';
import { exists, match, search, subnet, terms, wildcard } from './builder.js';
import { explainAlert, formatAlertExplanation } from './explainAlert.js';

const NOW = new Date('2017-01-01T01:00:00Z');

function event(id: string, source: Record<string, unknown>, secondsAgo = 30): StoredEvent {
  const at = new Date(NOW.getTime() - secondsAgo * 1000).toISOString();
  return { _index: 'events', _id: id, _source: { utctimestamp: at, ...source } };
}

function eventAlert(criteria: ReturnType<typeof search>) {
  return defineAlert({
    name: 'probe',
    description: 'd',
    severity: 'NOTICE',
    category: 'test',
    criteria,
    onEvent: (e) => ({ summary: `hit ${e._id}` }),
  });
}

/** The explanation lines of one event (text, no colour). */
async function linesFor(criteria: ReturnType<typeof search>, events: StoredEvent[], id: string) {
  const x = await explainAlert(eventAlert(criteria), events, { now: NOW, eventIds: [id] });
  return formatAlertExplanation(x).split('\n');
}

describe('explainAlert', () => {
  it('says when the analyser is the answer: a terms value in upper case on the analysed summary', async () => {
    const events = [event('a', { summary: 'Failed Login for bob' })];
    const lines = await linesFor(
      search({ minutes: 5 }).must(terms('summary', ['Login'])),
      events,
      'a',
    );
    expect(lines).toContain(
      '        ✗ must: terms summary ["Login"]; event summary ["failed","login","for","bob"] — terms does not analyse its value: "Login" is compared as is with the analysed tokens of text field summary (lower case, one word each), so it can never match; use match/phrase, or lower case single words',
    );
    // The lower-case value matches the same event.
    const fixed = await explainAlert(
      eventAlert(search({ minutes: 5 }).must(terms('summary', ['login']))),
      events,
      { now: NOW },
    );
    expect(fixed.events[0]?.matched).toBe(true);
    expect(fixed.alerts.map((a) => a._source.summary)).toEqual(['hit a']);
  });

  it('shows the analysed tokens of both sides of a match, the terms a wildcard was tried on, and CIDR containment', async () => {
    const events = [
      event('a', {
        summary: 'Accepted publickey',
        hostname: 'db1.example.org',
        details: { sourceipaddress: '192.168.1.7' },
      }),
    ];
    const criteria = search({ minutes: 5 }).must(
      match('summary', 'Failed password'),
      wildcard('hostname', 'web*'),
      subnet('details.sourceipaddress', '10.0.0.0/8'),
    );
    const lines = await linesFor(criteria, events, 'a');
    expect(lines).toContain(
      '        ✗ must: match summary "Failed password"; query tokens ["failed","password"]; event summary ["accepted","publickey"] — no query token is among the event\'s tokens',
    );
    expect(lines).toContain(
      '        ✗ must: wildcard hostname "web*"; event hostname ["db1.example.org"] — the wildcard matches none of the event\'s 1 indexed term(s)',
    );
    expect(lines).toContain(
      '        ✗ must: subnet details.sourceipaddress 10.0.0.0/8; event details.sourceipaddress ["192.168.1.7"] — 192.168.1.7 is not in 10.0.0.0/8',
    );
  });

  it('gives the window bounds with the event timestamp, a missing field, and a value that does not parse as its type', async () => {
    const events = [event('old', { summary: 'x', details: {} }, 3600)];
    const criteria = search({ minutes: 5 }).must(
      exists('details.sourceipaddress'),
      match('details.success', 'yes'),
    );
    const x = await explainAlert(eventAlert(criteria), events, { now: NOW });
    expect(x.window).toEqual({ from: '2017-01-01T00:55:00.000Z', to: '2017-01-01T01:00:00.000Z' });
    const text = formatAlertExplanation(x);
    expect(text).toContain(
      '      ✗ window [2017-01-01T00:55:00.000Z, 2017-01-01T01:00:00.000Z] on utctimestamp OR receivedtimestamp; event utctimestamp ["2017-01-01T00:00:00.000Z"]; event receivedtimestamp [] — the event is older than the window',
    );
    expect(text).toContain(
      '        ✗ must: exists details.sourceipaddress; event details.sourceipaddress [] — the event has no details.sourceipaddress',
    );
    expect(text).toMatch(/✗ must: match details\.success "yes".*"yes" does not parse as boolean/);
    expect(x.alerts).toEqual([]);
  });

  it('lists the groups of an aggregation against the threshold, and the events outside the window', async () => {
    const alert = defineAlert({
      name: 'many',
      description: 'd',
      severity: 'NOTICE',
      category: 'test',
      criteria: search({ minutes: 2 }).must(match('category', 'auth')),
      aggregate: { field: 'details.username', threshold: 3 },
      onAggregation: (g) => ({ summary: `${g.count} for ${String(g.value)}` }),
    });
    const events = [
      ...['1', '2', '3'].map((n) =>
        event(`bob${n}`, { category: 'auth', details: { username: 'bob' } }),
      ),
      event('eve1', { category: 'auth', details: { username: 'eve' } }),
      event('eve2', { category: 'auth', details: { username: 'eve' } }, 600),
    ];
    const x = await explainAlert(alert, events, { now: NOW });
    expect(x.aggregation).toEqual({
      field: 'details.username',
      threshold: 3,
      samples: 5,
      groups: [
        { key: 'bob', count: 3, alerts: true, events: ['bob1', 'bob2', 'bob3'] },
        { key: 'eve', count: 1, alerts: false, events: ['eve1'] },
      ],
      outsideWindow: ['eve2'],
    });
    expect(x.alerts.map((a) => a._source.summary)).toEqual(['3 for bob']);
    const text = formatAlertExplanation(x);
    expect(text).toContain('  "bob": 3 event(s) >= 3: alerts [bob1, bob2, bob3]');
    expect(text).toContain('  "eve": 1 event(s) < 3: no alert [eve1]');
    expect(text).toContain('  matched every clause but outside the window: eve2');
    expect(text).toContain('  NOTICE AlertMany: 3 for bob (3 event(s))');
  });

  it('says whether a dead-man alert fires, and colours marks only when asked', async () => {
    const deadman = defineAlert({
      name: 'quiet',
      description: 'd',
      severity: 'ERROR',
      category: 'deadman',
      criteria: search({ minutes: 5 }).must(match('category', 'heartbeat')),
      onNoEvent: () => ({ summary: 'no heartbeat' }),
    });
    const x = await explainAlert(deadman, [event('a', { category: 'other' })], { now: NOW });
    const plain = formatAlertExplanation(x);
    expect(plain).toContain('dead-man: no event matched in the window, so it fires');
    expect(plain).not.toContain('\u001b[');
    expect(formatAlertExplanation(x, { color: true })).toContain('\u001b[31m✗\u001b[39m');
    expect(x.alerts.map((a) => a._source.summary)).toEqual(['no heartbeat']);
  });
});
