import { resolveAlertConfig } from '@alertkit/core';
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
  secondsAgo,
  type AlertSuiteOptions,
} from '@alertkit/harness';
import { describe, expect, it } from 'vitest';
import { alert } from '../src/index.js';

// MozDef's tests/alerts/test_bruteforce_ssh.py: a failed sshd login from 1.2.3.4.
const suite: AlertSuiteOptions = {
  defaultEvent: {
    _source: {
      summary: 'login invalid ldap_count_entries failed by 1.2.3.4',
      details: { program: 'sshd', sourceipaddress: '1.2.3.4' },
    },
  },
  defaultAlert: {
    category: 'bruteforce',
    severity: 'NOTICE',
    summary: '10 ssh bruteforce attempts by 1.2.3.4 exhostname (10 hits)',
    tags: ['ssh'],
  },
};

const timed = (time: ReturnType<typeof at>) => ({ utctimestamp: time, receivedtimestamp: time });

// Every case of MozDef's test, in its order (5 positive, 12 negative).
const mozdefCases = [
  positive('Positive test with default event and default alert expected', events({}, 10)),
  positive('Positive test with events a minute earlier', events(timed(minutesAgo(1)), 10)),
  positive(
    "Positive test with events with a summary of 'login failed'",
    events({ summary: 'login failed' }, 10),
  ),
  positive(
    "Positive test with events with a summary of 'invalid failed'",
    events({ summary: 'invalid failed' }, 10),
  ),
  // MozDef's case says 'ldap_count_entries failed' but stores 'invalid failed' (a slip in its
  // test, kept as stored); 'ldap_count_entries failed' itself is covered further down.
  positive(
    "Positive test with events with a summary of 'ldap_count_entries failed'",
    events({ summary: 'invalid failed' }, 10),
  ),
  negative('Negative test case with 10 events however one has different sourceipaddress', [
    ...events({}, 8),
    ...events({ details: { sourceipaddress: '127.0.0.1' } }, 2),
  ]),
  negative('Negative test case with not enough events', events({}, 9)),
  negative(
    "Negative test case with events with summary without 'failed'",
    events({ summary: 'login good ldap_count_entries' }, 10),
  ),
  negative(
    "Negative test case with events with summary with only 'failed'",
    events({ summary: 'failed' }, 10),
  ),
  negative(
    "Negative test case with events with summary with only 'login'",
    events({ summary: 'login' }, 10),
  ),
  negative(
    "Negative test case with events with summary with only 'invalid'",
    events({ summary: 'invalid' }, 10),
  ),
  negative(
    "Negative test case with events with summary with only 'ldap_count_entries'",
    events({ summary: 'ldap_count_entries' }, 10),
  ),
  negative(
    'Negative test case with events with bad program',
    events({ details: { program: 'badprogram' } }, 10),
  ),
  negative('Negative test case with old timestamp', events(timed(minutesAgo(3)), 10)),
  negative(
    'Negative test case with 11.22.33.44 as a whitelisted ip',
    events({ summary: 'login invalid ldap_count_entries failed by 11.22.33.44' }, 10),
  ),
  negative(
    'Negative test case with 55.66.77.88 as a whitelisted ip',
    events({ summary: 'login invalid ldap_count_entries failed by 55.66.77.88' }, 10),
  ),
  negative(
    'Negative test case aggregation key excluded',
    events({ details: { sourceipaddress: null } }, 10),
  ),
];

// One positive and one negative case per criterion, window edge and threshold.
const criterionCases = [
  positive(
    "'ldap_count_entries failed' is a failure (one token, underscores do not split)",
    events({ summary: 'ldap_count_entries failed' }, 10),
  ),
  positive(
    "'publickey' with 'failed' counts",
    events({ summary: 'Failed publickey for root from 1.2.3.4 port 22 ssh2' }, 10),
  ),
  positive(
    "'keyboard' with 'failed' counts",
    events(
      { summary: 'error: maximum authentication attempts exceeded: failed keyboard-interactive' },
      10,
    ),
  ),
  positive(
    "summary tokens are lower-cased: 'Failed password for invalid user' counts",
    events({ summary: 'Failed password for invalid user admin from 1.2.3.4 port 22 ssh2' }, 10),
  ),
  negative(
    "'failed' inside another word is no failure ('failedlogin')",
    events({ summary: 'failedlogin invalid' }, 10),
  ),
  negative(
    "the listed words only count as whole tokens ('logins failed')",
    events({ summary: 'logins failed' }, 10),
  ),
  negative(
    "details.program must be exactly 'sshd' ('SSHD' is another value)",
    events({ details: { program: 'SSHD' } }, 10),
  ),
  positive(
    'an address that merely resembles a skip host counts (11.22.33.45)',
    events({ summary: 'login failed by 11.22.33.45' }, 10),
  ),
  positive('exactly at the window edge (2 minutes ago) is in', events(timed(at('-2m')), 10)),
  negative('one second outside the window is out', events(timed(secondsAgo(121)), 10)),
  positive(
    'receivedtimestamp inside the window is enough (utctimestamp older)',
    events({ utctimestamp: minutesAgo(30), receivedtimestamp: now() }, 10),
  ),
  negative(
    'events already used by this alert do not count again',
    events({ alert_names: ['AlertBruteforceSsh'] }, 10),
  ),
  positive(
    'the summary lists the 5 most attacked hosts, count descending, ties first seen',
    [
      ...events({ hostname: 'host-a' }, 3),
      ...events({ hostname: 'host-b' }, 2),
      ...events({ hostname: 'host-c' }, 2),
      event({ hostname: 'host-d' }),
      event({ hostname: 'host-e' }),
      event({ hostname: 'host-f' }),
    ],
    {
      summary:
        '10 ssh bruteforce attempts by 1.2.3.4 host-a (3 hits) host-b (2 hits) host-c (2 hits) host-d (1 hits) host-e (1 hits)',
    },
  ),
];

describeAlert(alert, { ...suite, cases: [...mozdefCases, ...criterionCases] });

describe('config: skipHosts', () => {
  describe('with no skip hosts', () => {
    describeAlert(alert, {
      ...suite,
      config: { skipHosts: [] },
      cases: [
        positive(
          '11.22.33.44 counts again',
          events({ summary: 'login invalid failed by 11.22.33.44' }, 10),
        ),
      ],
    });
  });
  describe("with skip host '1.2.3.4'", () => {
    describeAlert(alert, {
      ...suite,
      config: { skipHosts: ['1.2.3.4'] },
      cases: [
        negative('failures naming 1.2.3.4 are skipped', events({}, 10)),
        positive(
          '11.22.33.44 is no longer skipped',
          events({ summary: 'login failed by 11.22.33.44' }, 10),
        ),
      ],
    });
  });

  it("defaults to MozDef's skiphosts and rejects a bad list", () => {
    expect(resolveAlertConfig(alert, {})).toEqual({ skipHosts: ['11.22.33.44', '55.66.77.88'] });
    expect(() => resolveAlertConfig(alert, { skipHosts: '11.22.33.44' })).toThrow(
      /skipHosts: Invalid input: expected array, received string/,
    );
    expect(() => resolveAlertConfig(alert, { skipHosts: ['10.0.0.5', ' '] })).toThrow(
      /skipHosts\.1: must be a non-empty string/,
    );
    expect(() => resolveAlertConfig(alert, { skiphosts: [] })).toThrow(/skiphosts: unknown key/);
  });
});

describe('samples', () => {
  it('12 attempts: the alert carries 10 of them, all 12 are tagged', async () => {
    const run = await runAlertCase(
      alert,
      { ...suite, numSamples: 10 },
      positive('12 attempts', events({}, 12), {
        summary: '12 ssh bruteforce attempts by 1.2.3.4 exhostname (12 hits)',
      }),
    );
    const stored = await run.store.getEvents(
      run.events.map(({ _index, _id }) => ({ _index, _id })),
    );
    expect(stored).toHaveLength(12);
    for (const tagged of stored) expect(tagged._source.alert_names).toEqual(['AlertBruteforceSsh']);
  });
});
