import { describe, expect, it } from 'vitest';
import type { Clause } from '@alertkit/core';
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

describe('search builder', () => {
  it('builds plain, serialisable criteria', () => {
    const base = search({ minutes: 2 }).must(
      match('category', 'syslog'),
      phrase('summary', 'failed password'),
    );
    const criteria = base
      .mustNot(match('details.sourceipaddress', '10.0.0.1'))
      .aggregate('details.sourceipaddress', { threshold: 10, samples: 10 })
      .build();
    expect(criteria).toEqual({
      window: { minutes: 2 },
      aggregation: { field: 'details.sourceipaddress', threshold: 10, samples: 10 },
      query: {
        type: 'bool',
        must: [
          { type: 'match', field: 'category', value: 'syslog' },
          { type: 'phrase', field: 'summary', value: 'failed password' },
        ],
        mustNot: [{ type: 'match', field: 'details.sourceipaddress', value: '10.0.0.1' }],
      },
    });
    expect(JSON.parse(JSON.stringify(base))).toEqual(base.build());
    // immutable: the base did not get the must_not
    expect(base.build().query.mustNot).toBeUndefined();
  });

  it('appends lists element by element, in order, like add_must([...])', () => {
    const q = search()
      .must([exists('a'), exists('b')], exists('c'))
      .must(exists('a'))
      .build();
    expect(q.query.must?.map((c) => (c as { field: string }).field)).toEqual(['a', 'b', 'c', 'a']);
  });

  it('gives should clauses minimum_should_match 1', () => {
    const q = search()
      .should(exists('summary'), anyOf(terms('tags', ['a', 'b']), wildcard('hostname', 'web*')))
      .build();
    expect(q.query.minimumShouldMatch).toBe(1);
    expect(q.query.should?.[1]).toMatchObject({ type: 'bool', minimumShouldMatch: 1 });
  });

  it('defaults samples to 5 (MozDef samplesLimit) and validates the aggregation', () => {
    expect(search().must(exists('a')).aggregate('a', { threshold: 3 }).build().aggregation).toEqual(
      { field: 'a', threshold: 3, samples: 5 },
    );
    expect(() => search().aggregate('a', { threshold: 0 })).toThrow(
      'aggregate: threshold must be a positive integer, got 0',
    );
    expect(() => search().aggregate('a', { threshold: 2.5 })).toThrow(
      'aggregate: threshold must be a positive integer, got 2.5',
    );
    expect(() => search().aggregate('a', { threshold: 1, samples: -1 })).toThrow(
      'aggregate: samples must be a non-negative integer, got -1',
    );
    expect(() => search().aggregate('', { threshold: 1 })).toThrow(
      'aggregate: field must be a dotted path',
    );
  });

  it('validates the window', () => {
    expect(() => search({ minutes: 0 })).toThrow('window: the window must be longer than zero');
    expect(() => search({ minutes: -1 })).toThrow(
      'duration minutes must be a non-negative number, got -1',
    );
    expect(() => search({ mins: 2 } as never)).toThrow('window: unknown unit "mins"');
  });

  it('refuses things that are not clauses', () => {
    expect(() => search().must('category:syslog' as unknown as Clause)).toThrow(
      'must: argument 1 is not a query clause',
    );
    expect(() => search().should({ type: 'nope' } as unknown as Clause)).toThrow(
      'should: argument 1 is not a query clause',
    );
  });
});

describe('matchers', () => {
  it('offers every MozDef matcher', () => {
    expect(range('utctimestamp', 'a', 'b')).toEqual({
      type: 'range',
      field: 'utctimestamp',
      gte: 'a',
      lte: 'b',
    });
    expect(lessThan('utctimestamp', 'b')).toEqual({
      type: 'range',
      field: 'utctimestamp',
      lt: 'b',
    });
    expect(subnet('details.sourceipaddress', '10.0.0.0/8').cidr).toBe('10.0.0.0/8');
    expect(queryString('a:b').query).toBe('a:b');
    expect(prefix('hostname', 'web')).toEqual({ type: 'prefix', field: 'hostname', value: 'web' });
    expect(regexp('hostname', 'h.*')).toEqual({
      type: 'regexp',
      field: 'hostname',
      pattern: 'h.*',
    });
  });

  it('writes Date bounds as Python isoformat()', () => {
    expect(
      range('utctimestamp', new Date('2017-01-01T00:00:00Z'), new Date('2017-01-01T00:00:00.316Z')),
    ).toEqual({
      type: 'range',
      field: 'utctimestamp',
      gte: '2017-01-01T00:00:00+00:00',
      lte: '2017-01-01T00:00:00.316000+00:00',
    });
    expect(range('n', { gt: 1, lt: 9 })).toEqual({ type: 'range', field: 'n', gt: 1, lt: 9 });
  });

  it('keeps the empty string for match (MozDef excludes empty usernames with it)', () => {
    expect(match('details.username', '')).toEqual({
      type: 'match',
      field: 'details.username',
      value: '',
    });
  });

  it('refuses bad fields, values and options with messages that name them', () => {
    expect(() => match('', 'x')).toThrow('match: field must be a dotted path');
    expect(() => exists('details..x')).toThrow('exists: field must be a dotted path');
    // An empty or blank query string is Elasticsearch's: it matches nothing (not an error).
    expect(queryString('  ')).toEqual({ type: 'queryString', query: '  ' });
    expect(() => match('a', null as never)).toThrow(
      'match: the value must be a string, a finite number or a boolean, got null',
    );
    expect(() => match('a', Number.NaN)).toThrow('got NaN');
    expect(() => match('a', 'x', { operator: 'xor' as never })).toThrow(
      'match: operator must be "or" or "and"',
    );
    expect(() => match('a', 'x', { minimumShouldMatch: 'lots' })).toThrow(
      'match: minimumShouldMatch must be an integer or a percentage',
    );
    expect(() => terms('tags', [])).toThrow('terms: values for "tags" must be a non-empty list');
    expect(() => terms('tags', ['a', { b: 1 } as never])).toThrow(
      'terms: value 2 must be a string',
    );
    expect(() => phrase('summary', 'a', { slop: -1 })).toThrow(
      'phrase: slop must be a non-negative integer',
    );
    expect(() => wildcard('a', '')).toThrow('wildcard: the pattern must be a non-empty string');
    expect(() => range('a', {})).toThrow('range: "a" needs at least one bound');
    expect(() => range('a', { gt: 1, gte: 2 })).toThrow('range: "a" has both gte and gt');
    expect(() => range('a', { lower: 1 } as never)).toThrow('range: unknown bound "lower"');
    expect(() => range('a', new Date('x'), 'b')).toThrow('range: from is an invalid Date');
    expect(() => queryString('a', { defaultOperator: 'and' as never })).toThrow(
      'defaultOperator must be "OR" or "AND"',
    );
  });

  it("refuses a CIDR with host bits set, as Python's strict IPv4Network", () => {
    expect(() => subnet('details.sourceipaddress', '10.0.0.1/8')).toThrow(
      'subnet on "details.sourceipaddress": "10.0.0.1/8" is not a valid CIDR: host bits are set (the network is 10.0.0.0/8)',
    );
    expect(() => subnet('ip', '10.0.0.0/33')).toThrow(
      'the prefix length must be an integer from 0 to 32',
    );
    expect(() => subnet('ip', 'example.com/8')).toThrow('is not an IPv4 or IPv6 address');
    expect(subnet('ip', '2001:db8::/32').cidr).toBe('2001:db8::/32');
  });
});

describe('boolean composition', () => {
  const [A, B, C] = [match('a', 1), match('b', 2), match('c', 3)];

  it('bool() leaves out empty lists and sets minimumShouldMatch only with should', () => {
    expect(bool({ must: [A], mustNot: [], should: [] })).toEqual({ type: 'bool', must: [A] });
    expect(bool({ should: [A, B] })).toEqual({
      type: 'bool',
      should: [A, B],
      minimumShouldMatch: 1,
    });
    expect(bool({ should: [A, B, C], minimumShouldMatch: 2, filter: [A] })).toEqual({
      type: 'bool',
      filter: [A],
      should: [A, B, C],
      minimumShouldMatch: 2,
    });
    expect(() => bool({ must: [A], minimumShouldMatch: 1 })).toThrow(
      'bool: minimumShouldMatch is set but there are no should clauses',
    );
    expect(() => bool({ should: [A], minimumShouldMatch: -1 })).toThrow(
      'bool: minimumShouldMatch must be a non-negative integer',
    );
  });

  it("anyOf flattens like elasticsearch-dsl's |", () => {
    expect(anyOf(A)).toBe(A);
    expect(anyOf(anyOf(A, B), C)).toEqual({
      type: 'bool',
      should: [A, B, C],
      minimumShouldMatch: 1,
    });
    expect(anyOf(anyOf(A, B), anyOf(B, C))).toEqual({
      type: 'bool',
      should: [A, B, B, C],
      minimumShouldMatch: 1,
    });
    // a should bool that needs two matches is not an "any of": it is nested, not flattened
    const twoOf = bool({ should: [A, B, C], minimumShouldMatch: 2 });
    expect(anyOf(twoOf, C)).toEqual({ type: 'bool', should: [twoOf, C], minimumShouldMatch: 1 });
    expect(() => anyOf()).toThrow('anyOf: needs at least one clause');
  });

  it("allOf flattens like elasticsearch-dsl's +", () => {
    expect(allOf(A)).toBe(A);
    expect(allOf(A, B, C)).toEqual({ type: 'bool', must: [A, B, C] });
    expect(allOf(A, allOf(B, C))).toEqual({ type: 'bool', must: [B, C, A] });
    expect(allOf(not(A), B)).toEqual({ type: 'bool', mustNot: [A], must: [B] });
    expect(() => allOf()).toThrow('allOf: needs at least one clause');
  });

  it('not() is a must_not bool', () => {
    expect(not(A, B)).toEqual({ type: 'bool', mustNot: [A, B] });
    expect(() => not()).toThrow('not: needs at least one clause');
  });
});
