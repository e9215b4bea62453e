import { describe, expect, it } from 'vitest';
import { anyOf, exists, lessThan, match, phrase, queryString, range, search, subnet, terms, wildcard } from './builder.js';

describe('search builder', () => {
  it('builds plain, serialisable criteria', () => {
    const base = search({ minutes: 2 }).must(match('category', 'syslog'), phrase('summary', 'failed password'));
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

  it('gives should clauses minimum_should_match 1', () => {
    const q = search().should(exists('summary'), anyOf(terms('tags', ['a', 'b']), wildcard('hostname', 'web*'))).build();
    expect(q.query.minimumShouldMatch).toBe(1);
    expect(q.query.should?.[1]).toMatchObject({ type: 'bool', minimumShouldMatch: 1 });
  });

  it('offers every MozDef matcher', () => {
    expect(range('utctimestamp', 'a', 'b')).toEqual({ type: 'range', field: 'utctimestamp', gte: 'a', lte: 'b' });
    expect(lessThan('utctimestamp', 'b')).toEqual({ type: 'range', field: 'utctimestamp', lt: 'b' });
    expect(subnet('details.sourceipaddress', '10.0.0.0/8').cidr).toBe('10.0.0.0/8');
    expect(queryString('a:b').query).toBe('a:b');
  });

  it('refuses bad fields and empty query strings', () => {
    expect(() => match('', 'x')).toThrow('match: field must be a dotted path');
    expect(() => exists('details..x')).toThrow('exists: field must be a dotted path');
    expect(() => queryString('  ')).toThrow('non-empty string');
  });
});
