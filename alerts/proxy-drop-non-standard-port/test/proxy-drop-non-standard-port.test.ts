import { resolveAlertConfig, runAlert } from '@alertkit/core';
import {
  DEFAULT_NOW,
  at,
  buildCaseEvents,
  describeAlert,
  event,
  events,
  minutesAgo,
  negative,
  positive,
  runAlertCase,
} from '@alertkit/harness';
import { createEmbeddedStore } from '@alertkit/query';
import { describe, expect, it } from 'vitest';
import { alert } from '../src/index.js';

// MozDef's tests/alerts/test_proxy_drop_non_standard_port.py: squid denied 1.2.3.4 a CONNECT to port 1337.
const defaultEvent = {
  _source: {
    category: 'proxy',
    details: {
      sourceipaddress: '1.2.3.4',
      destination: 'evil.com:1337',
      destinationport: '1337',
      proxyaction: 'TCP_DENIED',
      method: 'CONNECT',
    },
  },
};
const defaultEvent2 = event(defaultEvent, {
  details: { destination: 'evil.com:6667', destinationport: '6667' },
});

const summary = (destinations: string, source = '1.2.3.4') =>
  `Suspicious Proxy DROP event(s) detected from ${source} to the following non-std port destination(s): ${destinations}`;

const defaultAlert = {
  category: 'squid',
  tags: ['squid', 'proxy'],
  severity: 'WARNING',
  summary: summary('evil.com:1337'),
};
const defaultAlertAggregated = { ...defaultAlert, summary: summary('evil.com:1337,evil.com:6667') };
const old = { utctimestamp: minutesAgo(241), receivedtimestamp: minutesAgo(241) };

describeAlert(alert, {
  defaultEvent,
  defaultAlert,
  cases: [
    // MozDef's cases (2 positive, 3 negative; the two positives share a description there).
    positive('Positive test with default events and default alert expected', events({}, 1)),
    positive(
      'Positive test with default events and default alert expected',
      [event({}), defaultEvent2],
      defaultAlertAggregated,
    ),
    negative(
      'Negative test case with events with whitelisted port',
      events({ details: { destinationport: '443' } }, 10),
    ),
    negative(
      'Negative test case with events with incorrect category',
      events({ category: 'bad' }, 10),
    ),
    negative('Negative test case with old timestamp', events(old, 10)),

    // must category proxy
    negative('a squid event not categorised as proxy does not alert', [
      event({ category: 'squid' }),
    ]),
    // must details.proxyaction TCP_DENIED (exact)
    negative('an allowed CONNECT (TCP_TUNNEL) does not alert', [
      event({ details: { proxyaction: 'TCP_TUNNEL' } }),
    ]),
    // must details.method CONNECT (exact, case-sensitive)
    negative('a denied GET does not alert', [event({ details: { method: 'GET' } })]),
    negative('the method is case-sensitive (connect)', [event({ details: { method: 'connect' } })]),
    // must_not details.destinationport per excluded port (keyword: numbers match their decimal string)
    negative('the second excluded port, 8443, does not alert', [
      event({ details: { destinationport: '8443' } }),
    ]),
    negative('a numeric 443 is excluded like "443"', [
      event({ details: { destinationport: 443 } }),
    ]),
    positive(
      'port 444 is not excluded',
      [event({ details: { destination: 'evil.com:444', destinationport: '444' } })],
      { summary: summary('evil.com:444') },
    ),
    positive('a numeric non-standard port alerts', [event({ details: { destinationport: 1337 } })]),
    positive('no destination port at all is not excluded', [
      event({ details: { destinationport: null } }),
    ]),
    // aggregation on details.sourceipaddress (must exist)
    negative('no source address does not alert', [event({ details: { sourceipaddress: null } })]),
    // window: 20 minutes, utctimestamp OR receivedtimestamp, both edges inclusive
    positive(
      'exactly 20 minutes old is inside the window',
      events({ utctimestamp: minutesAgo(20), receivedtimestamp: minutesAgo(20) }, 1),
    ),
    negative(
      '20 minutes and 1 second old is outside the window',
      events({ utctimestamp: at('-20m1s'), receivedtimestamp: at('-20m1s') }, 1),
    ),
    positive(
      'an old utctimestamp with a recent receivedtimestamp is inside',
      events({ utctimestamp: minutesAgo(241), receivedtimestamp: minutesAgo(1) }, 1),
    ),
    // threshold 1
    negative('no events, no alert', []),
    // de-duplication
    negative(
      'events already in an AlertProxyDropNonStandardPort alert do not alert again',
      events({ alert_names: ['AlertProxyDropNonStandardPort'] }, 2),
    ),
    // destination is not a criterion: without it the group gets no alert (MozDef's run crashed)
    negative('a group with an event without destination does not alert', [
      event({}),
      event({ details: { destination: null } }),
    ]),
  ],
});

// samples 10: the alert carries 10 events, every one of the group is tagged.
const samplesSuite = { defaultEvent, defaultAlert, numSamples: 10 };
const eleven = positive('11 events: the alert carries 10 samples', events({}, 11));
describeAlert(alert, { ...samplesSuite, cases: [eleven] });

describe('alert proxy-drop-non-standard-port, beyond the harness cases', () => {
  it('tags all 11 events of the group although it carries 10', async () => {
    const run = await runAlertCase(alert, samplesSuite, eleven);
    const tagged = await run.store.getEvents(
      run.events.map(({ _index, _id }) => ({ _index, _id })),
    );
    expect(
      tagged.filter(
        (e) => JSON.stringify(e._source.alert_names) === '["AlertProxyDropNonStandardPort"]',
      ),
    ).toHaveLength(11);
  });

  it('a group without destination does not stop the other groups (MozDef aborted the run: FIX)', async () => {
    const store = createEmbeddedStore();
    const broken = event({ details: { sourceipaddress: '5.6.7.8', destination: null } });
    store.ingest(buildCaseEvents([broken, event({})], { defaultEvent, now: DEFAULT_NOW, seed: 1 }));
    const result = await runAlert(alert, store, { now: DEFAULT_NOW });
    expect(result.alerts.map((a) => a._source.summary)).toEqual([summary('evil.com:1337')]);
  });

  it('defaults to MozDef excluded ports and validates them', () => {
    expect(resolveAlertConfig(alert, {})).toEqual({ excludedPorts: [443, 8443] });
    expect(() => resolveAlertConfig(alert, { excludedPorts: ['443'] })).toThrow(
      /excludedPorts\.0: expected a port number/,
    );
    expect(() => resolveAlertConfig(alert, { excludedPorts: [70000] })).toThrow(
      /excludedPorts\.0: expected a port number/,
    );
    expect(() => resolveAlertConfig(alert, { excludedPorts: [443, -1] })).toThrow(
      /excludedPorts\.1: expected a port number/,
    );
    expect(() => resolveAlertConfig(alert, { excludedPorts: [443.5] })).toThrow(
      /excludedPorts\.0: expected a port number/,
    );
    expect(() => resolveAlertConfig(alert, { excludedPorts: 443 })).toThrow(
      /excludedPorts: expected a list of port numbers/,
    );
    expect(resolveAlertConfig(alert, { excludedPorts: [0, 65535] })).toEqual({
      excludedPorts: [0, 65535],
    });
    expect(() => resolveAlertConfig(alert, { excludedports: [443] })).toThrow(
      /excludedports: unknown key/,
    );
  });
});

// The excluded ports come from config.
describeAlert(alert, {
  defaultEvent,
  defaultAlert,
  config: { excludedPorts: [1337] },
  cases: [
    negative('a configured excluded port does not alert', events({}, 1)),
    positive(
      '443 alerts once it is off the list',
      [event({ details: { destination: 'evil.com:443', destinationport: '443' } })],
      { summary: summary('evil.com:443') },
    ),
  ],
});
