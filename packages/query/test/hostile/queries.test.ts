import { isAlertkitError, type Clause, type StoredEvent } from '@alertkit/core';
import { describe, expect, it } from 'vitest';
import {
  EventIndex,
  MOZDEF_EVENTS_MAPPING,
  compileClause,
  createEmbeddedStore,
  fromElasticsearch,
  parseMapping,
  parseQueryString,
  queryString,
  regexp,
  search,
  wildcard,
} from '../../src/index.js';
import { fuzzQueries } from './fuzzQueries.js';

/**
 * Hostile queries and patterns (issue 18, query rows): a crafted log line never makes a regexp or
 * a wildcard backtrack (they are automata, linear in the value's length), a pattern Elasticsearch
 * would refuse is a clear error naming it, and deep or wide queries are refused with
 * Elasticsearch's reasons instead of overflowing the stack. A backtracking implementation would
 * not finish these tests within vitest's timeout (the first row took 28.9 s before).
 */

const NOW = new Date('2026-11-01T12:00:00Z');

function storeWith(hostname: string) {
  const event: StoredEvent = {
    _index: 'events',
    _id: 'hostile',
    _source: {
      utctimestamp: '2026-11-01T11:59:00+00:00',
      receivedtimestamp: '2026-11-01T11:59:00+00:00',
      hostname,
      summary: hostname,
    },
  };
  return createEmbeddedStore({ events: [event] });
}

async function hits(hostname: string, clause: Clause): Promise<number> {
  const { total } = await storeWith(hostname).search({
    criteria: search({ minutes: 5 }).must(clause).build(),
    now: NOW,
  });
  return total;
}

/** The error a thunk throws (fails the test when it throws none). */
function errorOf(thunk: () => unknown): Error {
  try {
    thunk();
  } catch (error) {
    return error as Error;
  }
  throw new Error('no error');
}

describe('hostile patterns are automata: linear in the value, identical answers', () => {
  it('hostname:/(a+)+b/ over 30 × a + c: no match (and 30 × a + b matches)', async () => {
    const bad = `${'a'.repeat(30)}c`;
    expect(await hits(bad, queryString('hostname:/(a+)+b/'))).toBe(0);
    expect(await hits(`${'a'.repeat(30)}b`, queryString('hostname:/(a+)+b/'))).toBe(1);
    expect(await hits(bad, regexp('hostname', '(a+)+b'))).toBe(0);
  });

  it('/.*.*.*.*.*x/ and *a*a*a*a*a*a*a*b over a 3,000-character value', async () => {
    const long = 'a'.repeat(3000);
    expect(await hits(long, queryString('hostname:/.*.*.*.*.*x/'))).toBe(0);
    expect(await hits(`${long}x`, queryString('hostname:/.*.*.*.*.*x/'))).toBe(1);
    expect(await hits(long, wildcard('hostname', '*a*a*a*a*a*a*a*b'))).toBe(0);
    expect(await hits(`${long}b`, wildcard('hostname', '*a*a*a*a*a*a*a*b'))).toBe(1);
    expect(await hits(long, queryString('hostname:*a*a*a*a*a*a*a*b'))).toBe(0);
  });

  it('refuses a regexp longer than max_regex_length (1,000), naming it', () => {
    const error = errorOf(() => regexp('hostname', 'a'.repeat(1001)));
    expect(error.message).toContain('regexp /aaaa');
    expect(error.message).toContain(
      'the length of regex [1001] has exceeded the allowed maximum of [1000]',
    );
  });

  it('refuses a regexp that needs more than 10,000 determinized states, also in a query string', () => {
    expect(errorOf(() => regexp('hostname', '(a|b)*a(a|b){20}')).message).toContain(
      'regexp /(a|b)*a(a|b){20}/ is too complex: determinizing it would need more than 10000 states',
    );
    const index = new EventIndex(parseMapping(MOZDEF_EVENTS_MAPPING));
    expect(
      errorOf(() =>
        compileClause(index, { type: 'queryString', query: 'hostname:/(a|b)*a(a|b){20}/' }),
      ).message,
    ).toContain('is too complex');
  });
});

describe('hostile query shapes: Elasticsearch’s limits, never a stack overflow', () => {
  it('a DSL query nested 20,000 bools deep is refused (max_nested_depth)', () => {
    const json = `${'{"bool":{"must":['.repeat(20_000)}{"match_all":{}}${']}}'.repeat(20_000)}`;
    const error = errorOf(() => fromElasticsearch(JSON.parse(json) as Record<string, unknown>));
    expect(isAlertkitError(error)).toBe(true);
    expect(error.message).toContain(
      'The nested depth of the query exceeds the maximum nested depth for bool queries set in [indices.query.bool.max_nested_depth]',
    );
  });

  it('a bool with 5,000 clauses is refused (max_clause_count)', () => {
    const should = Array.from({ length: 5000 }, (_, i) => ({ term: { hostname: `h${i}` } }));
    expect(errorOf(() => fromElasticsearch({ bool: { should } })).message).toContain(
      'too many clauses',
    );
  });

  it('a query string with 20,000 nested parentheses is a parser error, shown in part', () => {
    const query = `${'('.repeat(20_000)}a${')'.repeat(20_000)}`;
    const error = errorOf(() => parseQueryString(query));
    expect(isAlertkitError(error) && error.code).toBe('QUERY_SYNTAX');
    expect(error.message).toContain('nested parentheses');
    expect(error.message.length).toBeLessThan(400);
  });
});

describe('the query-string parser fails cleanly on any input (seeded fuzz)', () => {
  it('10,000 random and adversarial strings: a result or the parser’s own error, nothing else', () => {
    const index = new EventIndex(parseMapping(MOZDEF_EVENTS_MAPPING));
    const unexpected: string[] = [];
    let parsed = 0;
    for (const query of fuzzQueries(18, 10_000)) {
      try {
        // Parse, then compile (regexps and wildcards become automata there).
        compileClause(index, { type: 'queryString', query });
        parsed++;
      } catch (error) {
        const code = isAlertkitError(error) ? error.code : undefined;
        if (code !== 'QUERY_SYNTAX' && code !== 'QUERY_INVALID')
          unexpected.push(`${JSON.stringify(query.slice(0, 120))}: ${String(error)}`);
      }
    }
    expect(unexpected.slice(0, 5)).toEqual([]);
    // The generator reaches both sides: queries that parse and queries that do not.
    expect(parsed).toBeGreaterThan(1000);
    expect(parsed).toBeLessThan(9000);
  });
});
