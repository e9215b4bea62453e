import { describe, expect, it } from 'vitest';
import { evaluate, explain } from './evaluate.js';
import { formatExplanation } from './explain.js';
import { parseMapping } from './mapping.js';

const event = {
  _index: 'events',
  _id: '1',
  _source: {
    summary: 'Accepted publickey for bob',
    utctimestamp: '2017-01-01T00:00:30Z',
    details: { n: 5 },
  },
};

describe('evaluate / explain on one event', () => {
  it('evaluates clauses and criteria (with the window resolved against now)', () => {
    expect(evaluate({ type: 'phrase', field: 'summary', value: 'publickey for' }, event)).toBe(
      true,
    );
    const criteria = {
      query: {
        type: 'bool' as const,
        must: [{ type: 'match' as const, field: 'summary', value: 'bob' }],
      },
      window: { minutes: 1 },
    };
    expect(evaluate(criteria, event, { now: new Date('2017-01-01T00:01:00Z') })).toBe(true);
    expect(evaluate(criteria, event, { now: new Date('2017-01-01T00:02:00Z') })).toBe(false);
  });

  it('never grows the caller mapping', () => {
    const mapping = parseMapping({ mappings: { properties: { summary: { type: 'text' } } } });
    expect(evaluate({ type: 'match', field: 'details.n', value: 5 }, event, { mapping })).toBe(
      true,
    );
    expect(mapping.get('details.n')).toBeUndefined();
  });

  it('explains why not', () => {
    const why = explain(
      {
        query: { type: 'bool', mustNot: [{ type: 'match', field: 'summary', value: 'BOB' }] },
        window: { minutes: 1 },
      },
      event,
      { now: new Date('2017-01-01T00:01:00Z') },
    );
    expect(formatExplanation(why)).toBe(
      [
        '✗ criteria',
        '  ✓ window [2017-01-01T00:00:00.000Z, 2017-01-01T00:01:00.000Z] on utctimestamp OR receivedtimestamp',
        '  ✗ bool',
        '    ✗ must_not: match summary "BOB" (matched, so the event is excluded); query tokens ["bob"]; event summary ["accepted","publickey","for","bob"]',
      ].join('\n'),
    );
  });
});

describe('explain a query string', () => {
  it('shows the clauses the query string stands for', () => {
    const why = explain(
      { type: 'queryString', query: 'summary:"publickey for" AND NOT hostname:web*' },
      event,
    );
    expect(why.matched).toBe(true);
    expect(why.children?.[0]?.children?.map((c) => [c.role, c.clause, c.matched])).toEqual([
      ['must', 'phrase summary "publickey for"', true],
      ['mustNot', 'prefix hostname "web"', false],
    ]);
  });
});
