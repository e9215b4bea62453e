import type { Clause, Criteria } from '@alertkit/core';
import { describe, expect, it } from 'vitest';
import {
  allOf,
  anyOf,
  exists,
  fuzzy,
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
import { clauseToElasticsearch, toElasticsearch, windowClause } from './toElasticsearch.js';

const now = new Date('2017-01-01T01:00:00Z');

/** Byte-for-byte: same keys in the same order, same values. */
function expectJson(actual: unknown, expected: unknown): void {
  expect(JSON.stringify(actual)).toBe(JSON.stringify(expected));
}

describe('clauseToElasticsearch: one clause per MozDef query model (semantics §1)', () => {
  const cases: [string, Clause, unknown][] = [
    ['TermMatch is match, not term', match('summary', 'Failed'), { match: { summary: 'Failed' } }],
    [
      'TermMatch with a number',
      match('details.destinationport', 443),
      { match: { 'details.destinationport': 443 } },
    ],
    [
      'TermMatch with a boolean',
      match('details.success', true),
      { match: { 'details.success': true } },
    ],
    [
      'TermsMatch',
      terms('summary', ['login', 'invalid']),
      { terms: { summary: ['login', 'invalid'] } },
    ],
    [
      'PhraseMatch',
      phrase('summary', 'failed password'),
      { match_phrase: { summary: 'failed password' } },
    ],
    [
      'WildcardMatch',
      wildcard('details.actor', '*bind*'),
      { wildcard: { 'details.actor': '*bind*' } },
    ],
    [
      'wildcard with case_insensitive (Elasticsearch 7.10+)',
      wildcard('summary', 'PASS*', { caseInsensitive: true }),
      { wildcard: { summary: { value: 'PASS*', case_insensitive: true } } },
    ],
    [
      'prefix with case_insensitive',
      prefix('hostname', 'WEB', { caseInsensitive: true }),
      { prefix: { hostname: { value: 'WEB', case_insensitive: true } } },
    ],
    [
      'regexp with case_insensitive',
      regexp('summary', 'PASS.*', { caseInsensitive: true }),
      { regexp: { summary: { value: 'PASS.*', case_insensitive: true } } },
    ],
    [
      'fuzzy (query_string term~): AUTO unless given',
      fuzzy('summary', 'fialed'),
      { fuzzy: { summary: { value: 'fialed', fuzziness: 'AUTO' } } },
    ],
    [
      'fuzzy with edits',
      fuzzy('summary', 'fialed', { fuzziness: 1 }),
      { fuzzy: { summary: { value: 'fialed', fuzziness: 1 } } },
    ],
    ['ExistsMatch', exists('details.username'), { exists: { field: 'details.username' } }],
    [
      'RangeMatch',
      range('utctimestamp', 'a', 'b'),
      { range: { utctimestamp: { gte: 'a', lte: 'b' } } },
    ],
    [
      'LessThanMatch',
      lessThan('utctimestamp', '2016-12-31T01:00:00+00:00'),
      { range: { utctimestamp: { lt: '2016-12-31T01:00:00+00:00' } } },
    ],
    [
      'QueryStringMatch',
      queryString('details.dev: veth*'),
      { query_string: { query: 'details.dev: veth*' } },
    ],
    [
      'SubnetMatch IPv4',
      subnet('details.sourceipaddress', '10.0.0.0/8'),
      { query_string: { query: 'details.sourceipaddress: [10.0.0.0 TO 10.255.255.255]' } },
    ],
    [
      'SubnetMatch /24',
      subnet('details.sourceipaddress', '10.1.1.0/24'),
      { query_string: { query: 'details.sourceipaddress: [10.1.1.0 TO 10.1.1.255]' } },
    ],
    [
      'SubnetMatch bare address',
      subnet('details.sourceipaddress', '10.1.1.7'),
      { query_string: { query: 'details.sourceipaddress: [10.1.1.7 TO 10.1.1.7]' } },
    ],
    [
      'SubnetMatch IPv6',
      subnet('details.sourceipaddress', '2001:db8::/32'),
      {
        query_string: {
          query: 'details.sourceipaddress: [2001:db8:: TO 2001:db8:ffff:ffff:ffff:ffff:ffff:ffff]',
        },
      },
    ],
    ['prefix', prefix('hostname', 'web'), { prefix: { hostname: 'web' } }],
    [
      'regexp',
      regexp('hostname', '(host1|host2.*).*'),
      { regexp: { hostname: '(host1|host2.*).*' } },
    ],
    ['match_all', { type: 'matchAll' }, { match_all: {} }],
    ['match_none', { type: 'matchNone' }, { match_none: {} }],
    [
      'term (exact, unanalysed)',
      { type: 'term', field: 'hostname', value: 'a' },
      { term: { hostname: 'a' } },
    ],
  ];
  it.each(cases)('%s', (_name, clause, expected) => {
    expectJson(clauseToElasticsearch(clause), expected);
  });

  it('uses the object form only for options MozDef never sets', () => {
    expectJson(
      clauseToElasticsearch(
        match('summary', 'a b', {
          operator: 'and',
          minimumShouldMatch: '75%',
          zeroTermsQuery: 'all',
          lenient: true,
        }),
      ),
      {
        match: {
          summary: {
            query: 'a b',
            operator: 'and',
            minimum_should_match: '75%',
            zero_terms_query: 'all',
            lenient: true,
          },
        },
      },
    );
    expectJson(clauseToElasticsearch(phrase('summary', 'a b', { slop: 2 })), {
      match_phrase: { summary: { query: 'a b', slop: 2 } },
    });
    expectJson(
      clauseToElasticsearch(
        queryString('a', {
          defaultField: 'summary',
          defaultOperator: 'AND',
          analyzeWildcard: true,
        }),
      ),
      {
        query_string: {
          query: 'a',
          default_field: 'summary',
          default_operator: 'AND',
          analyze_wildcard: true,
        },
      },
    );
    expectJson(clauseToElasticsearch(range('details.count', { gt: 1, lt: 5 })), {
      range: { 'details.count': { gt: 1, lt: 5 } },
    });
  });

  it('keeps a hostile value a JSON value: it never becomes Lucene syntax', () => {
    expectJson(clauseToElasticsearch(match('details.user', 'a:b OR *')), {
      match: { 'details.user': 'a:b OR *' },
    });
    expectJson(clauseToElasticsearch(phrase('summary', '") OR (*')), {
      match_phrase: { summary: '") OR (*' },
    });
  });

  it('escapes the field of a subnet query_string (the one matcher MozDef writes as Lucene)', () => {
    const clause: Clause = { type: 'subnet', field: 'details.src ip:x', cidr: '10.0.0.0/8' };
    expectJson(clauseToElasticsearch(clause), {
      query_string: { query: 'details.src\\ ip\\:x: [10.0.0.0 TO 10.255.255.255]' },
    });
  });

  it('refuses a subnet clause whose CIDR is invalid (also when written as plain data)', () => {
    expect(() =>
      clauseToElasticsearch({ type: 'subnet', field: 'ip', cidr: '10.0.0.0/8 OR *' }),
    ).toThrow(/not a valid CIDR/);
  });

  it('writes bool lists in MozDef order (must, must_not, should) and leaves empty ones out', () => {
    const clause: Clause = {
      type: 'bool',
      should: [exists('b')],
      mustNot: [exists('c')],
      must: [exists('a')],
      minimumShouldMatch: 1,
      filter: [],
    };
    expectJson(clauseToElasticsearch(clause), {
      bool: {
        must: [{ exists: { field: 'a' } }],
        must_not: [{ exists: { field: 'c' } }],
        should: [{ exists: { field: 'b' } }],
        minimum_should_match: 1,
      },
    });
  });
});

describe('composition shapes (semantics §1.1)', () => {
  const A = match('a', 1);
  const B = match('b', 2);
  const C = match('c', 3);
  const [a, b, c] = [{ match: { a: 1 } }, { match: { b: 2 } }, { match: { c: 3 } }];

  it("A | B is a should bool (with the builder's minimum_should_match)", () => {
    expectJson(clauseToElasticsearch(anyOf(A, B)), {
      bool: { should: [a, b], minimum_should_match: 1 },
    });
  });
  it('(A | B) | C extends the should list', () => {
    expectJson(clauseToElasticsearch(anyOf(anyOf(A, B), C)), {
      bool: { should: [a, b, c], minimum_should_match: 1 },
    });
    expectJson(clauseToElasticsearch(anyOf(A, B, C)), {
      bool: { should: [a, b, c], minimum_should_match: 1 },
    });
  });
  it("A | (B | C) keeps the right bool first, as elasticsearch-dsl's __ror__ does", () => {
    expectJson(clauseToElasticsearch(anyOf(A, anyOf(B, C))), {
      bool: { should: [b, c, a], minimum_should_match: 1 },
    });
  });
  it('A + B is a must bool; bool(must=[A,B]) + C extends it', () => {
    expectJson(clauseToElasticsearch(allOf(A, B)), { bool: { must: [a, b] } });
    expectJson(clauseToElasticsearch(allOf(allOf(A, B), C)), { bool: { must: [a, b, c] } });
  });
  it('a single clause stays itself; ~A is must_not', () => {
    expectJson(clauseToElasticsearch(anyOf(A)), a);
    expectJson(clauseToElasticsearch(not(A)), { bool: { must_not: [a] } });
  });
  it('an any-of composed with more clauses keeps requiring one of its should clauses', () => {
    expectJson(clauseToElasticsearch(allOf(anyOf(A, B), C)), {
      bool: { must: [c], should: [a, b], minimum_should_match: 1 },
    });
    // A should-only bool read from DSL (no minimum_should_match) gets it written out when it gains a must.
    const fromDsl: Clause = { type: 'bool', should: [A, B] };
    expectJson(clauseToElasticsearch(allOf(fromDsl, C)), {
      bool: { must: [c], should: [a, b], minimum_should_match: 1 },
    });
  });
  it('two any-of bools are not pooled under one minimum_should_match (unlike elasticsearch-dsl)', () => {
    expectJson(clauseToElasticsearch(allOf(anyOf(A, B), anyOf(B, C))), {
      bool: {
        must: [{ bool: { should: [b, c], minimum_should_match: 1 } }],
        should: [a, b],
        minimum_should_match: 1,
      },
    });
  });
});

describe('toElasticsearch: the request body', () => {
  const criteria = search({ minutes: 2 }).must(match('category', 'syslog')).build();
  const windowFor = (begin: string, end: string): unknown => ({
    bool: {
      should: [
        { range: { utctimestamp: { gte: begin, lte: end } } },
        { range: { receivedtimestamp: { gte: begin, lte: end } } },
      ],
    },
  });

  it('wraps the query in a filter and appends the window to must (semantics §1.2, §2.2)', () => {
    expectJson(toElasticsearch(criteria, { now }), {
      query: {
        bool: {
          filter: [
            {
              bool: {
                must: [
                  { match: { category: 'syslog' } },
                  windowFor('2017-01-01T00:58:00+00:00', '2017-01-01T01:00:00+00:00'),
                ],
              },
            },
          ],
        },
      },
      track_total_hits: true,
    });
  });

  it('writes microseconds only when they are not zero, as Python isoformat()', () => {
    const body = toElasticsearch(criteria, { now: new Date('2017-01-01T01:00:00.123Z') });
    expectJson(
      (body.query['bool'] as { filter: { bool: { must: unknown[] } }[] }).filter[0]?.bool.must[1],
      windowFor('2017-01-01T00:58:00.123000+00:00', '2017-01-01T01:00:00.123000+00:00'),
    );
    expectJson(windowClause({ milliseconds: 0.5 }, now), {
      type: 'bool',
      should: [
        {
          type: 'range',
          field: 'utctimestamp',
          gte: '2017-01-01T00:59:59.999500+00:00',
          lte: '2017-01-01T01:00:00+00:00',
        },
        {
          type: 'range',
          field: 'receivedtimestamp',
          gte: '2017-01-01T00:59:59.999500+00:00',
          lte: '2017-01-01T01:00:00+00:00',
        },
      ],
    });
  });

  it('leaves the window out when there is none, and never mutates the criteria', () => {
    const plain = search().must(exists('a')).build();
    const copy = structuredClone(criteria);
    toElasticsearch(criteria, { now });
    expect(criteria).toEqual(copy);
    expectJson(toElasticsearch(plain, { now }).query, {
      bool: { filter: [{ bool: { must: [{ exists: { field: 'a' } }] } }] },
    });
  });

  it('sends minimum_should_match 1 with top-level should clauses (§9.1)', () => {
    const body = toElasticsearch(search().must(exists('a')).should(exists('b')).build(), { now });
    expectJson(body.query, {
      bool: {
        filter: [
          {
            bool: {
              must: [{ exists: { field: 'a' } }],
              should: [{ exists: { field: 'b' } }],
              minimum_should_match: 1,
            },
          },
        ],
      },
    });
  });

  it('refuses criteria with only a window, as MozDef does', () => {
    expect(() => toElasticsearch(search({ minutes: 5 }).build(), { now })).toThrow(
      /no must, must_not or should clause/,
    );
  });

  it("has no silent hit cap: size only when asked, MozDef's cap only as compat.hitCap", () => {
    expect(toElasticsearch(criteria, { now }).size).toBeUndefined();
    expect(toElasticsearch(criteria, { now, size: 12 }).size).toBe(12);
    expect(toElasticsearch(criteria, { now, compat: { hitCap: 1000 } }).size).toBe(1000);
    expect(toElasticsearch(criteria, { now, size: 5000, compat: { hitCap: 1000 } }).size).toBe(
      1000,
    );
    expect(toElasticsearch(criteria, { now, size: 1, compat: { hitCap: 1000 } }).size).toBe(1);
  });

  it('refuses bad options', () => {
    expect(() => toElasticsearch(criteria, { now: new Date('nope') })).toThrow(
      '`now` must be a valid Date',
    );
    expect(() => toElasticsearch(criteria, { now, size: -1 })).toThrow(
      'size must be a non-negative integer, got -1',
    );
    expect(() => toElasticsearch(criteria, { now, compat: { hitCap: 0 } })).toThrow(
      'compat.hitCap must be a positive integer',
    );
    expect(() => toElasticsearch(criteria, { now, maxBuckets: 1.5 })).toThrow(
      'maxBuckets must be a positive integer',
    );
  });

  it('runs the aggregation in the store: terms by count then key, min_doc_count = threshold, top_hits samples', () => {
    const agg = search({ minutes: 2 })
      .must(match('category', 'syslog'))
      .aggregate('details.sourceipaddress', { threshold: 10, samples: 3 })
      .build();
    expectJson(toElasticsearch(agg, { now, maxBuckets: 500 }), {
      query: {
        bool: {
          filter: [
            {
              bool: {
                must: [
                  { match: { category: 'syslog' } },
                  { exists: { field: 'details.sourceipaddress' } },
                  windowFor('2017-01-01T00:58:00+00:00', '2017-01-01T01:00:00+00:00'),
                ],
              },
            },
          ],
        },
      },
      size: 0,
      aggs: {
        groups: {
          terms: {
            field: 'details.sourceipaddress',
            size: 500,
            min_doc_count: 10,
            order: [{ _count: 'desc' }, { _key: 'asc' }],
          },
          aggs: { samples: { top_hits: { size: 3, sort: ['_doc'] } } },
        },
      },
    });
  });

  it("adds the aggregation field's exists clause only once (alerttask.searchEventsAggregated)", () => {
    const agg: Criteria = search()
      .must(exists('hostname'))
      .aggregate('hostname', { threshold: 1 })
      .build();
    const body = toElasticsearch(agg, { now });
    expectJson(body.query, {
      bool: { filter: [{ bool: { must: [{ exists: { field: 'hostname' } }] } }] },
    });
    expect(body.aggs).toMatchObject({ groups: { terms: { size: 10_000 } } });
  });

  it('refuses an aggregation written as plain data with a bad threshold', () => {
    const bad: Criteria = {
      query: { type: 'bool', must: [exists('a')] },
      aggregation: { field: 'a', threshold: 0, samples: 1 },
    };
    expect(() => toElasticsearch(bad, { now })).toThrow(
      'aggregation.threshold must be a positive integer, got 0',
    );
  });
});
