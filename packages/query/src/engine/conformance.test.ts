import type { Clause, JsonObject } from '@alertkit/core';
import { describe, expect, it } from 'vitest';
import { createEmbeddedStore } from './embeddedStore.js';

/**
 * Semantics §1.4: MozDef's own matcher tests. Each indexes ONE document and runs the matcher
 * as the only `must` (1 hit when it matches) and as the only `must_not` (the opposite).
 */
async function matches(source: JsonObject, clause: Clause): Promise<boolean> {
  const store = createEmbeddedStore();
  store.add({ _index: 'events', _id: '1', _source: source });
  const now = new Date('2017-01-01T00:00:00Z');
  const asMust =
    (await store.search({ criteria: { query: { type: 'bool', must: [clause] } }, now })).total ===
    1;
  const asMustNot =
    (await store.search({ criteria: { query: { type: 'bool', mustNot: [clause] } }, now }))
      .total === 1;
  expect(asMustNot, 'must_not is the opposite of must').toBe(!asMust);
  return asMust;
}

type Case = [JsonObject, boolean];
const summaries = (yes: string[], no: string[]): Case[] => [
  ...yes.map((summary): Case => [{ summary }, true]),
  ...no.map((summary): Case => [{ summary }, false]),
];

const match = (field: string, value: string): Clause => ({ type: 'match', field, value });

describe('TermMatch (Elasticsearch match)', () => {
  it.each(
    summaries(
      ['test', 'Test', 'test summary', 'example test summary'],
      [
        'testing',
        'example summary tes',
        'test.mozilla.domain',
        'mozilla.test.domain',
        'mozilla.test',
      ],
    ),
  )('summary "test" vs %j -> %s', async (source, expected) =>
    expect(await matches(source, match('summary', 'test'))).toBe(expected),
  );

  it.each(['LDAP', 'lDaP', 'ldap'])('summary LDAP/ldap both match %s', async (summary) => {
    expect(await matches({ summary }, match('summary', 'LDAP'))).toBe(true);
    expect(await matches({ summary }, match('summary', 'ldap'))).toBe(true);
  });

  it('does not split on underscores and never matches part of a token', async () => {
    expect(
      await matches(
        { summary: 'LDaP_InVaLID_CREDeNTiALS' },
        match('summary', 'LDAP_INVALID_CREDENTIALS'),
      ),
    ).toBe(true);
    expect(await matches({ summary: 'summary' }, match('summary', 'sum'))).toBe(false);
  });

  it.each<Case>([
    [{ hostname: 'hostname.domain.com' }, true],
    [{ hostname: 'sub.hostname.domain.com' }, false],
    [{ hostname: 'hostnames.domain.com' }, false],
    [{ hostname: 'domain.com' }, false],
  ])('hostname (keyword) is whole-value equality: %j -> %s', async (source, expected) => {
    expect(await matches(source, match('hostname', 'hostname.domain.com'))).toBe(expected);
  });

  it('matches any element of an array, exactly and case-sensitively', async () => {
    expect(await matches({ somekey: ['tag', 'other'] }, match('somekey', 'tag'))).toBe(true);
    expect(await matches({ somekey: ['atag', 'tagging'] }, match('somekey', 'tag'))).toBe(false);
    expect(
      await matches(
        { details: { results: 'LDAP_INVALID_CREDENTIALS' } },
        match('details.results', 'LDAP_INVALID_CREDENTIALS'),
      ),
    ).toBe(true);
    expect(
      await matches({ details: { resultss: 'LDAP' } }, match('details.resultss', 'ldap')),
    ).toBe(false);
  });
});

describe('PhraseMatch (match_phrase)', () => {
  const clause: Clause = { type: 'phrase', field: 'summary', value: 'test run' };
  it.each(summaries(['this is test run source'], ['test sample run', 'example test running']))(
    '"test run" vs %j -> %s',
    async (source, expected) => {
      expect(await matches(source, clause)).toBe(expected);
    },
  );

  it('looks at summary only, and ignores punctuation', async () => {
    expect(await matches({ notes: 'test run' }, clause)).toBe(false);
    for (const summary of ['/test/abc', '/test/abc/def', 'path /test/abc']) {
      expect(
        await matches({ summary }, { type: 'phrase', field: 'summary', value: '/test/abc' }),
      ).toBe(true);
    }
    expect(
      await matches(
        { summary: 'we are testing' },
        { type: 'phrase', field: 'summary', value: 'test' },
      ),
    ).toBe(false);
  });
});

describe('TermsMatch (terms, unanalysed)', () => {
  it('needs one listed value to equal an indexed token', async () => {
    expect(
      await matches(
        { summary: 'a test here' },
        { type: 'terms', field: 'summary', values: ['test', 'redfred'] },
      ),
    ).toBe(true);
    expect(
      await matches(
        { summary: 'redfred' },
        { type: 'terms', field: 'summary', values: ['test', 'redfred'] },
      ),
    ).toBe(true);
    expect(
      await matches(
        { summary: 'example summary' },
        { type: 'terms', field: 'summary', values: ['test', 'exam'] },
      ),
    ).toBe(false);
    expect(
      await matches({ summary: 'Test' }, { type: 'terms', field: 'summary', values: ['Test'] }),
    ).toBe(false);
  });
});

describe('WildcardMatch', () => {
  it.each(summaries(['test summary', 'example summary test'], ['tabs 4 spaces']))(
    'summary te* vs %j -> %s',
    async (source, expected) => {
      expect(await matches(source, { type: 'wildcard', field: 'summary', pattern: 'te*' })).toBe(
        expected,
      );
    },
  );

  it('*te* matches inside a token', async () => {
    expect(
      await matches(
        { summary: 'abcteabc' },
        { type: 'wildcard', field: 'summary', pattern: '*te*' },
      ),
    ).toBe(true);
    expect(
      await matches(
        { summary: 'abc te abc' },
        { type: 'wildcard', field: 'summary', pattern: '*te*' },
      ),
    ).toBe(true);
  });

  it.each<Case>([
    [{ details: { ip: '192.168.1.1' } }, true],
    [{ details: { ip: '19.168.1.1' } }, true],
    [{ details: { ip: '10.19.1.1' } }, false],
  ])('details.ip (keyword) 19* vs %j -> %s', async (source, expected) => {
    expect(await matches(source, { type: 'wildcard', field: 'details.ip', pattern: '19*' })).toBe(
      expected,
    );
  });

  it('*1.0 matches the end of a keyword', async () => {
    expect(
      await matches(
        { details: { ip: '192.168.1.0' } },
        { type: 'wildcard', field: 'details.ip', pattern: '*1.0' },
      ),
    ).toBe(true);
  });
});

describe('ExistsMatch', () => {
  it('needs a value at the field', async () => {
    expect(
      await matches({ details: { note: 'test' } }, { type: 'exists', field: 'details.note' }),
    ).toBe(true);
    expect(
      await matches(
        { details: { ipaddress: '1.2.3.4' } },
        { type: 'exists', field: 'details.note' },
      ),
    ).toBe(false);
  });
});

describe('SubnetMatch', () => {
  it.each(['10.1.1.1', '10.1.1.200', '10.1.1.255'])(
    '10.1.1.0/24 matches %s, 10.1.2.0/24 does not',
    async (ip) => {
      const source = { details: { sourceipaddress: ip } };
      expect(
        await matches(source, {
          type: 'subnet',
          field: 'details.sourceipaddress',
          cidr: '10.1.1.0/24',
        }),
      ).toBe(true);
      expect(
        await matches(source, {
          type: 'subnet',
          field: 'details.sourceipaddress',
          cidr: '10.1.2.0/24',
        }),
      ).toBe(false);
    },
  );

  it('10.1.2.0/24 does not match 8.1.1.2', async () => {
    expect(
      await matches(
        { details: { sourceipaddress: '8.1.1.2' } },
        { type: 'subnet', field: 'details.sourceipaddress', cidr: '10.1.2.0/24' },
      ),
    ).toBe(false);
  });
});

describe('RangeMatch / LessThanMatch on utctimestamp', () => {
  const begin = '2017-01-01T00:00:12.316450+00:00';
  const end = '2017-01-01T00:00:42.316450+00:00';
  it('includes both bounds exactly', async () => {
    for (const utctimestamp of [begin, end, '2017-01-01T00:00:30+00:00']) {
      expect(
        await matches(
          { utctimestamp },
          { type: 'range', field: 'utctimestamp', gte: begin, lte: end },
        ),
      ).toBe(true);
    }
    expect(
      await matches(
        { utctimestamp: '2017-01-01T00:00:42.416450+00:00' },
        { type: 'range', field: 'utctimestamp', gte: begin, lte: end },
      ),
    ).toBe(false);
  });

  it('lessThan excludes the bound itself and anything 0.1 s later', async () => {
    expect(
      await matches({ utctimestamp: end }, { type: 'range', field: 'utctimestamp', lt: end }),
    ).toBe(false);
    expect(
      await matches(
        { utctimestamp: '2017-01-01T00:00:42.416450+00:00' },
        { type: 'range', field: 'utctimestamp', lt: end },
      ),
    ).toBe(false);
    expect(
      await matches(
        { utctimestamp: '2017-01-01T00:00:42.216450+00:00' },
        { type: 'range', field: 'utctimestamp', lt: end },
      ),
    ).toBe(true);
  });
});

describe('should alone', () => {
  it('exists summary OR exists nonexistentfield matches a doc with a summary', async () => {
    const store = createEmbeddedStore({
      events: [{ _index: 'events', _id: '1', _source: { summary: 'x' } }],
    });
    const query: Clause = {
      type: 'bool',
      should: [
        { type: 'exists', field: 'summary' },
        { type: 'exists', field: 'nonexistentfield' },
      ],
    };
    expect((await store.search({ criteria: { query }, now: new Date() })).total).toBe(1);
  });
});

describe('QueryStringMatch (Lucene syntax via parseQueryString)', () => {
  const qs = (query: string): Clause => ({ type: 'queryString', query });
  it.each(summaries(['test', 'conf', 'test conf'], ['testing', 'configuration']))(
    '"summary: test conf" vs %j -> %s',
    async (source, expected) => {
      expect(await matches(source, qs('summary: test conf'))).toBe(expected);
    },
  );

  it.each(summaries(['test.exe', 'test.sh'], ['test.exe.abcd', 'testexe', '.exe.test']))(
    '"summary: /.*\\.(exe|sh)/" vs %j -> %s',
    async (source, expected) => {
      expect(await matches(source, qs('summary: /.*\\.(exe|sh)/'))).toBe(expected);
    },
  );

  it('regex on a keyword must match the whole value', async () => {
    const query = qs('hostname: /(.*\\.)*(groupa|groupb)\\.(.*\\.)*subdomain\\.(.*\\.)*.*/');
    expect(await matches({ hostname: 'host1.groupa.subdomain.company.com' }, query)).toBe(true);
    expect(await matches({ hostname: 'host1.groupaa.subdomain.company.com' }, query)).toBe(false);
  });

  it('a bare term searches every field; phrases, wildcards, ranges and _exists_ work', async () => {
    const source = {
      hostname: 'ABC12345436',
      summary: 'session opened for user root',
      details: { sourceipaddress: '10.1.1.5' },
    };
    expect(await matches(source, qs('ABC12345436'))).toBe(true);
    expect(await matches(source, qs('summary:"session opened"'))).toBe(true);
    expect(await matches(source, qs('hostname:ABC* AND summary:sess*'))).toBe(true);
    expect(await matches(source, qs('details.sourceipaddress: [10.1.1.0 TO 10.1.1.255]'))).toBe(
      true,
    );
    expect(
      await matches(source, qs('_exists_:details.sourceipaddress AND NOT hostname:other')),
    ).toBe(true);
  });
});
