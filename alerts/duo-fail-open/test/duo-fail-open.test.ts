import {
  at,
  describeAlert,
  event,
  events,
  minutesAgo,
  negative,
  positive,
  runAlertCase,
  type Timestamp,
} from '@alertkit/harness';
import { describe, expect, it } from 'vitest';
import { alert } from '../src/index.js';

// As MozDef's tests/alerts/test_duo_fail_open.py: the OpenVPN Duo plugin's fail-open log line.
const suite = {
  defaultEvent: {
    _source: {
      category: 'syslog',
      hostname: 'vpn1.example.com',
      summary: 'Failsafe Duo login summary for user foo@example.com',
      details: { program: 'openvpn' },
    },
  },
  defaultAlert: {
    category: 'bypass',
    tags: ['openvpn', 'duosecurity'],
    severity: 'WARNING',
    summary: 'DuoSecurity contact failed, fail open triggered on vpn1.example.com',
  },
};

const timed = (time: Timestamp) => ({ utctimestamp: time, receivedtimestamp: time });

// The cases of MozDef's test (3 positive, 2 negative); it has no case file, so they are written
// from the catalogue (spec/mozdef-alerts.md A8).
const mozdefCases = [
  positive('Positive test with default event and default alert expected', [event({})]),
  positive('Positive test with events a minute earlier', events(timed(minutesAgo(1)), 3)),
  positive('Positive test with several fail-open logins on one host', events({}, 10)),
  negative('Negative test case with a summary without the phrase', [
    event({ summary: 'Successful Duo login for user foo@example.com' }),
  ]),
  negative('Negative test case with old timestamp', [event(timed(minutesAgo(16)))]),
];

// One positive and one negative case per criterion, window edge and threshold (1).
const criterionCases = [
  positive("the phrase is matched case-insensitively ('FAILSAFE duo LOGIN')", [
    event({ summary: 'FAILSAFE duo LOGIN for bob' }),
  ]),
  negative("the words must be adjacent and in order ('Failsafe login Duo')", [
    event({ summary: 'Failsafe login Duo for bob' }),
  ]),
  negative("whole words only ('Failsafes Duo login')", [
    event({ summary: 'Failsafes Duo login for bob' }),
  ]),
  negative('an event without hostname has nothing to group by', [event({ hostname: null })]),
  positive('exactly at the window edge (15 minutes ago) is in', [event(timed(at('-15m')))]),
  negative('one second outside the window is out', [event(timed(at('-15m1s')))]),
  negative('an event already used by this alert does not alert again', [
    event({ alert_names: ['AlertDuoFailOpen'] }),
  ]),
];

describeAlert(alert, { ...suite, cases: [...mozdefCases, ...criterionCases] });

describe('groups and samples', () => {
  it('one alert per host', async () => {
    const run = await runAlertCase(
      alert,
      { ...suite, numSamples: 1, defaultAlert: { category: 'bypass' } },
      positive('two hosts', [event({}), event({ hostname: 'vpn2.example.com' })]),
    );
    expect(run.alerts.map((a) => a._source.summary).sort()).toEqual([
      'DuoSecurity contact failed, fail open triggered on vpn1.example.com',
      'DuoSecurity contact failed, fail open triggered on vpn2.example.com',
    ]);
  });

  it('12 fail-open logins on one host: the alert carries 10, all 12 are tagged', async () => {
    const run = await runAlertCase(
      alert,
      { ...suite, numSamples: 10 },
      positive('12 logins', events({}, 12)),
    );
    const stored = await run.store.getEvents(
      run.events.map(({ _index, _id }) => ({ _index, _id })),
    );
    expect(stored).toHaveLength(12);
    for (const tagged of stored) expect(tagged._source.alert_names).toEqual(['AlertDuoFailOpen']);
  });
});
