import { runAlert, type StoredEvent } from '@alertkit/core';
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
// a Bro intel hit as MozDef's NSM pipeline stores it.
const defaultEvent = {
  _source: {
    eventsource: 'nsm',
    category: 'brointel',
    source: 'intel',
    hostname: 'nsm1.example.com',
    summary: '10.1.2.3 -> 203.0.113.9:443 certificate hash in abuse.ch SSLBL (Dridex C&C)',
    details: {
      sourceipaddress: '10.1.2.3',
      destinationipaddress: '203.0.113.9',
      seenindicator: '6f2a4a5e0e1c8b1c2b9e0d7a4f3c2b1a0e9d8c7b',
      seenwhere: 'X509::IN_CERT',
      sources: ['abuse.ch SSLBL'],
    },
  },
};

const suite: AlertSuiteOptions = {
  defaultEvent,
  defaultAlert: {
    category: 'correlatedalerts',
    tags: ['nsm,bro,correlated'],
    severity: 'NOTICE',
    summary:
      'nsm1.example.com 10.1.2.3 -> 203.0.113.9:443 certificate hash in abuse.ch SSLBL (Dridex C&C)',
  },
};

const timed = (time: ReturnType<typeof at>) => ({ utctimestamp: time, receivedtimestamp: time });

describeAlert(alert, {
  ...suite,
  cases: [
    positive('an intel hit on abuse.ch SSLBL alerts', events({}, 1)),
    positive('a hit listed by several feeds, SSLBL among them, alerts', [
      event({ details: { sources: ['CIF', 'abuse.ch SSLBL'] } }),
    ]),
    positive('a single feed name as a string alerts too', [
      event({ details: { sources: 'abuse.ch SSLBL' } }),
    ]),
    // must eventsource nsm
    negative('an event of another event source does not alert', [event({ eventsource: 'syslog' })]),
    // must category brointel
    negative("a Bro event of another category ('bro') does not alert", [
      event({ category: 'bro' }),
    ]),
    // must details.sources = abuse.ch SSLBL (keyword: exact, case-sensitive, whole value)
    negative('a hit from another feed does not alert', [
      event({ details: { sources: ['abuse.ch URLhaus'] } }),
    ]),
    negative('the feed name is case-sensitive', [
      event({ details: { sources: ['Abuse.ch SSLBL'] } }),
    ]),
    negative("the feed name must be whole ('abuse.ch')", [
      event({ details: { sources: ['abuse.ch'] } }),
    ]),
    // must exists details.sourceipaddress
    negative('a hit without a source address does not alert', [
      event({ details: { sourceipaddress: null } }),
    ]),
    // window: 15 minutes, utctimestamp OR receivedtimestamp, both edges inclusive
    positive('exactly 15 minutes old is inside the window', events(timed(at('-15m')), 1)),
    negative('15 minutes and 1 second old is outside the window', events(timed(at('-15m1s')), 1)),
    positive(
      'an old utctimestamp with a recent receivedtimestamp is inside',
      events({ utctimestamp: minutesAgo(60), receivedtimestamp: minutesAgo(1) }, 1),
    ),
    negative(
      'a hit already alerted on does not alert again',
      events({ alert_names: ['AlertSSLBlacklistHit'] }, 1),
    ),
    // the summary is Python's '{0} {1}'.format(hostname, summary)
    positive('a null summary prints as None (Python str)', [event({ summary: null })], {
      summary: 'nsm1.example.com None',
    }),
  ],
});

// One alert per hit: each alert carries its own event.
describeAlert(alert, {
  ...suite,
  numSamples: 1,
  cases: [positive('two hits raise two alerts of one event each', events({}, 2))],
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

describe('hits MozDef crashed on', () => {
  it('skips a hit without hostname or summary and still alerts on the next one (MozDef aborted the run)', async () => {
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
      'nsm2.example.com 10.1.2.3 -> 203.0.113.9:443 certificate hash in abuse.ch SSLBL (Dridex C&C)',
    ]);
    const skipped = await store.getEvents([
      { _index: 'events', _id: 'no-hostname' },
      { _index: 'events', _id: 'no-summary' },
    ]);
    expect(skipped.map((e) => e._source.alert_names)).toEqual([undefined, undefined]);
  });
});
