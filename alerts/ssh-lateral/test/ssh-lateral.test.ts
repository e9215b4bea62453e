import { resolveAlertConfig, reverseDnsFromTable } from '@alertkit/core';
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

// MozDef's tests/alerts/test_ssh_lateral.py: user1 logs in to an enterprise host from 10.2.3.4.
// The harness resolves names with MozDef's mock (10.2.3.4 -> mock_hostname1.mozilla.org, every
// other address -> mock.mozilla.org), as MozDef's test did.
const login = (user: string, ip: string) =>
  `Accepted publickey for ${user} from ${ip} port 19936 ssh2: RSA SHA256:ET72afGGbxabDersgSdQ+xJYB6ILXOFSDsLsTqDs`;
const suite = {
  defaultEvent: {
    _source: {
      category: 'syslog',
      hostname: 'test-host.enterprise.mozilla.com',
      summary: login('user1', '10.2.3.4'),
      details: { program: 'sshd' },
    },
  },
  defaultAlert: {
    category: 'session',
    severity: 'WARNING',
    summary:
      'SSH lateral movement outside policy: access to test-host.enterprise.mozilla.com from 10.2.3.4 (mock_hostname1.mozilla.org) as user1',
    tags: ['sshd', 'syslog'],
  },
};

const timed = (time: Timestamp) => ({ utctimestamp: time, receivedtimestamp: time });
const lateral = (from: string, as: string, host = 'test-host.enterprise.mozilla.com') => ({
  summary: `SSH lateral movement outside policy: access to ${host} from ${from} as ${as}`,
});

// Every case of MozDef's test (1 positive, 4 negative), as ../shared/mozdef-cases/ssh_lateral.json holds them.
const mozdefCases = [
  positive('Positive test case with good event', [event({})]),
  negative('Negative test case with bad event category', [event({ category: 'bad' })]),
  negative('Negative test case with bad event summary', [event({ summary: 'some bad summary' })]),
  negative('Negative test case with bad event details.program', [
    event({ details: { program: 'ftpd' } }),
  ]),
  negative('Negative test case with an event with old timestamp', [event(timed(minutesAgo(16)))]),
];

// The threshold pair (threshold 1), each policy rule, the summary, the window edges and
// de-duplication.
const criterionCases = [
  negative('threshold 1: no login, no alert', []),
  // hostMustMatch / hostMustNotMatch (re.match: anchored at the start only).
  negative('a host outside hostMustMatch does not alert', [
    event({ hostname: 'test-host.example.com' }),
  ]),
  negative('a host in hostMustNotMatch does not alert', [
    event({ hostname: 'ten-forward.enterprise.mozilla.com' }),
  ]),
  positive(
    'KEPT: re.match is not anchored at the end (a longer host name still matches)',
    [event({ hostname: 'test-host.enterprise.mozilla.com.example.org' })],
    lateral(
      '10.2.3.4 (mock_hostname1.mozilla.org)',
      'user1',
      'test-host.enterprise.mozilla.com.example.org',
    ),
  ),
  // alertIfSource / notAlertIfSource.
  negative('a source outside alertIfSource (192.168.1.5) does not alert', [
    event({ summary: login('user1', '192.168.1.5') }),
  ]),
  negative('a source in notAlertIfSource (10.0.22.5) does not alert', [
    event({ summary: login('user1', '10.0.22.5') }),
  ]),
  positive(
    'a source next to notAlertIfSource (10.0.24.5) alerts; its name comes from reverse DNS',
    [event({ summary: login('user1', '10.0.24.5') })],
    lateral('10.0.24.5 (mock.mozilla.org)', 'user1'),
  ),
  // ignoreUsers.
  negative('a user matching ignoreUsers (an email address) does not alert', [
    event({ summary: login('user1@example.com', '10.2.3.4') }),
  ]),
  // exceptions: user regexp, host regexp and block all at once.
  negative('kirk from 10.1.1.2 is an exception', [event({ summary: login('kirk', '10.1.1.2') })]),
  negative("KEPT: 'kirkland' starts with 'kirk', so the exception covers it too", [
    event({ summary: login('kirkland', '10.1.1.1') }),
  ]),
  positive(
    'kirk from 10.1.1.4 is not an exception',
    [event({ summary: login('kirk', '10.1.1.4') })],
    lateral('10.1.1.4 (mock.mozilla.org)', 'kirk'),
  ),
  negative('spock on sciencestation from 10.0.51.7 is an exception', [
    event({
      hostname: 'sciencestation.enterprise.mozilla.com',
      summary: login('spock', '10.0.51.7'),
    }),
  ]),
  positive(
    "spock's exception is for sciencestation only",
    [event({ summary: login('spock', '10.0.51.7') })],
    lateral('10.0.51.7 (mock.mozilla.org)', 'spock'),
  ),
  // The summary must START with the login line (re.match), though the search finds it anywhere.
  negative('KEPT: a login line with a prefix is found but not parsed, so no alert', [
    event({ summary: `sshd[42]: ${login('user1', '10.2.3.4')}` }),
  ]),
  positive(
    'every kept login is listed, in order; the alert carries all sampled events',
    [
      event({ summary: login('user1', '10.2.3.4') }),
      event({ summary: login('user2', '192.168.0.9') }),
      event({ summary: login('user3', '10.9.9.9') }),
    ],
    lateral('10.2.3.4 (mock_hostname1.mozilla.org),10.9.9.9 (mock.mozilla.org)', 'user1,user3'),
  ),
  positive(
    'FIX: a login whose source is not an address is left out (MozDef: netaddr error aborted the run)',
    [
      event({ summary: login('user1', 'jumphost.internal') }),
      event({ summary: login('user2', '10.2.3.4') }),
    ],
    lateral('10.2.3.4 (mock_hostname1.mozilla.org)', 'user2'),
  ),
  positive('exactly at the window edge (15 minutes ago) is in', [event(timed(at('-15m')))]),
  negative('one second outside the window is out', [event(timed(at('-15m1s')))]),
  negative('a login already used by this alert does not alert again', [
    event({ alert_names: ['SshLateral'] }),
  ]),
];

describeAlert(alert, { ...suite, cases: [...mozdefCases, ...criterionCases] });

describe('reverse DNS', () => {
  describeAlert(alert, {
    ...suite,
    reverseDns: reverseDnsFromTable({ '10.2.3.4': 'bastion1.internal' }),
    cases: [
      positive(
        'a name from the resolver is added',
        [event({})],
        lateral('10.2.3.4 (bastion1.internal)', 'user1'),
      ),
      positive(
        'a failed lookup leaves the address as it is',
        [event({ summary: login('user1', '10.7.7.7') })],
        lateral('10.7.7.7', 'user1'),
      ),
    ],
  });
  describeAlert(alert, {
    ...suite,
    config: { alertIfSource: ['0.0.0.0/0'] },
    reverseDns: reverseDnsFromTable({ '8.8.8.8': 'dns.google' }),
    cases: [
      positive(
        'a public source is never looked up (MozDef resolves internal addresses only)',
        [event({ summary: login('user1', '8.8.8.8') })],
        lateral('8.8.8.8', 'user1'),
      ),
    ],
  });
  describeAlert(alert, {
    ...suite,
    config: { alertIfSource: ['10.0.0.0/8', '10.2.0.0/16'] },
    cases: [
      positive(
        'KEPT: an address in two alertIfSource blocks is listed twice',
        [event({})],
        lateral(
          '10.2.3.4 (mock_hostname1.mozilla.org),10.2.3.4 (mock_hostname1.mozilla.org)',
          'user1,user1',
        ),
      ),
    ],
  });
});

describe('config', () => {
  it("defaults to MozDef's example config", () => {
    const config = resolveAlertConfig(alert, {});
    expect(config).toMatchObject({
      hostMustMatch: ['.*\\.enterprise\\.mozilla.com'],
      hostMustNotMatch: ['ten-forward\\.enterprise\\.mozilla\\.com'],
      alertIfSource: ['10.0.0.0/8'],
      notAlertIfSource: ['10.0.22.0/24', '10.0.23.0/24'],
      ignoreUsers: ['.*@\\S+.*'],
    });
    expect(config.exceptions).toHaveLength(7);
    expect(config.exceptions[0]).toEqual(['kirk', '.*', '10.1.1.1/32']);
  });

  it('rejects a bad regexp, a bad CIDR and a short exception, naming the field', () => {
    expect(() => resolveAlertConfig(alert, { hostMustMatch: ['(unclosed'] })).toThrow(
      /hostMustMatch\.0: not a regular expression/,
    );
    expect(() => resolveAlertConfig(alert, { alertIfSource: ['10.0.0.1/8'] })).toThrow(
      /alertIfSource\.0: .*host bits are set/,
    );
    expect(() => resolveAlertConfig(alert, { exceptions: [['kirk', '.*']] })).toThrow(
      /exceptions\.0/,
    );
  });

  describeAlert(alert, {
    ...suite,
    config: { hostMustMatch: ['db\\d+\\.'], ignoreUsers: [], exceptions: [] },
    cases: [
      positive(
        'a host matching the configured pattern alerts',
        [event({ hostname: 'db7.example.com', summary: login('kirk', '10.1.1.1') })],
        lateral('10.1.1.1 (mock.mozilla.org)', 'kirk', 'db7.example.com'),
      ),
      negative('the default enterprise hosts are out of scope', [event({})]),
    ],
  });
});

describe('groups', () => {
  it('one alert per target host', async () => {
    const run = await runAlertCase(
      alert,
      { ...suite, defaultAlert: { category: 'session' }, numSamples: 2 },
      positive('two hosts', [
        ...events({}, 2),
        ...events({ hostname: 'other.enterprise.mozilla.com' }, 2),
      ]),
    );
    expect(run.alerts.map((a) => a._source.summary).sort()).toEqual([
      'SSH lateral movement outside policy: access to other.enterprise.mozilla.com from 10.2.3.4 (mock_hostname1.mozilla.org),10.2.3.4 (mock_hostname1.mozilla.org) as user1,user1',
      'SSH lateral movement outside policy: access to test-host.enterprise.mozilla.com from 10.2.3.4 (mock_hostname1.mozilla.org),10.2.3.4 (mock_hostname1.mozilla.org) as user1,user1',
    ]);
  });

  it('only the 10 sampled logins are checked and listed; all 12 are tagged', async () => {
    const run = await runAlertCase(
      alert,
      { ...suite, numSamples: 10 },
      positive(
        '10 allowed logins, then 2 outside policy',
        [
          ...events({ summary: login('kirk', '10.1.1.1') }, 9),
          event({}),
          ...events({ summary: login('user9', '10.9.9.9') }, 2),
        ],
        lateral('10.2.3.4 (mock_hostname1.mozilla.org)', 'user1'),
      ),
    );
    const stored = await run.store.getEvents(
      run.events.map(({ _index, _id }) => ({ _index, _id })),
    );
    expect(stored).toHaveLength(12);
    for (const tagged of stored) expect(tagged._source.alert_names).toEqual(['SshLateral']);
  });
});
