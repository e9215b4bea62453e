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
  todayAt,
  type Timestamp,
} from '@alertkit/harness';
import { describe, expect, it } from 'vitest';
import { alert } from '../src/index.js';

// MozDef's tests/alerts/test_session_opened_sensitive_user.py: pam opens a session for user1.
const suite = {
  defaultEvent: {
    _source: {
      category: 'syslog',
      hostname: 'exhostname',
      summary: 'pam_unix(sshd:session): session opened for user user1 by (uid=0)',
      details: { program: 'sshd' },
    },
  },
  defaultAlert: {
    category: 'session',
    severity: 'WARNING',
    tags: ['pam', 'syslog'],
    summary:
      'Session opened by a sensitive user outside of the expected window - sample hosts: exhostname [total 10 hosts]',
  },
};

const timed = (time: Timestamp) => ({ utctimestamp: time, receivedtimestamp: time });
const opened = (user: string) =>
  `pam_unix(sshd:session): session opened for user ${user} by (uid=0)`;
const sample = (hosts: string, count: number) => ({
  summary: `Session opened by a sensitive user outside of the expected window - sample hosts: ${hosts} [total ${count} hosts]`,
});

// Every case of MozDef's test (5 positive, 7 negative), as
// ../shared/mozdef-cases/session_opened_sensitive_user.json holds them.
const mozdefCases = [
  positive('Positive test with default event and default alert expected', events({}, 10)),
  positive('Positive test with events a minute earlier', events(timed(minutesAgo(1)), 10)),
  positive(
    "Positive test with events with a user 'user2'",
    events({ summary: opened('user2') }, 10),
  ),
  positive(
    "Positive test with events with a user 'user1'",
    events({ summary: opened('user1') }, 10),
  ),
  positive(
    "Positive test with events with a user 'user1'",
    Array.from({ length: 10 }, (_, i) => event({ hostname: `host${i}` })),
    sample('host0 host1 host2 host3 host4 host5 host6 host7 host8 host9', 10),
  ),
  negative('Negative test with wrong username', events({ summary: opened('user3') }, 10)),
  negative(
    'Negative test with events inside whitelisted time',
    events(timed(todayAt(3, 45, 30)), 10),
  ),
  negative(
    "Negative test with events with a summary of 'login failed'",
    events({ summary: 'login failed' }, 10),
  ),
  negative(
    'Negative test case with events with wrong category',
    events({ category: 'badcategory' }, 10),
  ),
  negative(
    'Negative test case with events with wrong program',
    events({ details: { program: 'ssh' } }, 10),
  ),
  negative(
    "Negative test case with events with 'session closed' summary",
    events({ summary: 'pam_unix(sshd:session): session closed for user user1 by (uid=0)' }, 10),
  ),
  negative('Negative test case with old timestamp', events(timed(minutesAgo(15)), 10)),
];

// The threshold pair (threshold 1), each criterion, the summary, the window edges and
// de-duplication.
const criterionCases = [
  negative('threshold 1: no session, no alert', []),
  positive('threshold 1: one session alerts', [event({})], sample('exhostname', 1)),
  negative("category must be exactly 'syslog'", [event({ category: 'Syslog' })]),
  negative("details.program must be exactly 'sshd'", [event({ details: { program: 'SSHD' } })]),
  positive(
    "'session opened' is matched case-insensitively",
    [event({ summary: 'pam_unix(sshd:session): Session Opened for user user2 by (uid=0)' })],
    sample('exhostname', 1),
  ),
  negative("the words must be in order ('opened session')", [
    event({ summary: 'pam_unix(sshd:session): opened session for user user1 by (uid=0)' }),
  ]),
  negative("a user name is a whole word: 'user10' is not user1", [
    event({ summary: opened('user10') }),
  ]),
  positive(
    'the sample hosts are listed once each, sorted; the total counts events',
    [
      event({ hostname: 'web2' }),
      event({ hostname: 'db1' }),
      event({ hostname: 'web2' }),
      event({ hostname: 'app3' }),
    ],
    sample('app3 db1 web2', 4),
  ),
  positive(
    'exactly at the window edge (10 minutes ago) is in',
    [event(timed(at('-10m')))],
    sample('exhostname', 1),
  ),
  negative('one second outside the window is out', [event(timed(at('-10m1s')))]),
  negative('sessions already used by this alert do not count again', [
    event({ alert_names: ['SessionOpenedUser'] }),
  ]),
];

describeAlert(alert, { ...suite, cases: [...mozdefCases, ...criterionCases] });

// The expected window (03:05:00 - 04:10:00 UTC by default) is today's, at the run's now.
describe('the expected window', () => {
  const inWindow = (runAt: string) => ({
    ...suite,
    now: runAt,
    defaultAlert: { ...suite.defaultAlert, ...sample('exhostname', 1) },
  });
  describeAlert(alert, {
    ...inWindow('2017-01-01T03:30:00Z'),
    cases: [
      negative('a session inside the window does not alert', [event(timed(now()))]),
      negative('a session 5 minutes earlier, still inside the window, does not alert', [
        event(timed(at('-5m'))),
      ]),
    ],
  });
  describeAlert(alert, {
    ...inWindow('2017-01-01T03:08:00Z'),
    cases: [
      negative('its first second (03:05:00) is in it', [event(timed(todayAt(3, 5, 0)))]),
      positive('the second before (03:04:59) alerts', [event(timed(todayAt(3, 4, 59)))]),
    ],
  });
  describeAlert(alert, {
    ...inWindow('2017-01-01T04:15:00Z'),
    cases: [
      negative('its last second (04:10:00) is in it', [event(timed(todayAt(4, 10, 0)))]),
      positive('the second after (04:10:01) alerts', [event(timed(todayAt(4, 10, 1)))]),
    ],
  });
  describeAlert(alert, {
    ...inWindow('2017-06-15T03:30:00Z'),
    cases: [negative('any day: the window is excluded on 15 June as well', [event(timed(now()))])],
  });
  describeAlert(alert, {
    ...inWindow('2017-01-01T23:30:00Z'),
    config: { scanExpected: { night: { start: '23:00:00', end: '01:00:00' } } },
    cases: [
      positive('KEPT: a window crossing midnight (23:00 - 01:00) covers nothing, as in MozDef', [
        event(timed(now())),
      ]),
    ],
  });
  describeAlert(alert, {
    ...inWindow('2017-01-02T00:05:00Z'),
    config: { scanExpected: { late: { start: '23:50:00', end: '23:59:59' } } },
    cases: [
      positive(
        "KEPT: only today's window is excluded: yesterday's 23:58 alerts just after midnight",
        [event(timed(at('-7m')))],
      ),
    ],
  });
});

describe('config', () => {
  describeAlert(alert, {
    ...suite,
    config: {
      users: { root: 'root' },
      scanExpected: { noon: { start: '00:55:00', end: '01:00:00' } },
    },
    defaultAlert: { ...suite.defaultAlert, ...sample('exhostname', 1) },
    cases: [
      positive('a single configured user alerts', [
        event({ summary: opened('root'), ...timed(minutesAgo(6)) }),
      ]),
      negative('user1 is no longer sensitive', [event({ ...timed(minutesAgo(6)) })]),
      negative('the configured window excludes', [event({ summary: opened('root') })]),
    ],
  });

  it("defaults to MozDef's critical_users.json and rejects a bad config", () => {
    expect(resolveAlertConfig(alert, {})).toEqual({
      users: { username1: 'user1', username2: 'user2' },
      scanExpected: { period1: { start: '03:05:00', end: '04:10:00' } },
    });
    expect(() => resolveAlertConfig(alert, { users: {} })).toThrow(
      /users: must name at least one user/,
    );
    expect(() =>
      resolveAlertConfig(alert, { scanExpected: { p: { start: '3:05', end: '04:10:00' } } }),
    ).toThrow(/scanExpected\.p\.start: must be a UTC time of day as HH:MM:SS/);
    expect(() => resolveAlertConfig(alert, { scan_expected: {} })).toThrow(
      /scan_expected: unknown key/,
    );
  });
});

describe('samples', () => {
  it('12 sessions on 12 hosts: 10 sample hosts, total 12, all 12 tagged', async () => {
    const run = await runAlertCase(
      alert,
      { ...suite, numSamples: 10 },
      positive(
        '12 hosts',
        Array.from({ length: 12 }, (_, i) =>
          event({ hostname: `host${String(i).padStart(2, '0')}` }),
        ),
        sample('host00 host01 host02 host03 host04 host05 host06 host07 host08 host09', 12),
      ),
    );
    const stored = await run.store.getEvents(
      run.events.map(({ _index, _id }) => ({ _index, _id })),
    );
    expect(stored).toHaveLength(12);
    for (const tagged of stored) expect(tagged._source.alert_names).toEqual(['SessionOpenedUser']);
  });
});
