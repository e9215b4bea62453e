import { resolveAlertConfig } from '@alertkit/core';
import {
  at,
  describeAlert,
  event,
  hoursAgo,
  minutesAgo,
  negative,
  positive,
  type Timestamp,
} from '@alertkit/harness';
import { describe, expect, it } from 'vitest';
import { alert } from '../src/index.js';

// MozDef's tests/alerts/test_ssh_access.py: a key login from the first watched address.
const suite = {
  defaultEvent: {
    _source: {
      category: 'syslog',
      hostname: 'victim1.small.corp.com',
      summary: 'Accepted publickey for alamakota from 11.22.33.44 port 39190 ssh2',
      details: { sourceipaddress: '11.22.33.44', program: 'sshd', username: 'alamakota' },
    },
  },
  defaultAlert: {
    category: 'access',
    severity: 'CRITICAL',
    summary: 'SSH login from 11.22.33.44 on victim1.small.corp.com as user alamakota',
    tags: ['ssh'],
    notify_mozdefbot: true,
  },
};

const timed = (time: Timestamp) => ({ utctimestamp: time, receivedtimestamp: time });

// Every case of MozDef's test (3 positive, 4 negative), as ../shared/mozdef-cases/ssh_access.json holds them.
const mozdefCases = [
  positive('Positive test case with good event', [event({})]),
  positive(
    'Positive test case from a different server',
    [event({ details: { sourceipaddress: '11.22.33.45' } })],
    { summary: 'SSH login from 11.22.33.45 on victim1.small.corp.com as user alamakota' },
  ),
  positive('Positive test case with an event with somewhat old timestamp', [
    event(timed(minutesAgo(14))),
  ]),
  negative('Negative test case with old timestamp', [event(timed(minutesAgo(16)))]),
  negative('Negative test case with bad category', [event({ category: ['bro'] })]),
  negative('Negative test case with bad program', [event({ details: { program: 'ssh' } })]),
  negative('Negative test case with the source IP address outside of the watchlist', [
    event({ details: { sourceipaddress: '213.212.11.5' } }),
  ]),
];

// Cases per criterion, the summary's defaults, the window edges and de-duplication.
const criterionCases = [
  negative("category must be exactly 'syslog' ('Syslog')", [event({ category: 'Syslog' })]),
  positive('a category list holding syslog matches (any value of an array)', [
    event({ category: ['syslog', 'auth'] }),
  ]),
  negative("details.program must be exactly 'sshd' ('SSHD')", [
    event({ details: { program: 'SSHD' } }),
  ]),
  negative("a password login ('Accepted password for') is not a key login", [
    event({ summary: 'Accepted password for alamakota from 11.22.33.44 port 39190 ssh2' }),
  ]),
  negative("a failed key ('Failed publickey for') is not a login", [
    event({ summary: 'Failed publickey for alamakota from 11.22.33.44 port 39190 ssh2' }),
  ]),
  positive('the phrase is matched case-insensitively, anywhere in the summary', [
    event({ summary: 'sshd[42]: ACCEPTED PUBLICKEY FOR alamakota from 11.22.33.44' }),
  ]),
  negative('an address next to a watched one (11.22.33.46) does not match', [
    event({ details: { sourceipaddress: '11.22.33.46' } }),
  ]),
  negative('an event without a source address does not match', [
    event({ details: { sourceipaddress: null } }),
  ]),
  positive(
    'a null username prints None, as Python would',
    [event({ details: { username: null } })],
    { summary: 'SSH login from 11.22.33.44 on victim1.small.corp.com as user None' },
  ),
  positive('exactly at the window edge (15 minutes ago) is in', [event(timed(at('-15m')))]),
  negative('one second outside the window is out', [event(timed(at('-15m1s')))]),
  positive('an old utctimestamp with a recent receivedtimestamp is in the window', [
    event({ utctimestamp: hoursAgo(2), receivedtimestamp: minutesAgo(1) }),
  ]),
  negative('a login already used by this alert does not alert again', [
    event({ alert_names: ['AlertSSHAccess'] }),
  ]),
];

describeAlert(alert, { ...suite, cases: [...mozdefCases, ...criterionCases] });

describeAlert(alert, {
  defaultEvent: {
    _source: {
      ...suite.defaultEvent._source,
      details: { sourceipaddress: '11.22.33.45', program: 'sshd' },
    },
  },
  defaultAlert: {
    ...suite.defaultAlert,
    summary: 'SSH login from 11.22.33.45 on victim1.small.corp.com as user UNKNOWN',
  },
  cases: [positive('without details.username the user is UNKNOWN', [event({})])],
});

describe('config: watchlist', () => {
  describeAlert(alert, {
    ...suite,
    config: { watchlist: [{ ipaddress: '10.9.8.7' }] },
    cases: [
      positive(
        'the configured address alerts',
        [event({ details: { sourceipaddress: '10.9.8.7' } })],
        { summary: 'SSH login from 10.9.8.7 on victim1.small.corp.com as user alamakota' },
      ),
      negative("MozDef's default addresses no longer do", [event({})]),
    ],
  });

  it("defaults to MozDef's watchlist and rejects a bad one", () => {
    expect(resolveAlertConfig(alert, {})).toEqual({
      watchlist: [
        { hostname: 'nagios1.small.corp.com', ipaddress: '11.22.33.44' },
        { hostname: 'nagios2.super.corp.com', ipaddress: '11.22.33.45' },
      ],
    });
    expect(() => resolveAlertConfig(alert, { watchlist: [] })).toThrow(
      /watchlist: must list at least one source address/,
    );
    expect(() =>
      resolveAlertConfig(alert, { watchlist: [{ hostname: 'x', ipaddress: 'nagios1' }] }),
    ).toThrow(/watchlist\.0\.ipaddress: must be an IPv4 or IPv6 address/);
    expect(() => resolveAlertConfig(alert, { watchlist: ['11.22.33.44'] })).toThrow(/watchlist\.0/);
  });
});
