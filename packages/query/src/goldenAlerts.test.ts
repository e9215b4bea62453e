/**
 * Golden tests: real MozDef alerts (../shared/spec/mozdef-alerts.md) built with the builder must
 * produce exactly the query MozDef sends. Each expected body below is MozDef's DSL written out
 * by hand: the alert's must clauses, then (aggregations) `exists` on the grouped field, then the
 * window; must_not ends with the de-duplication clause, which core's runCriteria adds (added here
 * with the builder to stand for it). alertkit's deliberate differences are marked: `size`,
 * `track_total_hits`, `aggs` and `minimum_should_match` next to `should`.
 */
import type { Criteria } from '@alertkit/core';
import { describe, expect, it } from 'vitest';
import {
  anyOf,
  allOf,
  exists,
  lessThan,
  match,
  phrase,
  queryString,
  search,
  terms,
  wildcard,
  type SearchBuilder,
} from './builder.js';
import { toElasticsearch, type ElasticsearchSearchBody } from './toElasticsearch.js';

// MozDef's alert tests freeze time at 2017-01-01 01:00:00 UTC.
const now = new Date('2017-01-01T01:00:00Z');
const END = '2017-01-01T01:00:00+00:00';

const dedup = (classname: string): unknown => ({ match: { alert_names: classname } });

function windowDsl(begin: string): unknown {
  return {
    bool: {
      should: [
        { range: { utctimestamp: { gte: begin, lte: END } } },
        { range: { receivedtimestamp: { gte: begin, lte: END } } },
      ],
    },
  };
}

function filtered(inner: unknown): unknown {
  return { bool: { filter: [{ bool: inner }] } };
}

function aggs(field: string, threshold: number, samples: number): unknown {
  return {
    groups: {
      terms: {
        field,
        size: 10000,
        min_doc_count: threshold,
        order: [{ _count: 'desc' }, { _key: 'asc' }],
      },
      aggs: { samples: { top_hits: { size: samples, sort: ['_doc'] } } },
    },
  };
}

function expectBody(actual: ElasticsearchSearchBody, expected: unknown): void {
  // Byte-for-byte: key order included.
  expect(JSON.stringify(actual)).toBe(JSON.stringify(expected));
}

/** What core's runCriteria does before the store sees the criteria. */
function run(builder: SearchBuilder, classname: string): Criteria {
  return builder.mustNot(match('alert_names', classname)).build();
}

describe("golden: MozDef alerts produce MozDef's DSL", () => {
  it('bruteforce_ssh (AlertBruteforceSsh): phrase + terms on summary, must_not per skiphost, aggregation', () => {
    const skiphosts = '11.22.33.44 55.66.77.88'.split(' ');
    const criteria = search({ minutes: 2 })
      .must(
        phrase('summary', 'failed'),
        match('details.program', 'sshd'),
        terms('summary', ['login', 'invalid', 'ldap_count_entries', 'publickey', 'keyboard']),
      )
      .mustNot(skiphosts.map((ip) => phrase('summary', ip)))
      .aggregate('details.sourceipaddress', { threshold: 10, samples: 10 });
    expectBody(toElasticsearch(run(criteria, 'AlertBruteforceSsh'), { now }), {
      query: filtered({
        must: [
          { match_phrase: { summary: 'failed' } },
          { match: { 'details.program': 'sshd' } },
          {
            terms: { summary: ['login', 'invalid', 'ldap_count_entries', 'publickey', 'keyboard'] },
          },
          { exists: { field: 'details.sourceipaddress' } },
          windowDsl('2017-01-01T00:58:00+00:00'),
        ],
        must_not: [
          { match_phrase: { summary: '11.22.33.44' } },
          { match_phrase: { summary: '55.66.77.88' } },
          dedup('AlertBruteforceSsh'),
        ],
      }),
      size: 0,
      aggs: aggs('details.sourceipaddress', 10, 10),
    });
  });

  it('proxy_exfil_domains (AlertProxyExfilDomains): top-level should, sent with minimum_should_match 1', () => {
    const criteria = search({ minutes: 20 })
      .must(match('category', 'proxy'))
      .should('pastebin.com,www.sendspace.com'.split(',').map((d) => match('details.host', d)))
      .aggregate('details.sourceipaddress', { threshold: 1, samples: 10 });
    expectBody(toElasticsearch(run(criteria, 'AlertProxyExfilDomains'), { now }), {
      query: filtered({
        must: [
          { match: { category: 'proxy' } },
          { exists: { field: 'details.sourceipaddress' } },
          windowDsl('2017-01-01T00:40:00+00:00'),
        ],
        must_not: [dedup('AlertProxyExfilDomains')],
        should: [
          { match: { 'details.host': 'pastebin.com' } },
          { match: { 'details.host': 'www.sendspace.com' } },
        ],
        minimum_should_match: 1,
      }),
      size: 0,
      aggs: aggs('details.sourceipaddress', 1, 10),
    });
  });

  it('ldap_add (ldapAdd): wildcard in must_not, simple alert', () => {
    const criteria = search({ minutes: 15 })
      .must(match('category', 'ldapChange'), match('details.changetype', 'add'))
      .mustNot(wildcard('details.actor', '*bind*'));
    expectBody(toElasticsearch(run(criteria, 'ldapAdd'), { now }), {
      query: filtered({
        must: [
          { match: { category: 'ldapChange' } },
          { match: { 'details.changetype': 'add' } },
          windowDsl('2017-01-01T00:45:00+00:00'),
        ],
        must_not: [{ wildcard: { 'details.actor': '*bind*' } }, dedup('ldapAdd')],
      }),
      track_total_hits: true,
    });
  });

  it('cloudtrail_logging_disabled (AlertCloudtrailLoggingDisabled)', () => {
    const criteria = search({ minutes: 30 })
      .must(match('source', 'cloudtrail'), match('details.eventname', 'StopLogging'))
      .mustNot(match('errorcode', 'AccessDenied'));
    expectBody(toElasticsearch(run(criteria, 'AlertCloudtrailLoggingDisabled'), { now }), {
      query: filtered({
        must: [
          { match: { source: 'cloudtrail' } },
          { match: { 'details.eventname': 'StopLogging' } },
          windowDsl('2017-01-01T00:30:00+00:00'),
        ],
        must_not: [
          { match: { errorcode: 'AccessDenied' } },
          dedup('AlertCloudtrailLoggingDisabled'),
        ],
      }),
      track_total_hits: true,
    });
  });

  it('auth0_bruteforce_user (AlertAuth0BruteforceUser): config window, must_not on the empty string', () => {
    const config = { threshold_count: '1', search_depth_min: '60' };
    const criteria = search({ minutes: Number.parseInt(config.search_depth_min, 10) })
      .must(match('tags', 'auth0'), match('details.eventname', 'Failed Login (wrong password)'))
      .mustNot(match('details.username', ''))
      .aggregate('details.username', {
        threshold: Number.parseInt(config.threshold_count, 10),
        samples: 10,
      });
    expectBody(toElasticsearch(run(criteria, 'AlertAuth0BruteforceUser'), { now }), {
      query: filtered({
        must: [
          { match: { tags: 'auth0' } },
          { match: { 'details.eventname': 'Failed Login (wrong password)' } },
          { exists: { field: 'details.username' } },
          windowDsl('2017-01-01T00:00:00+00:00'),
        ],
        must_not: [{ match: { 'details.username': '' } }, dedup('AlertAuth0BruteforceUser')],
      }),
      size: 0,
      aggs: aggs('details.username', 1, 10),
    });
  });

  it('duo_authfail (AlertDuoAuthFail): exists and phrase on a keyword field', () => {
    const criteria = search({ minutes: 15 }).must(
      match('category', 'authentication'),
      exists('details.sourceipaddress'),
      exists('details.username'),
      phrase('details.result', 'fraud'),
    );
    expectBody(toElasticsearch(run(criteria, 'AlertDuoAuthFail'), { now }), {
      query: filtered({
        must: [
          { match: { category: 'authentication' } },
          { exists: { field: 'details.sourceipaddress' } },
          { exists: { field: 'details.username' } },
          { match_phrase: { 'details.result': 'fraud' } },
          windowDsl('2017-01-01T00:45:00+00:00'),
        ],
        must_not: [dedup('AlertDuoAuthFail')],
      }),
      track_total_hits: true,
    });
  });

  it('ssh_access (AlertSSHAccess): terms on an ip field from config', () => {
    const watchlist = [
      { hostname: 'nagios1.small.corp.com', ipaddress: '11.22.33.44' },
      { hostname: 'nagios2.super.corp.com', ipaddress: '11.22.33.45' },
    ];
    const criteria = search({ minutes: 15 }).must(
      match('category', 'syslog'),
      match('details.program', 'sshd'),
      phrase('summary', 'Accepted publickey for '),
      terms(
        'details.sourceipaddress',
        watchlist.map((w) => w.ipaddress),
      ),
    );
    expectBody(toElasticsearch(run(criteria, 'AlertSSHAccess'), { now }), {
      query: filtered({
        must: [
          { match: { category: 'syslog' } },
          { match: { 'details.program': 'sshd' } },
          { match_phrase: { summary: 'Accepted publickey for ' } },
          { terms: { 'details.sourceipaddress': ['11.22.33.44', '11.22.33.45'] } },
          windowDsl('2017-01-01T00:45:00+00:00'),
        ],
        must_not: [dedup('AlertSSHAccess')],
      }),
      track_total_hits: true,
    });
  });

  it('deadman (broNSM): one search per host with size 1', () => {
    const criteria = search({ minutes: 20 }).must(
      phrase('details.note', 'MozillaAlive::Bro_Is_Watching_You'),
      phrase('hostname', 'host1'),
      match('category', 'bro'),
      match('source', 'notice'),
    );
    expectBody(toElasticsearch(run(criteria, 'broNSM'), { now, size: 1 }), {
      query: filtered({
        must: [
          { match_phrase: { 'details.note': 'MozillaAlive::Bro_Is_Watching_You' } },
          { match_phrase: { hostname: 'host1' } },
          { match: { category: 'bro' } },
          { match: { source: 'notice' } },
          windowDsl('2017-01-01T00:40:00+00:00'),
        ],
        must_not: [dedup('broNSM')],
      }),
      size: 1,
      track_total_hits: true,
    });
  });

  it('nsm_scan_address (NSMScanAddress): config Lucene fragments stay raw', () => {
    const config = {
      sourcemustmatch: '[10.0.0.0 TO 10.255.255.255]',
      sourcemustnotmatch:
        '10.33.44.54 OR 10.88.77.54 OR 10.76.54.54 OR 10.251.30.138 OR 10.54.65.234',
    };
    const criteria = search({ minutes: 1 })
      .must(
        match('category', 'bro'),
        match('source', 'notice'),
        phrase('details.note', 'Scan::Address_Scan'),
        queryString(`details.sourceipaddress: ${config.sourcemustmatch}`),
      )
      .mustNot(queryString(`details.sourceipaddress: ${config.sourcemustnotmatch}`))
      .aggregate('details.sourceipaddress', { threshold: 1, samples: 10 });
    expectBody(toElasticsearch(run(criteria, 'NSMScanAddress'), { now }), {
      query: filtered({
        must: [
          { match: { category: 'bro' } },
          { match: { source: 'notice' } },
          { match_phrase: { 'details.note': 'Scan::Address_Scan' } },
          { query_string: { query: 'details.sourceipaddress: [10.0.0.0 TO 10.255.255.255]' } },
          { exists: { field: 'details.sourceipaddress' } },
          windowDsl('2017-01-01T00:59:00+00:00'),
        ],
        must_not: [
          {
            query_string: {
              query:
                'details.sourceipaddress: 10.33.44.54 OR 10.88.77.54 OR 10.76.54.54 OR 10.251.30.138 OR 10.54.65.234',
            },
          },
          dedup('NSMScanAddress'),
        ],
      }),
      size: 0,
      aggs: aggs('details.sourceipaddress', 1, 10),
    });
  });

  it('ssh_access_signreleng (AlertAuthSignRelengSSH): A | B inside must, AND-ed exclusions in must_not', () => {
    const exclusions = [
      { summary: 'someuser', 'details.sourceipaddress': '4.5.6.7' },
      { summary: 'anotheruser', 'details.sourceipaddress': '8.9.10.11' },
    ];
    const criteria = search({ minutes: 15 })
      .must(
        match('tags', 'releng'),
        match('details.program', 'sshd'),
        queryString('hostname: /(host1|host2.*).*/'),
        anyOf(
          phrase('summary', 'Accepted publickey for '),
          phrase('summary', 'Accepted keyboard-interactive/pam for '),
        ),
      )
      .mustNot(exclusions.map((e) => allOf(...Object.entries(e).map(([k, v]) => phrase(k, v)))));
    expectBody(toElasticsearch(run(criteria, 'AlertAuthSignRelengSSH'), { now }), {
      query: filtered({
        must: [
          { match: { tags: 'releng' } },
          { match: { 'details.program': 'sshd' } },
          { query_string: { query: 'hostname: /(host1|host2.*).*/' } },
          {
            bool: {
              should: [
                { match_phrase: { summary: 'Accepted publickey for ' } },
                { match_phrase: { summary: 'Accepted keyboard-interactive/pam for ' } },
              ],
              minimum_should_match: 1,
            },
          },
          windowDsl('2017-01-01T00:45:00+00:00'),
        ],
        must_not: [
          {
            bool: {
              must: [
                { match_phrase: { summary: 'someuser' } },
                { match_phrase: { 'details.sourceipaddress': '4.5.6.7' } },
              ],
            },
          },
          {
            bool: {
              must: [
                { match_phrase: { summary: 'anotheruser' } },
                { match_phrase: { 'details.sourceipaddress': '8.9.10.11' } },
              ],
            },
          },
          dedup('AlertAuthSignRelengSSH'),
        ],
      }),
      track_total_hits: true,
    });
  });

  it('old_events (OldEvents): LessThanMatch with a datetime, written as Python isoformat()', () => {
    const oneDayAgo = new Date(now.getTime() - 24 * 3600_000);
    const criteria = search({ hours: 6 })
      .must(lessThan('utctimestamp', oneDayAgo))
      .aggregate('mozdefhostname', { threshold: 1, samples: 1000 });
    expectBody(toElasticsearch(run(criteria, 'OldEvents'), { now }), {
      query: filtered({
        must: [
          { range: { utctimestamp: { lt: '2016-12-31T01:00:00+00:00' } } },
          { exists: { field: 'mozdefhostname' } },
          windowDsl('2016-12-31T19:00:00+00:00'),
        ],
        must_not: [dedup('OldEvents')],
      }),
      size: 0,
      aggs: aggs('mozdefhostname', 1, 1000),
    });
  });
});
