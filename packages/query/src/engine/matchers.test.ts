import type { Clause, JsonObject } from '@alertkit/core';
import { describe, expect, it } from 'vitest';
import { createEmbeddedStore } from './embeddedStore.js';

/** The ids (in store order) of the sources matching the clause; each source is one event. */
async function hits(sources: JsonObject[], clause: Clause): Promise<string[]> {
  const store = createEmbeddedStore({
    events: sources.map((_source, i) => ({ _index: 'events', _id: String(i), _source })),
  });
  const result = await store.search({
    criteria: { query: { type: 'bool', must: [clause] } },
    now: new Date(),
  });
  return result.hits.map((h) => h._id);
}

async function matches(source: JsonObject, clause: Clause): Promise<boolean> {
  return (await hits([source], clause)).length === 1;
}

async function queryError(source: JsonObject, clause: Clause): Promise<string> {
  try {
    await hits([source], clause);
  } catch (error) {
    return `${(error as { code?: string }).code}: ${(error as Error).message}`;
  }
  return 'no error';
}

describe('text (summary): case, punctuation, IPs and e-mail addresses', () => {
  const sshd = {
    summary: 'Failed password for Root from 10.0.0.1 port 22 ssh2; user foo@mozilla.com (pam_unix)',
  };
  it('is case-insensitive and keeps dotted numbers, domains and underscores whole', async () => {
    expect(await matches(sshd, { type: 'match', field: 'summary', value: 'ROOT' })).toBe(true);
    expect(await matches(sshd, { type: 'match', field: 'summary', value: '10.0.0.1' })).toBe(true);
    expect(await matches(sshd, { type: 'term', field: 'summary', value: '10.0.0' })).toBe(false);
    expect(await matches(sshd, { type: 'term', field: 'summary', value: 'mozilla.com' })).toBe(
      true,
    );
    expect(await matches(sshd, { type: 'term', field: 'summary', value: 'foo@mozilla.com' })).toBe(
      false,
    );
    expect(await matches(sshd, { type: 'term', field: 'summary', value: 'pam_unix' })).toBe(true);
    expect(
      await matches(sshd, { type: 'phrase', field: 'summary', value: 'user foo@mozilla.com' }),
    ).toBe(true);
    expect(
      await matches(sshd, { type: 'phrase', field: 'summary', value: 'FAILED password, for root' }),
    ).toBe(true);
  });

  it('ORs the tokens of a match by default; operator and / minimum_should_match tighten it', async () => {
    const clause = (extra: Partial<Extract<Clause, { type: 'match' }>>): Clause => ({
      type: 'match',
      field: 'summary',
      value: 'password nothing absent',
      ...extra,
    });
    expect(await matches(sshd, clause({}))).toBe(true);
    expect(await matches(sshd, clause({ operator: 'and' }))).toBe(false);
    expect(await matches(sshd, clause({ minimumShouldMatch: 2 }))).toBe(false);
    expect(await matches(sshd, clause({ minimumShouldMatch: '30%' }))).toBe(true);
    expect(
      await matches(sshd, {
        type: 'match',
        field: 'summary',
        value: 'password root',
        operator: 'and',
      }),
    ).toBe(true);
  });

  it('a value with no tokens matches nothing unless zero_terms_query is all', async () => {
    expect(await matches(sshd, { type: 'match', field: 'summary', value: '--- ;' })).toBe(false);
    expect(
      await matches(sshd, {
        type: 'match',
        field: 'summary',
        value: '--- ;',
        zeroTermsQuery: 'all',
      }),
    ).toBe(true);
  });

  it('handles unicode letters and lower-cases them', async () => {
    const source = { summary: 'Überprüfung FEHLGESCHLAGEN für Jürgen' };
    expect(await matches(source, { type: 'match', field: 'summary', value: 'ÜBERPRÜFUNG' })).toBe(
      true,
    );
    expect(
      await matches(source, { type: 'phrase', field: 'summary', value: 'fehlgeschlagen für' }),
    ).toBe(true);
    expect(
      await matches({ hostname: 'Jürgen' }, { type: 'match', field: 'hostname', value: 'jürgen' }),
    ).toBe(false);
  });

  it('phrases allow slop and never span two values of an array', async () => {
    expect(
      await matches(
        { summary: 'test sample run' },
        { type: 'phrase', field: 'summary', value: 'test run', slop: 1 },
      ),
    ).toBe(true);
    expect(
      await matches(
        { summary: 'run test' },
        { type: 'phrase', field: 'summary', value: 'test run', slop: 1 },
      ),
    ).toBe(false);
    expect(
      await matches(
        { summary: 'run test' },
        { type: 'phrase', field: 'summary', value: 'test run', slop: 2 },
      ),
    ).toBe(true);
    const twoValues = { summary: ['accepted publickey', 'for root'] };
    expect(
      await matches(twoValues, { type: 'phrase', field: 'summary', value: 'publickey for' }),
    ).toBe(false);
    expect(await matches(twoValues, { type: 'phrase', field: 'summary', value: 'for root' })).toBe(
      true,
    );
  });

  it('uses DSL wildcard, prefix and regexp patterns as given on text (Elasticsearch 8), or case-insensitively when asked', async () => {
    expect(await matches(sshd, { type: 'wildcard', field: 'summary', pattern: 'PASS*' })).toBe(
      false,
    );
    expect(await matches(sshd, { type: 'wildcard', field: 'summary', pattern: 'pass*' })).toBe(
      true,
    );
    expect(
      await matches(sshd, {
        type: 'wildcard',
        field: 'summary',
        pattern: 'PASS*',
        caseInsensitive: true,
      }),
    ).toBe(true);
    expect(await matches(sshd, { type: 'prefix', field: 'summary', value: 'Pam_' })).toBe(false);
    expect(
      await matches(sshd, {
        type: 'prefix',
        field: 'summary',
        value: 'Pam_',
        caseInsensitive: true,
      }),
    ).toBe(true);
    expect(await matches(sshd, { type: 'regexp', field: 'summary', pattern: 'PASS.*' })).toBe(
      false,
    );
    expect(
      await matches(sshd, {
        type: 'regexp',
        field: 'summary',
        pattern: 'PASS.*',
        caseInsensitive: true,
      }),
    ).toBe(true);
    expect(
      await matches(
        { summary: 'run test.exe now' },
        { type: 'regexp', field: 'summary', pattern: '.*\\.(exe|sh)' },
      ),
    ).toBe(true);
    expect(
      await matches(
        { summary: 'test.exe.abcd' },
        { type: 'regexp', field: 'summary', pattern: '.*\\.(exe|sh)' },
      ),
    ).toBe(false);
  });
});

describe('keyword fields', () => {
  it('are exact and case-sensitive; numbers match as their JSON text', async () => {
    expect(
      await matches(
        { details: { program: 'sshd' } },
        { type: 'match', field: 'details.program', value: 'SSHD' },
      ),
    ).toBe(false);
    expect(
      await matches(
        { details: { destinationport: 443 } },
        { type: 'match', field: 'details.destinationport', value: '443' },
      ),
    ).toBe(true);
    expect(
      await matches(
        { details: { destinationport: '443' } },
        { type: 'term', field: 'details.destinationport', value: 443 },
      ),
    ).toBe(true);
    expect(
      await matches(
        { details: { count: 7 } },
        { type: 'terms', field: 'details.count', values: [6, '7'] },
      ),
    ).toBe(true);
  });

  it('compare ranges as strings (code points), as Lucene does', async () => {
    const clause: Clause = {
      type: 'range',
      field: 'details.destinationport',
      gte: '10',
      lte: '50',
    };
    expect(await matches({ details: { destinationport: 9 } }, clause)).toBe(false);
    expect(await matches({ details: { destinationport: 100 } }, clause)).toBe(true);
  });

  it('regexps are anchored to the whole value', async () => {
    const clause: Clause = {
      type: 'regexp',
      field: 'hostname',
      pattern: '(.*\\.)*(groupa|groupb)\\.(.*\\.)*subdomain\\.(.*\\.)*.*',
    };
    expect(await matches({ hostname: 'host1.groupa.subdomain.company.com' }, clause)).toBe(true);
    expect(await matches({ hostname: 'host1.groupaa.subdomain.company.com' }, clause)).toBe(false);
  });

  it('arrays of arrays are flattened into one multi-valued field', async () => {
    const source = {
      details: { changepairs: [['delete:member', 'cn=x,dc=mozilla'], ['add:other']] },
    };
    expect(
      await matches(source, {
        type: 'wildcard',
        field: 'details.changepairs',
        pattern: 'delete:*member*',
      }),
    ).toBe(true);
    expect(
      await matches(source, { type: 'match', field: 'details.changepairs', value: 'add:other' }),
    ).toBe(true);
  });

  it('arrays of objects index each sub-field multi-valued (not nested)', async () => {
    const source = {
      details: {
        users: [
          { name: 'alice', role: 'admin' },
          { name: 'bob', role: 'user' },
        ],
      },
    };
    expect(
      await matches(source, { type: 'match', field: 'details.users.name', value: 'bob' }),
    ).toBe(true);
    // Not nested: alice and user come from different objects and still both match.
    const both: Clause = {
      type: 'bool',
      must: [
        { type: 'match', field: 'details.users.name', value: 'alice' },
        { type: 'match', field: 'details.users.role', value: 'user' },
      ],
    };
    expect(await matches(source, both)).toBe(true);
  });
});

describe('missing fields and exists', () => {
  it('an unknown field matches nothing, and its must_not excludes nothing', async () => {
    expect(
      await hits([{ a: 'x' }, { b: 'y' }], { type: 'match', field: 'nosuchfield', value: 'x' }),
    ).toEqual([]);
    expect(
      await hits([{ a: 'x' }, { b: 'y' }], {
        type: 'bool',
        mustNot: [{ type: 'match', field: 'nosuchfield', value: 'x' }],
      }),
    ).toEqual(['0', '1']);
  });

  it('null and [] do not exist, "" does, an object exists through its sub-fields', async () => {
    const ids = await hits(
      [
        { details: { note: null } },
        { details: { note: [] } },
        { details: { note: '' } },
        { details: { note: [null, 'x'] } },
      ],
      { type: 'exists', field: 'details.note' },
    );
    expect(ids).toEqual(['2', '3']);
    expect(
      await hits([{ details: { finding: { action: 'x' } } }, { details: { other: 1 } }], {
        type: 'exists',
        field: 'details.finding',
      }),
    ).toEqual(['0']);
    expect(await matches({ summary: '' }, { type: 'exists', field: 'summary' })).toBe(true);
  });
});

describe('typed fields', () => {
  it('ip: an address or a CIDR, compared as IPs (IPv6 too)', async () => {
    const v4 = { details: { sourceipaddress: '10.20.30.40' } };
    expect(
      await matches(v4, { type: 'match', field: 'details.sourceipaddress', value: '10.0.0.0/8' }),
    ).toBe(true);
    expect(
      await matches(v4, { type: 'term', field: 'details.sourceipaddress', value: '10.20.30.40' }),
    ).toBe(true);
    expect(
      await matches(v4, {
        type: 'range',
        field: 'details.sourceipaddress',
        gte: '10.20.30.9',
        lte: '10.20.30.100',
      }),
    ).toBe(true);
    const v6 = { details: { sourceipaddress: '2001:DB8::1' } };
    expect(
      await matches(v6, {
        type: 'subnet',
        field: 'details.sourceipaddress',
        cidr: '2001:db8::/32',
      }),
    ).toBe(true);
    expect(
      await matches(v6, {
        type: 'terms',
        field: 'details.sourceipaddress',
        values: ['2001:db8:0::1', '1.2.3.4'],
      }),
    ).toBe(true);
  });

  it('ip: a non-IP value rejects the query, naming field and value; lenient skips it', async () => {
    const v4 = { details: { sourceipaddress: '10.20.30.40' } };
    expect(
      await queryError(v4, { type: 'match', field: 'details.sourceipaddress', value: '' }),
    ).toMatch(/^QUERY_INVALID: match on field "details.sourceipaddress": "" is not an IP/);
    expect(
      await queryError(v4, { type: 'wildcard', field: 'details.sourceipaddress', pattern: '10.*' }),
    ).toMatch(/^QUERY_INVALID: wildcard on field "details.sourceipaddress"/);
    expect(
      await matches(v4, {
        type: 'match',
        field: 'details.sourceipaddress',
        value: 'host',
        lenient: true,
      }),
    ).toBe(false);
  });

  it('boolean: true/false and their strings; anything else is an invalid query', async () => {
    expect(
      await matches(
        { details: { success: true } },
        { type: 'match', field: 'details.success', value: 'true' },
      ),
    ).toBe(true);
    expect(
      await matches(
        { details: { success: 'false' } },
        { type: 'match', field: 'details.success', value: false },
      ),
    ).toBe(true);
    expect(
      await matches(
        { details: { success: true } },
        { type: 'match', field: 'details.success', value: 'false' },
      ),
    ).toBe(false);
    expect(
      await queryError(
        { details: { success: true } },
        { type: 'match', field: 'details.success', value: 'yes' },
      ),
    ).toMatch(/QUERY_INVALID.*details\.success.*"yes" is not a boolean/);
  });

  it('date: offsets are instants; a date-only value matches its whole day', async () => {
    const source = { utctimestamp: '2017-01-01T23:30:00-02:00' }; // 2017-01-02T01:30Z
    expect(
      await matches(source, {
        type: 'match',
        field: 'utctimestamp',
        value: '2017-01-02T01:30:00Z',
      }),
    ).toBe(true);
    expect(
      await matches(source, { type: 'match', field: 'utctimestamp', value: '2017-01-02' }),
    ).toBe(true);
    expect(
      await matches(source, { type: 'match', field: 'utctimestamp', value: '2017-01-01' }),
    ).toBe(false);
    expect(await matches(source, { type: 'range', field: 'utctimestamp', gt: '2017-01-02' })).toBe(
      false,
    );
    expect(await matches(source, { type: 'range', field: 'utctimestamp', lte: '2017-01-02' })).toBe(
      true,
    );
    expect(
      await queryError(source, { type: 'range', field: 'utctimestamp', gte: 'now-5m' }),
    ).toMatch(/QUERY_INVALID.*"now-5m" is not a dateOptionalTime date/);
  });

  it('numbers in a long field compare numerically', async () => {
    const store = createEmbeddedStore({
      mapping: { properties: { n: { type: 'long' } } },
      events: [5, 10, 100].map((n, i) => ({ _index: 'e', _id: String(i), _source: { n } })),
    });
    const search = async (clause: Clause): Promise<number> =>
      (
        await store.search({
          criteria: { query: { type: 'bool', must: [clause] } },
          now: new Date(),
        })
      ).total;
    expect(await search({ type: 'range', field: 'n', gt: 5, lte: 100 })).toBe(2);
    expect(await search({ type: 'range', field: 'n', gte: '9.5' })).toBe(2);
    expect(await search({ type: 'match', field: 'n', value: '10' })).toBe(1);
    expect(await search({ type: 'match', field: 'n', value: 10.5 })).toBe(0);
  });
});

describe('every field (*), as a query_string without a field', () => {
  it('searches all fields leniently', async () => {
    const source = {
      hostname: 'ABC12345436',
      details: { sourceipaddress: '1.2.3.4', success: true },
      utctimestamp: '2017-01-01T00:00:00Z',
    };
    expect(await matches(source, { type: 'match', field: '*', value: 'ABC12345436' })).toBe(true);
    expect(await matches(source, { type: 'match', field: '*', value: '1.2.3.4' })).toBe(true);
    expect(await matches(source, { type: 'match', field: '*', value: 'nothing' })).toBe(false);
    expect(await matches(source, { type: 'wildcard', field: '*', pattern: 'ABC*' })).toBe(true);
    expect(
      await matches(source, { type: 'range', field: '*', gte: '1.2.3.0', lte: '1.2.3.9' }),
    ).toBe(true);
  });
});

describe('bool (Elasticsearch 7)', () => {
  const sources: JsonObject[] = [{ a: 'x', b: 'y' }, { a: 'x' }, { b: 'y' }, {}];
  const ax: Clause = { type: 'match', field: 'a', value: 'x' };
  const by: Clause = { type: 'match', field: 'b', value: 'y' };
  it('should beside must is optional unless minimumShouldMatch says so', async () => {
    expect(await hits(sources, { type: 'bool', must: [ax], should: [by] })).toEqual(['0', '1']);
    expect(
      await hits(sources, { type: 'bool', must: [ax], should: [by], minimumShouldMatch: 1 }),
    ).toEqual(['0']);
    expect(await hits(sources, { type: 'bool', should: [ax, by] })).toEqual(['0', '1', '2']);
    expect(await hits(sources, { type: 'bool', should: [ax, by], minimumShouldMatch: 2 })).toEqual([
      '0',
    ]);
    expect(await hits(sources, { type: 'bool', filter: [by], mustNot: [ax] })).toEqual(['2']);
  });

  it('a purely negative bool matches everything else; an empty one everything', async () => {
    expect(await hits(sources, { type: 'bool', mustNot: [ax] })).toEqual(['2', '3']);
    expect(await hits(sources, { type: 'bool' })).toEqual(['0', '1', '2', '3']);
    expect(
      await hits(sources, { type: 'bool', must: [{ type: 'bool', mustNot: [ax, by] }] }),
    ).toEqual(['3']);
  });
});
