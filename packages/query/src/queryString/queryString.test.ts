import { isAlertkitError } from '@alertkit/core';
import { describe, expect, it } from 'vitest';
import { parseQueryString } from './index.js';

const m = (field: string, value: string, operator: 'or' | 'and' = 'or') => ({
  type: 'match',
  field,
  value,
  operator,
});

function syntaxError(query: string): { message: string; position: unknown } {
  try {
    parseQueryString(query);
  } catch (error) {
    if (isAlertkitError(error) && error.code === 'QUERY_SYNTAX') {
      return { message: error.message, position: error.details?.['position'] };
    }
    throw error;
  }
  throw new Error(`no error for ${query}`);
}

describe('parseQueryString: terms', () => {
  it('reads field:value as match, a bare term on every field', () => {
    expect(parseQueryString('hostname:host1')).toEqual(m('hostname', 'host1'));
    expect(parseQueryString('ABC12345436')).toEqual(m('*', 'ABC12345436'));
    expect(parseQueryString('anotherterm', { defaultField: 'summary' })).toEqual(
      m('summary', 'anotherterm'),
    );
  });

  it('does not split a bare run of terms on whitespace (one text for the analyser)', () => {
    expect(parseQueryString('Failed password')).toEqual(m('*', 'Failed password'));
    expect(parseQueryString('Failed password', { defaultOperator: 'AND' })).toEqual(
      m('*', 'Failed password', 'and'),
    );
    expect(parseQueryString('hostname:(web 01)')).toEqual(m('hostname', 'web 01'));
  });

  it('binds a field to the first term only (semantics 1.4: summary: test conf)', () => {
    expect(parseQueryString('summary: test conf')).toEqual({
      type: 'bool',
      should: [m('summary', 'test'), m('*', 'conf')],
    });
  });

  it('ends a run before a term that names a field, and before AND/OR', () => {
    expect(parseQueryString('a b c:d')).toEqual({
      type: 'bool',
      should: [m('*', 'a b'), m('c', 'd')],
    });
    expect(parseQueryString('a b AND c')).toEqual({
      type: 'bool',
      must: [m('*', 'b'), m('*', 'c')],
      should: [m('*', 'a')],
    });
  });

  it('reads quoted text as a phrase, with ~N as slop', () => {
    expect(parseQueryString('summary:"session opened"')).toEqual({
      type: 'phrase',
      field: 'summary',
      value: 'session opened',
    });
    expect(parseQueryString('"a b"~2')).toEqual({
      type: 'phrase',
      field: '*',
      value: 'a b',
      slop: 2,
    });
  });

  it('reads * and ? terms as wildcards and /.../ as a regexp, keeping their escapes', () => {
    // A single trailing star is Lucene's prefix query (getPrefixQuery), escapes removed.
    expect(parseQueryString('details.dev: veth*')).toEqual({
      type: 'prefix',
      field: 'details.dev',
      value: 'veth',
    });
    expect(parseQueryString('f:a\\*b*')).toEqual({ type: 'prefix', field: 'f', value: 'a*b' });
    expect(parseQueryString('details.msg: *192.168*')).toEqual({
      type: 'wildcard',
      field: 'details.msg',
      pattern: '*192.168*',
    });
    expect(parseQueryString('f:a?c')).toEqual({ type: 'wildcard', field: 'f', pattern: 'a?c' });
    expect(parseQueryString('details.destination: /.*\\.(exe|sh|py|rb|bin)/')).toEqual({
      type: 'regexp',
      field: 'details.destination',
      pattern: '.*\\.(exe|sh|py|rb|bin)',
    });
    expect(parseQueryString('hostname: /(host1|host2.*).*/')).toEqual({
      type: 'regexp',
      field: 'hostname',
      pattern: '(host1|host2.*).*',
    });
    expect(parseQueryString('p:/a\\/b/')).toEqual({ type: 'regexp', field: 'p', pattern: 'a\\/b' });
  });

  it('reads the other query strings MozDef alerts use', () => {
    expect(parseQueryString('details.host: /[0-9a-fA-F]{1,4}.*/')).toEqual({
      type: 'regexp',
      field: 'details.host',
      pattern: '[0-9a-fA-F]{1,4}.*',
    });
    expect(parseQueryString('summary: /.*\\.(exe|sh)/')).toEqual({
      type: 'regexp',
      field: 'summary',
      pattern: '.*\\.(exe|sh)',
    });
    expect(parseQueryString('tags:auth0')).toEqual(m('tags', 'auth0'));
    expect(parseQueryString('details.sourceipaddress: 10.54.65.234')).toEqual(
      m('details.sourceipaddress', '10.54.65.234'),
    );
  });

  it('reads ranges: inclusive, exclusive, mixed and open', () => {
    expect(parseQueryString('details.sourceipaddress: [10.0.0.0 TO 10.255.255.255]')).toEqual({
      type: 'range',
      field: 'details.sourceipaddress',
      gte: '10.0.0.0',
      lte: '10.255.255.255',
    });
    expect(parseQueryString('n:{1 TO 5]')).toEqual({
      type: 'range',
      field: 'n',
      gt: '1',
      lte: '5',
    });
    expect(parseQueryString('n:[* TO 5}')).toEqual({ type: 'range', field: 'n', lt: '5' });
    expect(parseQueryString('d:["2020-01-01" TO *]')).toEqual({
      type: 'range',
      field: 'd',
      gte: '2020-01-01',
    });
    expect(parseQueryString('n:>=10')).toEqual({ type: 'range', field: 'n', gte: '10' });
    expect(parseQueryString('n:<10')).toEqual({ type: 'range', field: 'n', lt: '10' });
  });

  it('reads _exists_, field:* and * ', () => {
    expect(parseQueryString('_exists_:details.note')).toEqual({
      type: 'exists',
      field: 'details.note',
    });
    expect(parseQueryString('details.note:*')).toEqual({ type: 'exists', field: 'details.note' });
    expect(parseQueryString('*')).toEqual({ type: 'matchAll' });
    expect(parseQueryString('*:*')).toEqual({ type: 'matchAll' });
    expect(parseQueryString('   ')).toEqual({ type: 'matchNone' });
  });

  it('honours escapes in fields and values, and ignores boosts', () => {
    expect(parseQueryString('details.path:C\\:\\\\temp')).toEqual(m('details.path', 'C:\\temp'));
    expect(parseQueryString('a\\ b\\u0041')).toEqual(m('*', 'a bA'));
    expect(parseQueryString('my\\-field:x^2')).toEqual(m('my-field', 'x'));
  });
});

describe('parseQueryString: operators (the classic flat rule)', () => {
  it('a AND b OR c is +a +b c', () => {
    expect(parseQueryString('a AND b OR c')).toEqual({
      type: 'bool',
      must: [m('*', 'a'), m('*', 'b')],
      should: [m('*', 'c')],
    });
    expect(parseQueryString('a && b || c')).toEqual(parseQueryString('a AND b OR c'));
  });

  it('reads OR chains as any (MozDef nsm_scan_address: the field binds to the first term only)', () => {
    expect(
      parseQueryString('details.sourceipaddress: 10.33.44.54 OR 10.88.77.54 OR 10.251.30.138'),
    ).toEqual({
      type: 'bool',
      should: [
        m('details.sourceipaddress', '10.33.44.54'),
        m('*', '10.88.77.54'),
        m('*', '10.251.30.138'),
      ],
    });
  });

  it('adds match all to a purely negative query, also a nested one', () => {
    expect(parseQueryString('NOT x')).toEqual({
      type: 'bool',
      must: [{ type: 'matchAll' }],
      mustNot: [m('*', 'x')],
    });
    expect(parseQueryString('a OR (-b)')).toEqual({
      type: 'bool',
      should: [m('*', 'a'), { type: 'bool', must: [{ type: 'matchAll' }], mustNot: [m('*', 'b')] }],
    });
  });

  it('reads + - ! and NOT as modifiers, and groups with a field', () => {
    expect(parseQueryString('+a -b !c')).toEqual({
      type: 'bool',
      must: [m('*', 'a')],
      mustNot: [m('*', 'b'), m('*', 'c')],
    });
    expect(parseQueryString('a NOT b')).toEqual({
      type: 'bool',
      should: [m('*', 'a')],
      mustNot: [m('*', 'b')],
    });
    expect(parseQueryString('x:(+a -b)')).toEqual({
      type: 'bool',
      must: [m('x', 'a')],
      mustNot: [m('x', 'b')],
    });
    expect(parseQueryString('source:local1 AND "00:11:22:33:44:55"')).toEqual({
      type: 'bool',
      must: [m('source', 'local1'), { type: 'phrase', field: '*', value: '00:11:22:33:44:55' }],
    });
  });

  it('makes bare clauses required under default operator AND, and OR makes its neighbours optional', () => {
    expect(parseQueryString('a OR b c', { defaultOperator: 'AND' })).toEqual({
      type: 'bool',
      must: [m('*', 'c', 'and')],
      should: [m('*', 'a', 'and'), m('*', 'b', 'and')],
    });
  });
});

describe('parseQueryString: errors', () => {
  it.each([
    ['a AND', 5],
    ['AND a', 0],
    ['(a', 2],
    ['a)', 1],
    ['"abc', 0],
    ['[1 TO 2', 7],
    ['a^', 2],
    ['a:b:c', 3],
    ['x /y', 2],
    ['a\\', 1],
  ])('%s fails at position %i, naming the query', (query, position) => {
    const error = syntaxError(query);
    expect(error.position).toBe(position);
    expect(error.message).toContain(JSON.stringify(query));
  });

  it("reads fuzzy terms with Elasticsearch's fuzziness (AUTO for a bare ~, at most 2)", () => {
    expect(parseQueryString('root~2')).toEqual({
      type: 'fuzzy',
      field: '*',
      value: 'root',
      fuzziness: 2,
    });
    expect(parseQueryString('user:ab~')).toMatchObject({ fuzziness: 0 });
    expect(parseQueryString('user:root~')).toMatchObject({ fuzziness: 1 });
    expect(parseQueryString('user:password~')).toMatchObject({ fuzziness: 2 });
    expect(parseQueryString('user:root~7')).toMatchObject({ fuzziness: 2 });
  });

  it('refuses a negative fuzziness', () => {
    expect(syntaxError('root~-1').message).toContain('fuzziness');
  });
});
