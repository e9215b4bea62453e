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

// MozDef's tests/alerts/test_guard_duty_probe.py: a GuardDuty PORT_PROBE finding from 1.2.3.4.
const suite = {
  defaultEvent: {
    _source: {
      source: 'guardduty',
      details: { sourceipaddress: '1.2.3.4', finding: { action: { actionType: 'PORT_PROBE' } } },
    },
  },
  defaultAlert: {
    category: 'bruteforce',
    tags: ['guardduty', 'bruteforce'],
    severity: 'INFO',
    summary: 'Guard Duty Port Probe by 1.2.3.4',
  },
};

const timed = (time: Timestamp) => ({ utctimestamp: time, receivedtimestamp: time });

// Every case of MozDef's test (1 positive, 3 negative).
const mozdefCases = [
  positive('Positive test with default events and default alert expected', [event({})]),
  negative('Negative test case with events with incorrect category', events({ source: 'bad' }, 10)),
  negative(
    'Negative test case with events with non-existent sourceipaddress',
    events({ details: { sourceipaddress: null } }, 10),
  ),
  // As MozDef stores it: its old-timestamp events also carry the previous case's missing address.
  negative(
    'Negative test case with old timestamp',
    events({ ...timed(minutesAgo(21)), details: { sourceipaddress: null } }, 10),
  ),
];

// One positive and one negative case per criterion, window edge and threshold (1).
const criterionCases = [
  positive('10 findings from one address make one alert carrying all 10', events({}, 10)),
  negative("source is exact and case-sensitive ('GuardDuty')", events({ source: 'GuardDuty' }, 2)),
  negative(
    'another finding type does not count (PORT_SCAN)',
    events({ details: { finding: { action: { actionType: 'PORT_SCAN' } } } }, 2),
  ),
  negative(
    'a finding without an action type does not count',
    events({ details: { finding: { action: { actionType: null } } } }, 2),
  ),
  positive('exactly at the window edge (20 minutes ago) is in', events(timed(at('-20m')), 2)),
  negative('one second outside the window is out', events(timed(at('-20m1s')), 2)),
  negative('old findings with an address do not count either', events(timed(minutesAgo(21)), 2)),
  negative(
    'findings already used by this alert do not count again',
    events({ alert_names: ['AlertGuardDutyProbe'] }, 2),
  ),
];

describeAlert(alert, { ...suite, cases: [...mozdefCases, ...criterionCases] });

describe('groups and samples', () => {
  it('one alert per probing address', async () => {
    const run = await runAlertCase(
      alert,
      { ...suite, numSamples: 1, defaultAlert: { category: 'bruteforce', severity: 'INFO' } },
      positive('two addresses', [event({}), event({ details: { sourceipaddress: '5.6.7.8' } })]),
    );
    expect(run.alerts.map((a) => a._source.summary).sort()).toEqual([
      'Guard Duty Port Probe by 1.2.3.4',
      'Guard Duty Port Probe by 5.6.7.8',
    ]);
  });

  it('12 findings from one address: the alert carries 10, all 12 are tagged', async () => {
    const run = await runAlertCase(
      alert,
      { ...suite, numSamples: 10 },
      positive('12 findings', events({}, 12)),
    );
    const stored = await run.store.getEvents(
      run.events.map(({ _index, _id }) => ({ _index, _id })),
    );
    expect(stored).toHaveLength(12);
    for (const tagged of stored)
      expect(tagged._source.alert_names).toEqual(['AlertGuardDutyProbe']);
  });
});
