import { resolveAlertConfig, runAlert } from '@alertkit/core';
import { createEmbeddedStore } from '@alertkit/query';
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
import { describe, expect, it } from 'vitest';
import { alert } from '../src/index.js';

// MozDef's tests/alerts/test_proxy_drop_executable.py: a squid deny of an .exe for 1.2.3.4.
const defaultEvent = {
  _source: {
    category: 'proxy',
    details: {
      sourceipaddress: '1.2.3.4',
      destination: 'http://evil.com/evil.exe',
      proxyaction: 'TCP_DENIED',
    },
  },
};
const defaultEvent2 = event(defaultEvent, { details: { destination: 'http://evil.com/evil.sh' } });
const defaultNegativeEvent = event(defaultEvent, {
  details: { destination: 'http://foo.mozilla.com/index.html' },
});

const summary = (destinations: string, source = '1.2.3.4') =>
  `Suspicious Proxy DROP event(s) detected from ${source} to the following executable file destination(s): ${destinations}`;

const defaultAlert = {
  category: 'squid',
  tags: ['squid', 'proxy'],
  severity: 'WARNING',
  summary: summary('http://evil.com/evil.exe'),
};
const old = { utctimestamp: minutesAgo(241), receivedtimestamp: minutesAgo(241) };

describeAlert(alert, {
  defaultEvent,
  defaultAlert,
  cases: [
    // MozDef's cases (mozdef-cases/proxy_drop_executable.json).
    positive('Positive test with default events and default alert expected', events({}, 1)),
    positive('Positive test with default events and default alert expected - dedup', events({}, 2)),
    positive(
      'Positive test with default events and default alert expected - different dests',
      [event({}), defaultEvent2],
      {
        summary: summary('http://evil.com/evil.exe,http://evil.com/evil.sh'),
      },
    ),
    negative('Negative test with default negative event', [defaultNegativeEvent]),
    negative(
      'Negative test case with events with incorrect category',
      events({ category: 'bad' }, 10),
    ),
    negative('Negative test case with old timestamp', events(old, 10)),
    negative(
      'Negative test case with events with non blacklisted extension',
      events({ details: { destination: 'http://evil.com/evil.pdf' } }, 10),
    ),

    // must category proxy
    negative('a squid event not categorised as proxy does not alert', [
      event({ category: 'squid' }),
    ]),
    // must details.proxyaction TCP_DENIED (exact keyword: no prefix match)
    negative('an allowed request (TCP_MISS) does not alert', [
      event({ details: { proxyaction: 'TCP_MISS' } }),
    ]),
    negative('TCP_DENIED/403 is not TCP_DENIED (exact value)', [
      event({ details: { proxyaction: 'TCP_DENIED/403' } }),
    ]),
    // must details.destination: /.*\.(exe|sh|py|rb|bin)/
    positive('a denied .py alerts', [event({ details: { destination: 'http://evil.com/x.py' } })], {
      summary: summary('http://evil.com/x.py'),
    }),
    positive('a denied .rb alerts', [event({ details: { destination: 'http://evil.com/x.rb' } })], {
      summary: summary('http://evil.com/x.rb'),
    }),
    positive(
      'a denied .bin alerts',
      [event({ details: { destination: 'http://evil.com/x.bin' } })],
      { summary: summary('http://evil.com/x.bin') },
    ),
    negative('the destination must end with the extension', [
      event({ details: { destination: 'http://evil.com/evil.exe?x=1' } }),
    ]),
    negative('the extension is case-sensitive (.EXE)', [
      event({ details: { destination: 'http://evil.com/EVIL.EXE' } }),
    ]),
    negative('an extension needs its dot (evilexe)', [
      event({ details: { destination: 'http://evil.com/evilexe' } }),
    ]),
    negative('no destination does not alert', [event({ details: { destination: null } })]),
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
    negative(
      'an event 1 second in the future is outside',
      events({ utctimestamp: at('+1s'), receivedtimestamp: at('+1s') }, 1),
    ),
    // threshold 1: no event, no alert (the 1-event case above fires)
    negative('no events, no alert', []),
    // de-duplication: events already used by this alert are skipped, other alerts' are not
    negative(
      'events already in an AlertProxyDropExecutable alert do not alert again',
      events({ alert_names: ['AlertProxyDropExecutable'] }, 2),
    ),
  ],
});

// samples 10: the alert carries 10 events, every one of the group is tagged.
const samplesSuite = { defaultEvent, defaultAlert, numSamples: 10 };
describeAlert(alert, {
  ...samplesSuite,
  cases: [positive('11 events: the alert carries 10 samples', events({}, 11))],
});

describe('alert proxy-drop-executable, beyond the harness cases', () => {
  it('tags all 11 events of the group although it carries 10', async () => {
    const run = await runAlertCase(alert, samplesSuite, positive('11 events', events({}, 11)));
    const tagged = await run.store.getEvents(
      run.events.map(({ _index, _id }) => ({ _index, _id })),
    );
    expect(
      tagged.filter(
        (e) => JSON.stringify(e._source.alert_names) === '["AlertProxyDropExecutable"]',
      ),
    ).toHaveLength(11);
  });

  it('raises one alert per source address', async () => {
    const other = event(
      {},
      { details: { sourceipaddress: '5.6.7.8', destination: 'http://evil.com/x.sh' } },
    );
    const both = await runAlertCase(
      alert,
      { defaultEvent, defaultAlert: { severity: 'WARNING' }, numSamples: 1 },
      positive('two sources', [event({}), other]),
    );
    expect(both.alerts.map((a) => a._source.summary).sort()).toEqual([
      summary('http://evil.com/evil.exe'),
      summary('http://evil.com/x.sh', '5.6.7.8'),
    ]);
  });

  it('still alerts on events another alert used (de-duplication is per alert name)', async () => {
    const store = createEmbeddedStore();
    store.ingest(
      buildCaseEvents([event({ alert_names: ['AlertProxyDropIP'] })], {
        defaultEvent,
        now: DEFAULT_NOW,
        seed: 1,
      }),
    );
    const result = await runAlert(alert, store, { now: DEFAULT_NOW });
    expect(result.alerts.map((a) => a._source.summary)).toEqual([
      summary('http://evil.com/evil.exe'),
    ]);
    const [tagged] = await store.getEvents([{ _index: 'events', _id: 'event-1' }]);
    expect(tagged?._source.alert_names).toEqual(['AlertProxyDropIP', 'AlertProxyDropExecutable']);
  });

  it('defaults to MozDef extensions and rejects unsafe ones', () => {
    expect(resolveAlertConfig(alert, {})).toEqual({ extensions: ['exe', 'sh', 'py', 'rb', 'bin'] });
    expect(() => resolveAlertConfig(alert, { extensions: ['exe|.*'] })).toThrow(
      /extensions\.0: expected an extension without the dot/,
    );
    expect(() => resolveAlertConfig(alert, { extensions: ['.exe'] })).toThrow(
      /extensions\.0: expected an extension without the dot/,
    );
    expect(() => resolveAlertConfig(alert, { extensions: [] })).toThrow(
      /extensions: expected at least one extension/,
    );
    expect(() => resolveAlertConfig(alert, { extensions: 'exe' })).toThrow(
      /extensions: expected a list of extensions/,
    );
    expect(() => resolveAlertConfig(alert, { extension: ['exe'] })).toThrow(
      /extension: unknown key/,
    );
  });
});

// The extensions come from config: a .pdf-only installation.
describeAlert(alert, {
  defaultEvent,
  defaultAlert: { ...defaultAlert, summary: summary('http://evil.com/evil.pdf') },
  config: { extensions: ['pdf'] },
  cases: [
    positive(
      'configured extension pdf alerts',
      events({ details: { destination: 'http://evil.com/evil.pdf' } }, 1),
    ),
    negative('exe is no longer in the list', events({}, 1)),
  ],
});
