import { resolveAlertConfig, reverseDnsFromTable } from '@alertkit/core';
import {
  at,
  describeAlert,
  event,
  events,
  minutesAgo,
  negative,
  now,
  positive,
  runAlertCase,
  type AlertSuiteOptions,
  type Timestamp,
} from '@alertkit/harness';
import { describe, expect, it } from 'vitest';
import { alert } from '../src/index.js';

// MozDef's tests/alerts/test_nsm_scan_port.py: Bro's port-scan notice for 10.99.88.77.
const notice = {
  category: 'bro',
  summary: 'Scan::Port_Scan source 10.99.88.77 destination unknown port unknown',
  hostname: 'your.friendly.nsm.sensor',
  tags: ['bro'],
  source: 'notice',
};
const suite: AlertSuiteOptions = {
  defaultEvent: {
    _source: {
      ...notice,
      details: {
        sourceipaddress: '10.99.88.77',
        indicators: '10.99.88.77',
        note: 'Scan::Port_Scan',
      },
    },
  },
  defaultAlert: {
    category: 'nsm',
    severity: 'WARNING',
    summary: 'Port scan from 10.99.88.77 (mock.mozilla.org)',
    tags: ['nsm', 'bro', 'portscan'],
  },
};

const timed = (time: Timestamp) => ({ utctimestamp: time, receivedtimestamp: time });
const from = (ip: string) => ({ details: { sourceipaddress: ip, indicators: ip } });
const IPV6_SCAN_MSG =
  '2620:101:80f8:224:44af:81c2:372c:6cbf scanned at least 15 unique ports on hosts 2001:41d0:e:9d4::1, 192.168.1.1, 2400:6180:0:d0::4a6b:4001, 2a03:b0c0:1:e0::13a:2001, 2001:0:3e8a:ee2d:5c:3162:3f57:fd8d in 0m11s';

// Every case of MozDef's test (2 positive, 7 negative).
const mozdefCases = [
  positive('Positive test with default event and default alert expected', events({}, 5)),
  positive('Positive test with events a minute earlier', events(timed(minutesAgo(1)), 5)),
  negative('Negative test case with a different category', events({ category: 'syslog' }, 5)),
  negative('Negative test case with a different source', events({ source: 'intel' }, 5)),
  negative(
    'Negative test case with a different scan type (note)',
    events({ details: { note: 'Scan::Address_Scan' } }, 5),
  ),
  negative('Negative test case with an excluded IP address', events(from('10.54.65.234'), 5)),
  negative('Negative test case with an excluded subnet', events(from('1.2.3.4'), 5)),
  // As MozDef stores it: the excluded destination's events also come from outside 10.0.0.0/8.
  negative(
    'Negative test case with an excluded destination',
    events({ details: { ...from('1.2.3.4').details, msg: IPV6_SCAN_MSG } }, 5),
  ),
  negative('Negative test case with old timestamp', events(timed(minutesAgo(15)), 5)),
];

// One positive and one negative case per criterion, window edge and the threshold (1).
const criterionCases = [
  negative('threshold 1: no notice, no alert', []),
  positive('threshold 1: one notice alerts', events({}, 1)),
  negative("details.note is exact and case-sensitive ('scan::port_scan')", [
    event({ details: { note: 'scan::port_scan' } }),
  ]),
  negative('an internal scanner of a 192.168 destination is ignored (destinationMustNotMatch)', [
    event({ details: { msg: IPV6_SCAN_MSG } }),
  ]),
  positive('an internal scanner whose message names no 192.168 address alerts', [
    event({
      details: { msg: '10.99.88.77 scanned at least 15 unique ports of host 10.1.1.1 in 0m3s' },
    }),
  ]),
  negative("source is exact ('Notice')", [event({ source: 'Notice' })]),
  positive('the first address of 10.0.0.0/8 counts', [event(from('10.0.0.0'))], {
    summary: 'Port scan from 10.0.0.0 (mock.mozilla.org)',
  }),
  positive('the last address of 10.0.0.0/8 counts', [event(from('10.255.255.255'))], {
    summary: 'Port scan from 10.255.255.255 (mock.mozilla.org)',
  }),
  negative('the address after 10.0.0.0/8 does not', [event(from('11.0.0.0'))]),
  negative('the address before 10.0.0.0/8 does not', [event(from('9.255.255.255'))]),
  positive(
    'the excluded address elsewhere in the event does not exclude it (it is bound to details.sourceipaddress)',
    [event({ summary: 'Scan::Port_Scan source 10.54.65.234 destination unknown port unknown' })],
  ),
  positive(
    '10.33.44.54 (excluded by nsm-scan-address, not here) alerts',
    [event(from('10.33.44.54'))],
    { summary: 'Port scan from 10.33.44.54 (mock.mozilla.org)' },
  ),
  positive('exactly at the window edge (2 minutes ago) is in', [event(timed(at('-2m')))]),
  negative('one second outside the window is out', [event(timed(at('-2m1s')))]),
  positive('receivedtimestamp inside the window is enough (utctimestamp older)', [
    event({ utctimestamp: minutesAgo(30), receivedtimestamp: now() }),
  ]),
  negative('notices already used by this alert do not count again', [
    event({ alert_names: ['NSMScanPort'] }),
  ]),
  positive('10.2.3.4 is named by the reverse DNS', [event(from('10.2.3.4'))], {
    summary: 'Port scan from 10.2.3.4 (mock_hostname1.mozilla.org)',
  }),
  positive('details.indicators set to null still names the address (the key is there)', [
    event({ details: { indicators: null } }),
  ]),
];

describeAlert(alert, { ...suite, cases: [...mozdefCases, ...criterionCases] });

/** The suite's notice without `details.indicators` (a case's events can only add keys). */
const withoutIndicators: AlertSuiteOptions = {
  ...suite,
  defaultEvent: {
    _source: {
      ...notice,
      details: { sourceipaddress: '10.99.88.77', note: 'Scan::Port_Scan' },
    },
  },
};

describe('without details.indicators', () => {
  describeAlert(alert, {
    ...withoutIndicators,
    cases: [negative('there is no alert (MozDef crashed on it)', events({}, 5))],
  });
});

describe('reverse DNS', () => {
  describeAlert(alert, {
    ...suite,
    reverseDns: reverseDnsFromTable({}),
    cases: [
      positive('an address without a name is written bare', events({}, 1), {
        summary: 'Port scan from 10.99.88.77',
      }),
    ],
  });
});

describe('config', () => {
  describeAlert(alert, {
    ...suite,
    config: {
      sourceMustMatch: '[192.168.0.0 TO 192.168.255.255]',
      sourceMustNotMatch: '192.168.1.1',
      destinationMustNotMatch: '*172.16*',
    },
    cases: [
      positive('a configured range counts', [event(from('192.168.7.7'))], {
        summary: 'Port scan from 192.168.7.7 (mock.mozilla.org)',
      }),
      negative('the default range no longer counts', [event(from('10.99.88.77'))]),
      negative('a configured exclusion is ignored', [event(from('192.168.1.1'))]),
      negative('a configured destination exclusion is ignored', [
        event({
          ...from('192.168.7.7'),
          details: { ...from('192.168.7.7').details, msg: 'scanned 172.16.0.1' },
        }),
      ]),
      positive(
        'the default destination exclusion no longer applies',
        [event({ details: { ...from('192.168.7.7').details, msg: IPV6_SCAN_MSG } })],
        { summary: 'Port scan from 192.168.7.7 (mock.mozilla.org)' },
      ),
    ],
  });

  it("defaults to MozDef's nsm_scan_port.json and rejects bad queries", () => {
    expect(resolveAlertConfig(alert, {})).toEqual({
      sourceMustMatch: '[10.0.0.0 TO 10.255.255.255]',
      sourceMustNotMatch: '10.54.65.234',
      destinationMustNotMatch: '*192.168*',
    });
    expect(() => resolveAlertConfig(alert, { destinationMustNotMatch: '' })).toThrow(
      /destinationMustNotMatch: must be a Lucene query, not empty/,
    );
    expect(() => resolveAlertConfig(alert, { sourceMustMatch: ' ' })).toThrow(
      /sourceMustMatch: must be a Lucene query, not empty/,
    );
    expect(() => resolveAlertConfig(alert, { sourceMustNotMatch: '[10.0.0.0 TO' })).toThrow(
      /sourceMustNotMatch: not a valid Lucene query/,
    );
    expect(() => resolveAlertConfig(alert, { sourcemustmatch: '10.0.0.1' })).toThrow(
      /sourcemustmatch: unknown key/,
    );
  });
});

describe('groups and samples', () => {
  it('one alert per scanning address; a group without indicators gets none, the others do', async () => {
    const run = await runAlertCase(
      alert,
      {
        ...withoutIndicators,
        numSamples: 1,
        defaultAlert: { category: 'nsm', severity: 'WARNING' },
      },
      positive('three scanners', [
        event(from('10.99.88.77')),
        event(from('10.2.3.4')),
        event({ details: { sourceipaddress: '10.5.5.5' } }),
      ]),
    );
    expect(run.alerts.map((a) => a._source.summary).sort()).toEqual([
      'Port scan from 10.2.3.4 (mock_hostname1.mozilla.org)',
      'Port scan from 10.99.88.77 (mock.mozilla.org)',
    ]);
    const [skipped] = await run.store.getEvents(
      run.events
        .filter(
          (e) => (e._source.details as { sourceipaddress?: string }).sourceipaddress === '10.5.5.5',
        )
        .map(({ _index, _id }) => ({ _index, _id })),
    );
    expect(skipped?._source.alert_names).toBeUndefined();
  });

  it('12 notices from one address: the alert carries 10, all 12 are tagged', async () => {
    const run = await runAlertCase(
      alert,
      { ...suite, numSamples: 10 },
      positive('12 notices', events({}, 12)),
    );
    const stored = await run.store.getEvents(
      run.events.map(({ _index, _id }) => ({ _index, _id })),
    );
    expect(stored).toHaveLength(12);
    for (const tagged of stored) expect(tagged._source.alert_names).toEqual(['NSMScanPort']);
  });
});
