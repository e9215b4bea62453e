import type { Clause, Criteria } from '@alertkit/core';
import { describe, expect, it } from 'vitest';
import {
  anyOf,
  allOf,
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
import { clausesEqual, criteriaEqual } from './describeCriteria.js';
import { criteriaFromElasticsearch } from './criteriaFromElasticsearch.js';
import { fromElasticsearch } from './fromElasticsearch.js';
import { clauseToElasticsearch, toElasticsearch } from './toElasticsearch.js';

const now = new Date('2017-01-01T01:00:00Z');

describe('fromElasticsearch: every supported clause, short and object form', () => {
  const cases: [string, unknown, Clause][] = [
    [
      'match short',
      { match: { summary: 'a b' } },
      { type: 'match', field: 'summary', value: 'a b' },
    ],
    [
      'match object',
      { match: { summary: { query: 'a b', boost: 2, _name: 'x' } } },
      { type: 'match', field: 'summary', value: 'a b' },
    ],
    [
      'match options',
      {
        match: {
          summary: {
            query: 'a b',
            operator: 'AND',
            minimum_should_match: '75%',
            zero_terms_query: 'all',
            lenient: true,
          },
        },
      },
      {
        type: 'match',
        field: 'summary',
        value: 'a b',
        operator: 'and',
        minimumShouldMatch: '75%',
        zeroTermsQuery: 'all',
        lenient: true,
      },
    ],
    [
      'match_phrase short',
      { match_phrase: { summary: 'failed password' } },
      { type: 'phrase', field: 'summary', value: 'failed password' },
    ],
    [
      'match_phrase slop',
      { match_phrase: { summary: { query: 'a b', slop: 2 } } },
      { type: 'phrase', field: 'summary', value: 'a b', slop: 2 },
    ],
    ['term short', { term: { hostname: 'a' } }, { type: 'term', field: 'hostname', value: 'a' }],
    [
      'term object',
      { term: { hostname: { value: 'a', boost: 1.5, case_insensitive: false } } },
      { type: 'term', field: 'hostname', value: 'a' },
    ],
    [
      'term with clause-level boost',
      { term: { hostname: 'a', boost: 2 } },
      { type: 'term', field: 'hostname', value: 'a' },
    ],
    [
      'terms',
      { terms: { tags: ['a', 1, true], boost: 1 } },
      { type: 'terms', field: 'tags', values: ['a', 1, true] },
    ],
    ['terms empty matches nothing', { terms: { tags: [] } }, { type: 'matchNone' }],
    [
      'wildcard short',
      { wildcard: { hostname: 'web*' } },
      { type: 'wildcard', field: 'hostname', pattern: 'web*' },
    ],
    [
      'wildcard value',
      { wildcard: { hostname: { value: 'web*' } } },
      { type: 'wildcard', field: 'hostname', pattern: 'web*' },
    ],
    [
      'wildcard wildcard',
      { wildcard: { hostname: { wildcard: 'web?' } } },
      { type: 'wildcard', field: 'hostname', pattern: 'web?' },
    ],
    [
      'prefix',
      { prefix: { hostname: { value: 'web' } } },
      { type: 'prefix', field: 'hostname', value: 'web' },
    ],
    [
      'regexp',
      { regexp: { hostname: { value: 'h.*', flags: 'ALL', max_determinized_states: 10000 } } },
      { type: 'regexp', field: 'hostname', pattern: 'h.*' },
    ],
    [
      'exists',
      { exists: { field: 'details.x', boost: 1 } },
      { type: 'exists', field: 'details.x' },
    ],
    [
      'range ISO dates',
      {
        range: {
          utctimestamp: {
            gte: '2017-01-01T00:00:00+00:00',
            lt: '2017-01-02',
            format: 'strict_date_optional_time||epoch_millis',
          },
        },
      },
      { type: 'range', field: 'utctimestamp', gte: '2017-01-01T00:00:00+00:00', lt: '2017-01-02' },
    ],
    [
      'range gt/lte numbers',
      { range: { n: { gt: 1, lte: 5, boost: 2 } } },
      { type: 'range', field: 'n', gt: 1, lte: 5 },
    ],
    [
      'query_string',
      {
        query_string: {
          query: 'a:b',
          default_field: 'summary',
          default_operator: 'and',
          analyze_wildcard: true,
        },
      },
      {
        type: 'queryString',
        query: 'a:b',
        defaultField: 'summary',
        defaultOperator: 'AND',
        analyzeWildcard: true,
      },
    ],
    [
      'query_string subnet text reads back as subnet',
      { query_string: { query: 'details.sourceipaddress: [10.0.0.0 TO 10.255.255.255]' } },
      { type: 'subnet', field: 'details.sourceipaddress', cidr: '10.0.0.0/8' },
    ],
    [
      'query_string range that is no CIDR block stays a query string',
      { query_string: { query: 'ip: [10.0.0.1 TO 10.0.0.9]' } },
      { type: 'queryString', query: 'ip: [10.0.0.1 TO 10.0.0.9]' },
    ],
    ['match_all', { match_all: {} }, { type: 'matchAll' }],
    ['match_none', { match_none: { _name: 'n' } }, { type: 'matchNone' }],
    [
      'bool with single-object lists and filter',
      {
        bool: {
          must: { term: { a: 1 } },
          filter: [{ term: { b: 2 } }],
          must_not: [],
          should: [{ term: { c: 3 } }],
        },
      },
      {
        type: 'bool',
        must: [{ type: 'term', field: 'a', value: 1 }],
        filter: [{ type: 'term', field: 'b', value: 2 }],
        should: [{ type: 'term', field: 'c', value: 3 }],
      },
    ],
  ];
  it.each(cases)('%s', (_name, dsl, expected) => {
    expect(fromElasticsearch(dsl)).toEqual(expected);
  });
});

describe('fromElasticsearch: minimum_should_match as Elasticsearch 7 computes it', () => {
  const should = [{ term: { a: 1 } }, { term: { a: 2 } }, { term: { a: 3 } }, { term: { a: 4 } }];
  const msm = (spec: unknown): number | undefined => {
    const clause = fromElasticsearch({
      bool: { must: [{ term: { b: 1 } }], should, minimum_should_match: spec },
    });
    return clause.type === 'bool' ? clause.minimumShouldMatch : undefined;
  };
  it('integers, negatives and percentages (rounded down)', () => {
    expect(msm(2)).toBe(2);
    expect(msm('2')).toBe(2);
    expect(msm(-1)).toBe(3);
    expect(msm('75%')).toBe(3);
    expect(msm('60%')).toBe(2);
    expect(msm('-25%')).toBe(3);
    expect(msm(9)).toBe(9); // more than there are: matches nothing, as in Elasticsearch 7+
  });
  it('0 is the Elasticsearch 7 default and is left out', () => {
    expect(msm(0)).toBeUndefined();
    expect(msm('-100%')).toBeUndefined();
  });
  it('a should beside must without minimum_should_match stays optional (no value in the AST)', () => {
    expect(fromElasticsearch({ bool: { must: [{ term: { b: 1 } }], should } })).not.toHaveProperty(
      'minimumShouldMatch',
    );
  });
  it('refuses conditional specs', () => {
    expect(() => msm('3<90%')).toThrow(
      'query.bool.minimum_should_match: expected an integer or a percentage',
    );
  });
});

describe('fromElasticsearch: errors name the clause and its JSON path', () => {
  const cases: [string, unknown, string][] = [
    [
      'unknown clause',
      { bool: { must: [{ term: { a: 1 } }, { multi_match: { query: 'x', fields: ['a'] } }] } },
      'query.bool.must[1].multi_match: unsupported query clause "multi_match"',
    ],
    [
      'unknown clause in an object list',
      { bool: { filter: { nested: {} } } },
      'query.bool.filter.nested: unsupported query clause "nested"',
    ],
    [
      'time_zone',
      { range: { utctimestamp: { gte: '2017-01-01', time_zone: '+01:00' } } },
      'query.range.utctimestamp.time_zone: unsupported option "time_zone"',
    ],
    [
      'non-ISO format',
      { range: { utctimestamp: { gte: '01/01/2017', format: 'dd/MM/yyyy' } } },
      'query.range.utctimestamp.format: format "dd/MM/yyyy" is not supported',
    ],
    [
      'date math',
      { range: { utctimestamp: { gte: 'now-5m' } } },
      'query.range.utctimestamp.gte: date math "now-5m" is not supported',
    ],
    [
      'date math anchor',
      { range: { utctimestamp: { lte: '2017-01-01||+1d' } } },
      'query.range.utctimestamp.lte: date math',
    ],
    [
      'legacy from/to',
      { range: { n: { from: 1 } } },
      'query.range.n.from: unsupported option "from"',
    ],
    [
      'range without bounds',
      { range: { n: {} } },
      'query.range.n: needs at least one of gte, gt, lte, lt',
    ],
    [
      'match option',
      { match: { summary: { query: 'x', fuzziness: 'AUTO' } } },
      'query.match.summary.fuzziness: unsupported option "fuzziness"',
    ],
    [
      'match without query',
      { match: { summary: { operator: 'and' } } },
      'query.match.summary: needs "query"',
    ],
    [
      'match null',
      { match: { summary: null } },
      'query.match.summary: expected a string, number or boolean, got null',
    ],
    ['two fields', { term: { a: 1, b: 2 } }, 'query.term: names 2 fields (a, b)'],
    [
      'two clause types',
      { term: { a: 1 }, match: { b: 2 } },
      'query: a query clause has exactly one type, got term, match',
    ],
    ['empty clause', {}, 'query: empty query clause'],
    ['not an object', ['x'], 'query: expected a query clause'],
    [
      'terms lookup',
      { terms: { user: { index: 'users', id: '2', path: 'followers' } } },
      'query.terms.user: a terms lookup is not supported',
    ],
    [
      'case_insensitive',
      { term: { a: { value: 'x', case_insensitive: true } } },
      'query.term.a.case_insensitive: only false is supported, got true',
    ],
    [
      'regexp flags',
      { regexp: { a: { value: 'x', flags: 'INTERSECTION' } } },
      'query.regexp.a.flags: only "ALL" is supported',
    ],
    [
      'phrase analyzer',
      { match_phrase: { a: { query: 'x', analyzer: 'whitespace' } } },
      'query.match_phrase.a.analyzer: unsupported option "analyzer"',
    ],
    [
      'negative slop',
      { match_phrase: { a: { query: 'x', slop: -1 } } },
      'query.match_phrase.a.slop: expected a non-negative integer',
    ],
    [
      'query_string fields',
      { query_string: { query: 'x', fields: ['a'] } },
      'query.query_string.fields: unsupported option "fields"',
    ],
    [
      'query_string time_zone',
      { query_string: { query: 'x', time_zone: 'UTC' } },
      'query.query_string.time_zone: unsupported option "time_zone"',
    ],
    [
      'bad operator',
      { match: { a: { query: 'x', operator: 'xor' } } },
      'query.match.a.operator: expected one of or, and, got "xor"',
    ],
    [
      'bool option',
      { bool: { must: [], disable_coord: true } },
      'query.bool.disable_coord: unsupported option "disable_coord"',
    ],
  ];
  it.each(cases)('%s', (_name, dsl, message) => {
    let thrown: unknown;
    try {
      fromElasticsearch(dsl);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toMatchObject({ name: 'AlertkitError', code: 'QUERY_INVALID' });
    expect((thrown as Error).message).toContain(message);
  });
});

describe('round trip: fromElasticsearch(toElasticsearch(q).query) is the same query', () => {
  const matchers: [string, Clause][] = [
    ['match', match('summary', 'Failed password')],
    [
      'match with options',
      match('summary', 'a b', {
        operator: 'and',
        minimumShouldMatch: 1,
        zeroTermsQuery: 'all',
        lenient: true,
      }),
    ],
    ['match number', match('details.destinationport', 443)],
    ['terms', terms('summary', ['login', 'invalid'])],
    ['phrase', phrase('summary', 'accepted publickey for')],
    ['phrase slop', phrase('summary', 'a b', { slop: 0 })],
    ['wildcard', wildcard('details.actor', '*bind*')],
    ['prefix', prefix('hostname', 'web')],
    ['regexp', regexp('details.destination', '.*\\.(exe|sh)')],
    ['exists', exists('details.username')],
    ['range', range('utctimestamp', '2017-01-01T00:00:00+00:00', '2017-01-01T01:00:00+00:00')],
    ['lessThan', lessThan('utctimestamp', new Date('2016-12-31T01:00:00.5Z'))],
    [
      'queryString',
      queryString('summary: veth* AND NOT hostname: /a.*/', { defaultField: 'summary' }),
    ],
    ['subnet IPv4', subnet('details.sourceipaddress', '10.1.1.0/24')],
    ['subnet IPv6', subnet('details.sourceipaddress', '2001:db8::/48')],
    ['subnet on an awkward field name', subnet('details.source-ip', '192.168.0.0/16')],
    ['anyOf', anyOf(match('a', 1), match('b', 2))],
    ['allOf', allOf(match('a', 1), match('b', 2))],
    ['not', not(match('a', 1))],
    [
      'nested',
      allOf(anyOf(match('a', 1), not(exists('b'))), {
        type: 'bool',
        should: [match('c', 3)],
        minimumShouldMatch: 1,
        filter: [match('d', 4)],
      }),
    ],
    ['term', { type: 'term', field: 'hostname', value: 'h' }],
    ['matchAll', { type: 'matchAll' }],
    ['matchNone', { type: 'matchNone' }],
  ];
  it.each(matchers)('%s', (_name, clause) => {
    const criteria = search().must(clause).build();
    const dsl = toElasticsearch(criteria, { now }).query;
    const read = fromElasticsearch(JSON.parse(JSON.stringify(dsl)));
    // Same clause tree, up to MozDef's filter wrapper.
    expect(read).toEqual({ type: 'bool', filter: [criteria.query] });
    expect(clausesEqual(read, { type: 'bool', filter: [criteria.query] })).toBe(true);
    expect(fromElasticsearch(clauseToElasticsearch(clause))).toEqual(clause);
  });
});

describe('criteriaFromElasticsearch: a whole _search body back to criteria', () => {
  it('recovers the window, now, the aggregation and the size', () => {
    const criteria: Criteria = search({ minutes: 2 })
      .must(phrase('summary', 'failed'))
      .mustNot(match('alert_names', 'AlertBruteforceSsh'))
      .should(match('a', 1))
      .aggregate('details.sourceipaddress', { threshold: 10, samples: 10 })
      .build();
    const body = toElasticsearch(criteria, { now, maxBuckets: 100, size: 5 });
    const read = criteriaFromElasticsearch(JSON.parse(JSON.stringify(body)));
    expect(criteriaEqual(read.criteria, criteria)).toBe(true);
    expect(read.now).toEqual(now);
    expect(read).toMatchObject({ size: 5, maxBuckets: 100 });
    // and back again: the same body
    expect(toElasticsearch(read.criteria, { now, maxBuckets: 100, size: 5 })).toEqual(body);
  });

  it('reads windows with microseconds and other units', () => {
    const body = toElasticsearch(search({ hours: 6 }).must(exists('a')).build(), {
      now: new Date('2017-01-01T01:00:00.250Z'),
    });
    const read = criteriaFromElasticsearch(body);
    expect(read.criteria.window).toEqual({ hours: 6 });
    expect(read.now?.toISOString()).toBe('2017-01-01T01:00:00.250Z');
  });

  it('takes a hand-written body: the query becomes must', () => {
    expect(criteriaFromElasticsearch({ query: { term: { a: 1 } } }).criteria).toEqual({
      query: { type: 'bool', must: [{ type: 'term', field: 'a', value: 1 }] },
    });
  });

  it('names what it cannot read', () => {
    expect(() => criteriaFromElasticsearch({ query: { match_all: {} }, sort: ['_doc'] })).toThrow(
      'body.sort: unsupported option "sort"',
    );
    expect(() => criteriaFromElasticsearch({ size: 1 })).toThrow('body: needs a "query"');
    expect(() =>
      criteriaFromElasticsearch({ query: { match_all: {} }, aggs: { g: { avg: { field: 'x' } } } }),
    ).toThrow('aggs.g.avg: unsupported option "avg"');
  });
});
