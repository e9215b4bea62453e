import { describe, expect, it } from 'vitest';
import type { Criteria, StoredEvent } from '@alertkit/core';
import { anyOf, search, type SearchBuilder } from './builder.js';
import { createEmbeddedStore } from './engine/embeddedStore.js';
import { fromElasticsearch } from './fromElasticsearch.js';
import {
  exists,
  fuzzy,
  lessThan,
  match,
  phrase,
  prefix,
  queryString,
  range,
  regexp,
  subnet,
  terms,
  wildcard,
} from './matchers.js';
import { toElasticsearch } from './toElasticsearch.js';

/*
 * The two back ends on one table of cases: the embedded engine evaluates the criteria, and the
 * Elasticsearch request body that toElasticsearch sends for the same criteria, read back as
 * Elasticsearch 7 understands DSL (fromElasticsearch) and evaluated, must select the same
 * events (the window arrives as absolute timestamps in the DSL). Each case states the
 * expected ids too, so the table pins the semantics, not only the agreement.
 */
const NOW = new Date('2017-01-01T01:00:00Z');
const ago = (seconds: number) => new Date(NOW.getTime() - seconds * 1000).toISOString();

function doc(id: string, source: Record<string, unknown>): StoredEvent {
  return {
    _index: 'events',
    _id: id,
    _source: { utctimestamp: ago(30), receivedtimestamp: ago(30), ...source },
  };
}

const EVENTS: StoredEvent[] = [
  doc('ssh', {
    summary: 'Failed password for invalid user ADMIN from 10.1.2.3 port 22 ssh2',
    hostname: 'web1.example.org',
    details: { program: 'sshd', sourceipaddress: '10.1.2.3', destinationport: 22 },
  }),
  doc('mail', {
    summary: 'Login by foo@mozilla.com from 2001:db8::7',
    hostname: 'sso.example.org',
    details: { sourceipaddress: '2001:db8::7', username: 'foo@mozilla.com' },
  }),
  doc('path', {
    summary: 'GET /test/abc/def returned test.exe',
    details: { destination: 'http://x.example/run.SH', host: '1.idonotexist.com' },
  }),
  doc('tags', {
    summary: 'tagged',
    tags: ['auth0', 'sso'],
    details: { changepairs: [['delete:member', 'cn=x']], success: false },
  }),
  doc('objects', {
    summary: 'arrays of objects',
    details: {
      findings: [
        { type: 'probe', port: 80 },
        { type: 'scan', port: 443 },
      ],
    },
  }),
  doc('unicode', { summary: 'Ünïcödé ΟΔΟΣ İstanbul 東京 déjà-vu', hostname: 'ÉCOLE' }),
  doc('empty', { summary: '', hostname: '', details: { note: null, list: [] } }),
  doc('edge', {
    utctimestamp: ago(120),
    receivedtimestamp: ago(600),
    summary: 'exactly at the window edge',
  }),
  doc('old-received-new', {
    utctimestamp: ago(3600),
    receivedtimestamp: ago(10),
    summary: 'late arrival',
  }),
  doc('offset', {
    utctimestamp: '2017-01-01T02:59:50+02:00',
    receivedtimestamp: '2017-01-01T02:59:50+02:00',
    summary: 'timestamp with an offset',
  }),
  doc('future', {
    utctimestamp: '2017-01-01T01:00:01+00:00',
    receivedtimestamp: '2017-01-01T01:00:01+00:00',
    summary: 'from the future',
  }),
];

const CASES: [string, SearchBuilder, string[]][] = [
  // Elasticsearch 8: DSL patterns are used as given (text terms are lower case), unless
  // case_insensitive; query-string wildcards are normalised, query-string regexps are not.
  [
    'ES 8: a DSL wildcard is case-sensitive on text',
    search().must(wildcard('summary', 'PASS*')),
    [],
  ],
  [
    'ES 8: a DSL wildcard with case_insensitive',
    search().must(wildcard('summary', 'PASS*', { caseInsensitive: true })),
    ['ssh'],
  ],
  [
    'ES 8: a DSL prefix with case_insensitive on a keyword',
    search().must(prefix('hostname', 'WEB1', { caseInsensitive: true })),
    ['ssh'],
  ],
  [
    'ES 8: a DSL regexp with case_insensitive',
    search().must(regexp('summary', 'PASS.*', { caseInsensitive: true })),
    ['ssh'],
  ],
  [
    'ES 8: a query-string wildcard is lower-cased on text',
    search().must(queryString('summary:PASS*')),
    ['ssh'],
  ],
  [
    'ES 8: a query-string regexp is not lower-cased',
    search().must(queryString('summary:/PASS.*/')),
    [],
  ],
  [
    'ES 8: regexp syntax RegExp.ALL (interval, intersection, complement)',
    search().must(regexp('details.destinationport', '<20-25>'), regexp('hostname', '.*&~(sso.*)')),
    ['ssh'],
  ],
  [
    'ES 8: fuzzy AUTO (1 edit for 5 characters)',
    search().must(fuzzy('summary', 'fialed')),
    ['ssh'],
  ],
  ['ES 8: fuzzy 0 is exact', search().must(fuzzy('summary', 'fialed', { fuzziness: 0 })), []],
  ['ES 8: query-string fuzzy term', search().must(queryString('summary:pasword~1')), ['ssh']],
  [
    'ES 8: a value a boolean field cannot parse matches nothing (lenient)',
    search().must(queryString('details.success:yes')),
    [],
  ],
  ['ES 8: a blank query string matches nothing', search().must(queryString('  ')), []],
  [
    'match on text is an OR of analysed tokens, any case',
    search().must(match('summary', 'PASSWORD nonsense')),
    ['ssh'],
  ],
  [
    'match on a keyword is exact and case-sensitive',
    search().must(match('hostname', 'web1.example.org')),
    ['ssh'],
  ],
  [
    'match on a keyword never matches another case',
    search().must(match('hostname', 'WEB1.example.org')),
    [],
  ],
  [
    'an e-mail address in text is two tokens',
    search().must(match('summary', 'mozilla.com')),
    ['mail'],
  ],
  [
    'a dotted IP in text is one token',
    search().must(phrase('summary', 'from 10.1.2.3 port')),
    ['ssh'],
  ],
  [
    'a phrase needs adjacent tokens in order',
    search().must(phrase('summary', 'user admin from')),
    ['ssh'],
  ],
  ['a phrase out of order does not match', search().must(phrase('summary', 'admin user')), []],
  ['a path phrase ignores the slashes', search().must(phrase('summary', '/test/abc')), ['path']],
  [
    'terms on text need lower-cased whole tokens',
    search().must(terms('summary', ['Failed', 'test.exe'])),
    ['path'],
  ],
  [
    'a number matches a keyword as its text',
    search().must(match('details.destinationport', '22')),
    ['ssh'],
  ],
  [
    'an IP field takes a CIDR in match',
    search().must(match('details.sourceipaddress', '10.0.0.0/8')),
    ['ssh'],
  ],
  [
    'subnet works for IPv6',
    search().must(subnet('details.sourceipaddress', '2001:db8::/32')),
    ['mail'],
  ],
  [
    'subnet excludes other networks',
    search().must(subnet('details.sourceipaddress', '10.1.3.0/24')),
    [],
  ],
  ['arrays match on any element', search().must(match('tags', 'sso')), ['tags']],
  [
    'arrays of arrays are flattened',
    search().must(wildcard('details.changepairs', 'delete:*member*')),
    ['tags'],
  ],
  [
    'arrays of objects are not nested: fields match across objects',
    search().must(match('details.findings.type', 'probe'), match('details.findings.port', '443')),
    ['objects'],
  ],
  ['a boolean field matches its value', search().must(match('details.success', false)), ['tags']],
  [
    'null and [] do not exist; "" does',
    search().must(anyOf(exists('details.note'), exists('details.list'), exists('hostname'))),
    ['ssh', 'mail', 'unicode', 'empty'],
  ],
  [
    'exists on an object path: any sub-field',
    search().must(exists('details.findings')),
    ['objects'],
  ],
  [
    'must_not of a missing field excludes nothing',
    search().must(match('summary', 'tagged')).mustNot(match('nosuchfield', 'x')),
    ['tags'],
  ],
  [
    'wildcard on a keyword is case-sensitive, whole value',
    search().must(wildcard('details.destination', '*.SH')),
    ['path'],
  ],
  [
    'regexp on a keyword is anchored',
    search().must(regexp('details.host', '[0-9a-fA-F]{1,4}.*')),
    ['path'],
  ],
  ['prefix on text tokens', search().must(prefix('summary', 'déj')), ['unicode']],
  [
    'unicode text is lower-cased per code point',
    search().must(match('summary', 'οδος istanbul')),
    ['unicode'],
  ],
  ['ideographs are one token each', search().must(phrase('summary', '東京')), ['unicode']],
  [
    'a range on a keyword compares strings by code point (É sorts after z, "" before a)',
    search().must(range('hostname', 'a', 'z')),
    ['ssh', 'mail'],
  ],
  [
    'lessThan on dates is strict',
    search().must(lessThan('utctimestamp', ago(600))),
    ['old-received-new'],
  ],
  [
    'query_string with fields, phrases and wildcards',
    search().must(queryString('details.program:sshd AND summary:"invalid user" AND hostname:web*')),
    ['ssh'],
  ],
  [
    'query_string without a field searches every field',
    search().must(queryString('ssh2')),
    ['ssh'],
  ],
  [
    'should needs one of its clauses',
    search()
      .must(match('summary', 'from'))
      .should(match('hostname', 'sso.example.org'), match('hostname', 'nowhere')),
    ['mail'],
  ],
  [
    'the window: utctimestamp OR receivedtimestamp in [now-2m, now], both edges included, offsets honoured',
    search({ minutes: 2 }).must(exists('summary')),
    [
      'ssh',
      'mail',
      'path',
      'tags',
      'objects',
      'unicode',
      'empty',
      'edge',
      'old-received-new',
      'offset',
    ],
  ],
];

describe('the engine and the Elasticsearch DSL agree on a shared table of cases', () => {
  const store = createEmbeddedStore({ events: EVENTS });

  it.each(CASES)('%s', async (_name, builder, expected) => {
    const criteria: Criteria = builder.build();
    const engine = await store.search({ criteria, now: NOW });
    expect(engine.hits.map((h) => h._id).sort()).toEqual([...expected].sort());

    const body = toElasticsearch(criteria, { now: NOW });
    const viaDsl = await store.search({
      criteria: { query: { type: 'bool', must: [fromElasticsearch(body.query)] } },
      now: NOW,
    });
    expect(viaDsl.hits.map((h) => h._id).sort()).toEqual(engine.hits.map((h) => h._id).sort());
  });
});
