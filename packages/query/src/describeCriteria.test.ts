import type { Clause } from '@alertkit/core';
import { describe, expect, it } from 'vitest';
import {
  allOf,
  anyOf,
  bool,
  exists,
  lessThan,
  match,
  not,
  phrase,
  prefix,
  queryString,
  range,
  regexp,
  search,
  subnet,
  terms,
  wildcard,
} from './builder.js';
import {
  clausesEqual,
  criteriaEqual,
  describeClause,
  describeCriteria,
} from './describeCriteria.js';

describe('describeCriteria', () => {
  it('renders criteria on one line: query, window, aggregation', () => {
    const criteria = search({ minutes: 2 })
      .must(match('category', 'syslog'), phrase('summary', 'failed password'))
      .mustNot(subnet('details.sourceipaddress', '10.0.0.0/8'))
      .aggregate('details.sourceipaddress', { threshold: 10, samples: 10 });
    const text =
      'category:syslog AND summary:"failed password" AND NOT details.sourceipaddress:"10.0.0.0/8" within last 2m, by details.sourceipaddress >= 10 (10 samples)';
    expect(describeCriteria(criteria.build())).toBe(text);
    expect(String(criteria)).toBe(text);
  });

  it('renders every matcher, escaping values', () => {
    const cases: [Clause, string][] = [
      [match('details.user', 'a:b OR *'), 'details.user:a\\:b\\ OR\\ \\*'],
      [match('summary', 'a b', { operator: 'and' }), 'summary:a\\ b (all words)'],
      [match('details.destinationport', 443), 'details.destinationport:443'],
      [terms('summary', ['login', 'invalid']), 'summary:(login OR invalid)'],
      [phrase('summary', 'say "hi"', { slop: 2 }), 'summary:"say \\"hi\\""~2'],
      [wildcard('details.actor', '*bind (x)*'), 'details.actor:*bind\\ \\(x\\)*'],
      [prefix('hostname', 'web-'), 'hostname:web\\-*'],
      [regexp('hostname', 'a/b.*'), 'hostname:/a\\/b.*/'],
      [exists('details.x'), '_exists_:details.x'],
      [
        range('utctimestamp', '2017-01-01T00:00:00+00:00', '2017-01-02T00:00:00+00:00'),
        'utctimestamp:[2017-01-01T00:00:00+00:00 TO 2017-01-02T00:00:00+00:00]',
      ],
      [lessThan('n', 5), 'n:{* TO 5}'],
      [range('n', { gt: 1 }), 'n:{1 TO *}'],
      [queryString('summary: veth*'), '(summary: veth*)'],
      [{ type: 'term', field: 'hostname', value: 'h' }, 'hostname:=h'],
      [{ type: 'matchAll' }, '*:*'],
      [{ type: 'matchNone' }, 'NOT *:*'],
    ];
    for (const [clause, text] of cases) expect(describeClause(clause)).toBe(text);
  });

  it('renders composition with parentheses where needed and the ES 7 meaning of should', () => {
    const [A, B, C] = [match('a', 1), match('b', 2), match('c', 3)];
    expect(describeClause(allOf(anyOf(A, B), C))).toBe('c:3 AND (a:1 OR b:2)');
    expect(describeClause(allOf(A, anyOf(B, C)))).toBe('a:1 AND (b:2 OR c:3)');
    expect(describeClause(anyOf(allOf(A, B), not(C)))).toBe('(a:1 AND b:2) OR NOT c:3');
    expect(describeClause(bool({ should: [A, B, C], minimumShouldMatch: 2 }))).toBe(
      'at least 2 of (a:1, b:2, c:3)',
    );
    expect(describeClause({ type: 'bool', must: [A], should: [B] })).toBe(
      'a:1 AND optionally (b:2)',
    );
    expect(describeClause({ type: 'bool' })).toBe('*:*');
  });
});

describe('clausesEqual and criteriaEqual', () => {
  it('ignore key order and absent vs empty lists, not meaning', () => {
    const a: Clause = { type: 'bool', must: [{ type: 'exists', field: 'x' }], mustNot: [] };
    const b: Clause = { mustNot: undefined, must: [{ field: 'x', type: 'exists' }], type: 'bool' };
    expect(clausesEqual(a, b)).toBe(true);
    expect(clausesEqual(a, { type: 'bool', must: [{ type: 'exists', field: 'y' }] })).toBe(false);
    expect(
      clausesEqual(
        { type: 'bool', should: [a] },
        { type: 'bool', should: [a], minimumShouldMatch: 1 },
      ),
    ).toBe(false);
    const c1 = search({ minutes: 2 }).must(exists('x')).build();
    expect(criteriaEqual(c1, search({ minutes: 2 }).must(exists('x')).build())).toBe(true);
    expect(criteriaEqual(c1, search({ minutes: 3 }).must(exists('x')).build())).toBe(false);
  });
});
