import { describe, expect, it } from 'vitest';
import { defineAlert, z, type JsonObject, type StoredEvent } from '@alertkit/core';
import { exists, match, phrase, queryString, search, subnet, terms, wildcard } from './builder.js';
import { luceneEscape } from './luceneEscape.js';
import { lintAlert } from './lint.js';

type Criteria = Parameters<typeof defineAlert>[0]['criteria'];

function alert(criteria: Criteria, extra: Record<string, unknown> = {}) {
  return defineAlert({
    name: 'probe',
    description: 'd',
    severity: 'NOTICE',
    category: 'test',
    criteria,
    onEvent: () => null,
    ...extra,
  });
}

const event = (source: JsonObject): StoredEvent => ({
  _index: 'events',
  _id: 'e',
  _source: source,
});

const rules = (a: ReturnType<typeof alert>, events?: StoredEvent[]) =>
  lintAlert(a, events ? { events } : {}).map((f) => [f.rule, f.clause]);

describe('pitfall lint', () => {
  it('unanalysed-value-on-text: terms/wildcard with upper case or several words on summary never match; lower-case single words do', () => {
    expect(rules(alert(search({ minutes: 5 }).must(terms('summary', ['Login']))))).toEqual([
      ['unanalysed-value-on-text', 'must: summary:(Login)'],
    ]);
    expect(rules(alert(search({ minutes: 5 }).must(wildcard('summary', 'failed pass*'))))).toEqual([
      ['unanalysed-value-on-text', 'must: summary:failed\\ pass*'],
    ]);
    expect(
      rules(
        alert(
          search({ minutes: 5 }).must(
            terms('summary', ['login']),
            match('summary', 'Failed Login'),
          ),
        ),
      ),
    ).toEqual([]);
    // On a keyword field upper case is a value like any other.
    expect(rules(alert(search({ minutes: 5 }).must(terms('hostname', ['WEB1']))))).toEqual([]);
  });

  it('phrase-with-spaces-on-keyword: only when no case event has the whole value', () => {
    const a = alert(search({ minutes: 5 }).must(phrase('details.program', 'ssh daemon')));
    expect(rules(a, [event({ details: { program: 'sshd' } })])).toEqual([
      ['phrase-with-spaces-on-keyword', 'must: details.program:"ssh daemon"'],
    ]);
    expect(rules(a, [event({ details: { program: 'ssh daemon' } })])).toEqual([]);
  });

  it('value-does-not-parse: an IP, a boolean or a CIDR a typed field cannot parse', () => {
    expect(
      rules(
        alert(
          search({ minutes: 5 }).must(
            match('details.sourceipaddress', '10.0.0.300'),
            match('details.success', 'yes'),
          ),
        ),
      ),
    ).toEqual([
      ['value-does-not-parse', 'must: details.success:yes'],
      ['value-does-not-parse', 'must: details.sourceipaddress:10.0.0.300'],
    ]);
    expect(
      rules(
        alert(
          search({ minutes: 5 }).must(
            match('details.sourceipaddress', '10.0.0.3'),
            match('details.success', false),
            subnet('details.sourceipaddress', '10.0.0.0/8'),
          ),
        ),
      ),
    ).toEqual([]);
  });

  it('unknown-field: a field in neither the mapping nor any case event (a typo)', () => {
    const a = alert(search({ minutes: 5 }).must(exists('details.sourceipadress')));
    expect(rules(a, [event({ details: { sourceipaddress: '1.2.3.4' } })])).toEqual([
      ['unknown-field', 'must: _exists_:details.sourceipadress'],
    ]);
    expect(rules(a, [event({ details: { sourceipadress: '1.2.3.4' } })])).toEqual([]);
    // Without events (alertkit validate) the rule cannot tell a typo from a dynamic field.
    expect(rules(a)).toEqual([]);
  });

  it('must-not-never-present: a must_not on a mapped field no case event carries', () => {
    const a = alert(
      search({ minutes: 5 }).must(match('category', 'x')).mustNot(match('hostname', 'scanner')),
    );
    expect(rules(a, [event({ category: 'x' })])).toEqual([
      ['must-not-never-present', 'must_not: hostname:scanner'],
    ]);
    expect(
      rules(a, [event({ category: 'x' }), event({ category: 'x', hostname: 'scanner' })]),
    ).toEqual([]);
  });

  it('window-shorter-than-schedule: events between two runs are never seen', () => {
    const criteria = search({ minutes: 1 }).must(match('category', 'x'));
    expect(rules(alert(criteria, { schedule: { every: '5m' } }))).toEqual([
      ['window-shorter-than-schedule', undefined],
    ]);
    expect(rules(alert(criteria, { schedule: { cron: '*/5 * * * *' } }))).toEqual([
      ['window-shorter-than-schedule', undefined],
    ]);
    expect(rules(alert(criteria, { schedule: { every: '1m' } }))).toEqual([]);
  });

  it('samples-below-threshold: an alert would carry fewer events than made it fire', () => {
    const agg = (samples: number) =>
      defineAlert({
        name: 'probe',
        description: 'd',
        severity: 'NOTICE',
        category: 'test',
        criteria: search({ minutes: 5 }).must(match('category', 'x')),
        aggregate: { field: 'details.username', threshold: 10, samples },
        onAggregation: () => null,
      });
    expect(lintAlert(agg(5)).map((f) => f.rule)).toEqual(['samples-below-threshold']);
    expect(lintAlert(agg(10))).toEqual([]);
  });

  it('unescaped-config-in-query-string: a config value put into a query string as it is; escaped, or refused by the schema, it is fine', () => {
    const withConfig = (build: (host: string) => string, schema = z.string()) =>
      defineAlert({
        name: 'probe',
        description: 'd',
        severity: 'NOTICE',
        category: 'test',
        config: z.object({ host: schema.default('web1') }),
        criteria: (config: { host: string }) =>
          search({ minutes: 5 }).must(queryString(build(config.host))),
        onEvent: () => null,
      });
    expect(lintAlert(withConfig((h) => `hostname:${h}`)).map((f) => f.rule)).toEqual([
      'unescaped-config-in-query-string',
    ]);
    expect(lintAlert(withConfig((h) => `hostname:${luceneEscape(h)}`))).toEqual([]);
    expect(
      lintAlert(withConfig((h) => `hostname:${h}`, z.string().regex(/^[a-z0-9.-]+$/))),
    ).toEqual([]);
  });

  it('a finding is silenced per clause with a reason, and reported as allowed', () => {
    const a = alert(
      search({ minutes: 5 }).must(terms('summary', ['Login']), terms('summary', ['Logout'])),
      {
        pitfalls: {
          allow: [
            {
              rule: 'unanalysed-value-on-text',
              clause: 'must: summary:(Login)',
              reason: 'MozDef parity',
            },
          ],
        },
      },
    );
    expect(lintAlert(a).map((f) => [f.clause, f.allowed])).toEqual([
      ['must: summary:(Logout)', undefined],
      ['must: summary:(Login)', 'MozDef parity'],
    ]);
  });
});
