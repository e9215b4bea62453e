import { resolveAlertConfig, runAlert, type StoredEvent } from '@alertkit/core';
import {
  DEFAULT_NOW,
  at,
  describeAlert,
  event,
  events,
  isoformat,
  minutesAgo,
  negative,
  positive,
  type AlertSuiteOptions,
} from '@alertkit/harness';
import { createEmbeddedStore } from '@alertkit/query';
import { describe, expect, it } from 'vitest';
import { alert } from '../src/index.js';

// MozDef has no test for this alert; these cases are written from the alert itself. The event is
// a Bro notice as MozDef's Bro pipeline stores it.
const defaultEvent = {
  _source: {
    category: 'bro',
    source: 'notice',
    hostname: 'nsm1.example.com',
    summary: '198.51.100.7 had 412 HTTP errors (4xx/5xx) in 5m0s on www.example.com',
    details: {
      note: 'MozillaHTTPErrors::Excessive_HTTP_Errors_Attacker',
      sourceipaddress: '198.51.100.7',
    },
  },
};

const suite: AlertSuiteOptions = {
  defaultEvent,
  defaultAlert: {
    category: 'httperrors',
    tags: ['http'],
    severity: 'WARNING',
    summary:
      'nsm1.example.com 198.51.100.7 had 412 HTTP errors (4xx/5xx) in 5m0s on www.example.com',
    url: 'https://www.mozilla.org',
  },
};

const timed = (time: ReturnType<typeof at>) => ({ utctimestamp: time, receivedtimestamp: time });

describeAlert(alert, {
  ...suite,
  cases: [
    positive('an Excessive_HTTP_Errors_Attacker notice alerts', events({}, 1)),
    // must category bro
    negative('a notice of another category does not alert', [event({ category: 'bronotice' })]),
    // must source notice
    negative('a Bro event from another log (intel) does not alert', [event({ source: 'intel' })]),
    // must details.note = the notice (keyword: exact, case-sensitive, whole value)
    negative("another notice of the same script does not alert ('..._Victim')", [
      event({ details: { note: 'MozillaHTTPErrors::Excessive_HTTP_Errors_Victim' } }),
    ]),
    negative('the note is case-sensitive', [
      event({ details: { note: 'mozillahttperrors::excessive_http_errors_attacker' } }),
    ]),
    negative('no note does not alert', [event({ details: { note: null } })]),
    // window: 15 minutes, utctimestamp OR receivedtimestamp, both edges inclusive
    positive('exactly 15 minutes old is inside the window', events(timed(at('-15m')), 1)),
    negative('15 minutes and 1 second old is outside the window', events(timed(at('-15m1s')), 1)),
    positive(
      'an old utctimestamp with a recent receivedtimestamp is inside',
      events({ utctimestamp: minutesAgo(60), receivedtimestamp: minutesAgo(1) }, 1),
    ),
    negative(
      'a notice already alerted on does not alert again',
      events({ alert_names: ['AlertHTTPErrors'] }, 1),
    ),
    // the summary is Python's '{0} {1}'.format(hostname, summary)
    positive('a null hostname prints as None (Python str)', [event({ hostname: null })], {
      summary: 'None 198.51.100.7 had 412 HTTP errors (4xx/5xx) in 5m0s on www.example.com',
    }),
  ],
});

// One alert per notice: each alert carries its own event.
describeAlert(alert, {
  ...suite,
  numSamples: 1,
  cases: [positive('two notices raise two alerts of one event each', events({}, 2))],
});

describe('config', () => {
  describeAlert(alert, {
    ...suite,
    config: { severity: 'ERROR', url: 'https://runbooks.example.org/http-errors' },
    defaultAlert: {
      ...suite.defaultAlert,
      severity: 'ERROR',
      url: 'https://runbooks.example.org/http-errors',
    },
    cases: [positive('the configured severity and url are written', events({}, 1))],
  });
  describeAlert(alert, {
    ...suite,
    config: { url: '' },
    defaultAlert: { ...suite.defaultAlert, url: undefined },
    cases: [positive('an empty url writes no url field, as MozDef', events({}, 1))],
  });

  it("defaults to MozDef's http_errors.conf and rejects bad values", () => {
    expect(resolveAlertConfig(alert, {})).toEqual({
      url: 'https://www.mozilla.org',
      severity: 'WARNING',
    });
    expect(() => resolveAlertConfig(alert, { severity: 'warning' })).toThrow(/severity: /);
    expect(() => resolveAlertConfig(alert, { url: ['x'] })).toThrow(/url: /);
    expect(() => resolveAlertConfig(alert, { URL: 'https://example.org' })).toThrow(
      /URL: unknown key/,
    );
  });
});

/** A stored event exactly as given: no harness defaults, so a field can really be missing. */
function rawEvent(id: string, source: Record<string, unknown>): StoredEvent {
  const now = isoformat(DEFAULT_NOW);
  return {
    _index: 'events',
    _id: id,
    _source: {
      utctimestamp: now,
      receivedtimestamp: now,
      ...structuredClone(defaultEvent._source),
      ...source,
    },
  };
}

describe('notices MozDef crashed on', () => {
  it('skips a notice without hostname and still alerts on the next one (MozDef aborted the run)', async () => {
    const withoutHostname = rawEvent('no-hostname', {});
    delete withoutHostname._source.hostname;
    const withoutSummary = rawEvent('no-summary', {});
    delete withoutSummary._source.summary;
    const store = createEmbeddedStore();
    store.ingest([
      withoutHostname,
      withoutSummary,
      rawEvent('ok', { hostname: 'nsm2.example.com' }),
    ]);
    const result = await runAlert(alert, store, { now: DEFAULT_NOW });
    expect(result.alerts.map((a) => a._source.summary)).toEqual([
      'nsm2.example.com 198.51.100.7 had 412 HTTP errors (4xx/5xx) in 5m0s on www.example.com',
    ]);
    const skipped = await store.getEvents([
      { _index: 'events', _id: 'no-hostname' },
      { _index: 'events', _id: 'no-summary' },
    ]);
    expect(skipped.map((e) => e._source.alert_names)).toEqual([undefined, undefined]);
  });
});
