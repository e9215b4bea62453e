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

// MozDef's tests/alerts/test_nsm_scan_address.py: Bro's address-scan notice for 10.99.88.77.
const notice = {
  category: 'bro',
  summary: 'Scan::Address_Scan source 10.252.25.90 destination unknown port unknown',
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
        source: 'notice',
        note: 'Scan::Address_Scan',
      },
    },
  },
  defaultAlert: {
    category: 'nsm',
    severity: 'NOTICE',
    tags: ['nsm', 'bro', 'addressscan'],
    summary: 'Address scan from 10.99.88.77 (mock.mozilla.org)',
    notify_mozdefbot: false,
  },
};

const timed = (time: Timestamp) => ({ utctimestamp: time, receivedtimestamp: time });
const from = (ip: string) => ({ details: { sourceipaddress: ip, indicators: ip } });

// Every case of MozDef's test (2 positive, 7 negative).
const mozdefCases = [
  positive('Positive test with default event and default alert expected', events({}, 5)),
  positive('Positive test with events a minute earlier', events(timed(minutesAgo(1)), 5)),
  negative('Negative test case with a different category', events({ category: 'syslog' }, 5)),
  negative('Negative test case with a different details.source', events({ source: 'intel' }, 5)),
  negative(
    'Negative test case with a different scan type (note)',
    events({ details: { note: 'Scan::Random_Scan' } }, 5),
  ),
  negative(
    'Negative test case with a different scan type (note)',
    events({ details: { note: 'Scan::Port_Scan' } }, 5),
  ),
  negative(
    'Negative test case with an excluded IP address',
    events({ details: { sourceipaddress: '10.54.65.234', indicators: '1.2.3.4' } }, 5),
  ),
  negative(
    'Negative test case with an excluded subnet',
    events({ details: { sourceipaddress: '1.2.3.4', indicators: '1.2.3.4' } }, 5),
  ),
  negative('Negative test case with old timestamp', events(timed(minutesAgo(15)), 5)),
];

// One positive and one negative case per criterion, window edge and the threshold (1).
const criterionCases = [
  negative('threshold 1: no notice, no alert', []),
  positive('threshold 1: one notice alerts', events({}, 1)),
  negative("details.note is exact and case-sensitive ('scan::address_scan')", [
    event({ details: { note: 'scan::address_scan' } }),
  ]),
  negative("source is exact ('Notice')", [event({ source: 'Notice' })]),
  positive('the first address of 10.0.0.0/8 counts', [event(from('10.0.0.0'))], {
    summary: 'Address scan from 10.0.0.0 (mock.mozilla.org)',
  }),
  positive('the last address of 10.0.0.0/8 counts', [event(from('10.255.255.255'))], {
    summary: 'Address scan from 10.255.255.255 (mock.mozilla.org)',
  }),
  negative('the address after 10.0.0.0/8 does not', [event(from('11.0.0.0'))]),
  negative('the address before 10.0.0.0/8 does not', [event(from('9.255.255.255'))]),
  negative('the first excluded address (bound to the field) is ignored', [
    event(from('10.33.44.54')),
  ]),
  negative('each excluded address is ignored (10.251.30.138)', [event(from('10.251.30.138'))]),
  positive(
    'the first excluded address elsewhere in the event does not exclude it (it is bound to details.sourceipaddress)',
    [event({ summary: 'Scan::Address_Scan source 10.33.44.54 destination unknown port unknown' })],
  ),
  // MozDef's Lucene: `details.sourceipaddress: a OR b` binds only `a` to the field; `b` is
  // searched in every field, so a notice that mentions b anywhere is ignored too.
  negative('a later excluded address anywhere in the event excludes it (Lucene OR in all fields)', [
    event({ summary: 'Scan::Address_Scan source 10.88.77.54 destination unknown port unknown' }),
  ]),
  positive('exactly at the window edge (1 minute ago) is in', [event(timed(at('-1m')))]),
  negative('one second outside the window is out', [event(timed(at('-1m1s')))]),
  positive('receivedtimestamp inside the window is enough (utctimestamp older)', [
    event({ utctimestamp: minutesAgo(30), receivedtimestamp: now() }),
  ]),
  negative('notices already used by this alert do not count again', [
    event({ alert_names: ['NSMScanAddress'] }),
  ]),
  positive('10.2.3.4 is named by the reverse DNS', [event(from('10.2.3.4'))], {
    summary: 'Address scan from 10.2.3.4 (mock_hostname1.mozilla.org)',
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
      details: { sourceipaddress: '10.99.88.77', source: 'notice', note: 'Scan::Address_Scan' },
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
        summary: 'Address scan from 10.99.88.77',
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
    },
    cases: [
      positive('a configured range counts', [event(from('192.168.7.7'))], {
        summary: 'Address scan from 192.168.7.7 (mock.mozilla.org)',
      }),
      negative('the default range no longer counts', [event(from('10.99.88.77'))]),
      negative('a configured exclusion is ignored', [event(from('192.168.1.1'))]),
    ],
  });

  it("defaults to MozDef's nsm_scan_address.json and rejects bad queries", () => {
    expect(resolveAlertConfig(alert, {})).toEqual({
      sourceMustMatch: '[10.0.0.0 TO 10.255.255.255]',
      sourceMustNotMatch:
        '10.33.44.54 OR 10.88.77.54 OR 10.76.54.54 OR 10.251.30.138 OR 10.54.65.234',
    });
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
        defaultAlert: { category: 'nsm', severity: 'NOTICE' },
      },
      positive('three scanners', [
        event(from('10.99.88.77')),
        event(from('10.2.3.4')),
        event({ details: { sourceipaddress: '10.5.5.5' } }),
      ]),
    );
    expect(run.alerts.map((a) => a._source.summary).sort()).toEqual([
      'Address scan from 10.2.3.4 (mock_hostname1.mozilla.org)',
      'Address scan from 10.99.88.77 (mock.mozilla.org)',
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
    for (const tagged of stored) expect(tagged._source.alert_names).toEqual(['NSMScanAddress']);
  });
});
