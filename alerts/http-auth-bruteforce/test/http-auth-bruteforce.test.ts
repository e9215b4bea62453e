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
    summary:
      '10.1.2.3 appears to be guessing passwords on wiki.example.com (seen in 50 connections).',
    details: {
      note: 'AuthBruteforcing::HTTP_AuthBruteforcing_Attacker',
      sourceipaddress: '10.1.2.3',
    },
  },
};

const defaultAlert = {
  category: 'httperrors',
  tags: ['http'],
  severity: 'WARNING',
  summary:
    'nsm1.example.com 10.1.2.3 appears to be guessing passwords on wiki.example.com (seen in 50 connections).',
  url: undefined,
};

describeAlert(alert, {
  defaultEvent,
  defaultAlert,
  cases: [
    positive('a AuthBruteforcing::HTTP_AuthBruteforcing_Attacker notice alerts', events({}, 1)),
    // must category bro
    negative('a notice of another category does not alert', [event({ category: 'bronotice' })]),
    // must source notice
    negative('a Bro event from another log (intel) does not alert', [event({ source: 'intel' })]),
    // must details.note = AuthBruteforcing::HTTP_AuthBruteforcing_Attacker (keyword: exact, case-sensitive, whole value)
    negative('another Bro notice does not alert', [
      event({ details: { note: 'BugzBruteforcing::HTTP_BugzBruteforcing_Attacker' } }),
    ]),
    negative('the note must be the whole value', [
      event({ details: { note: 'AuthBruteforcing::HTTP_AuthBruteforcing_Attacker_Extra' } }),
    ]),
    negative('the note is case-sensitive', [
      event({ details: { note: 'authbruteforcing::http_authbruteforcing_attacker' } }),
    ]),
    negative('no note does not alert', [event({ details: { note: null } })]),
    // window: 15 minutes, utctimestamp OR receivedtimestamp, both edges inclusive
    positive(
      'exactly 15 minutes old is inside the window',
      events({ utctimestamp: minutesAgo(15), receivedtimestamp: minutesAgo(15) }, 1),
    ),
    negative(
      '15 minutes and 1 second old is outside the window',
      events({ utctimestamp: at('-15m1s'), receivedtimestamp: at('-15m1s') }, 1),
    ),
    positive(
      'an old utctimestamp with a recent receivedtimestamp is inside',
      events({ utctimestamp: minutesAgo(60), receivedtimestamp: minutesAgo(1) }, 1),
    ),
    negative(
      'an event 1 second in the future is outside',
      events({ utctimestamp: at('+1s'), receivedtimestamp: at('+1s') }, 1),
    ),
    // de-duplication: a notice already alerted on does not alert again
    negative(
      'a notice already in an AlertHTTPBruteforce alert does not alert again',
      events({ alert_names: ['AlertHTTPBruteforce'] }, 1),
    ),
    // the summary is Python's '{0} {1}'.format(hostname, summary)
    positive('a null hostname prints as None (Python str)', [event({ hostname: null })], {
      summary:
        'None 10.1.2.3 appears to be guessing passwords on wiki.example.com (seen in 50 connections).',
    }),
    positive('a numeric hostname prints as Python does', [event({ hostname: 1.5 })], {
      summary:
        '1.5 10.1.2.3 appears to be guessing passwords on wiki.example.com (seen in 50 connections).',
    }),
  ],
});

// One alert per notice: each alert carries its own event.
describeAlert(alert, {
  defaultEvent,
  defaultAlert,
  numSamples: 1,
  cases: [positive('two notices raise two alerts of one event each', events({}, 2))],
});

// The url comes from config.
describeAlert(alert, {
  defaultEvent,
  defaultAlert: { ...defaultAlert, url: 'https://wiki.example.com/ir/bruteforce' },
  config: { url: 'https://wiki.example.com/ir/bruteforce' },
  cases: [positive('a configured url is written to the alert', events({}, 1))],
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

describe('alert http-auth-bruteforce, beyond the harness cases', () => {
  it('skips a notice without hostname and still alerts on the next one (MozDef aborted the run: FIX)', async () => {
    const withoutHostname = rawEvent('no-hostname', {});
    delete withoutHostname._source.hostname;
    const store = createEmbeddedStore();
    store.ingest([withoutHostname, rawEvent('ok', { hostname: 'nsm2.example.com' })]);
    const result = await runAlert(alert, store, { now: DEFAULT_NOW });
    expect(result.alerts.map((a) => a._source.summary)).toEqual([
      'nsm2.example.com 10.1.2.3 appears to be guessing passwords on wiki.example.com (seen in 50 connections).',
    ]);
    const [skipped] = await store.getEvents([{ _index: 'events', _id: 'no-hostname' }]);
    expect(skipped?._source.alert_names).toBeUndefined();
  });

  it('skips a notice without summary', async () => {
    const withoutSummary = rawEvent('no-summary', {});
    delete withoutSummary._source.summary;
    const store = createEmbeddedStore();
    store.ingest([withoutSummary]);
    expect((await runAlert(alert, store, { now: DEFAULT_NOW })).alerts).toEqual([]);
  });

  it('defaults to MozDef url and validates it', () => {
    expect(resolveAlertConfig(alert, {})).toEqual({ url: '' });
    expect(resolveAlertConfig(alert, { url: '' })).toEqual({ url: '' });
    expect(() => resolveAlertConfig(alert, { url: 'not a url' })).toThrow(
      /url: expected an http\(s\) URL, or "" for none/,
    );
    expect(() => resolveAlertConfig(alert, { url: 'ftp://example.com/runbook' })).toThrow(
      /url: expected an http\(s\) URL/,
    );
    expect(() => resolveAlertConfig(alert, { url: 42 })).toThrow(/url: expected an http\(s\) URL/);
    expect(resolveAlertConfig(alert, { url: 'http://localhost:8080/runbook' })).toEqual({
      url: 'http://localhost:8080/runbook',
    });
    expect(() => resolveAlertConfig(alert, { URL: 'https://example.com' })).toThrow(
      /URL: unknown key/,
    );
  });
});
