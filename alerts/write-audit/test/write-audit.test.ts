import { resolveAlertConfig, runAlert } from '@alertkit/core';
import { createEmbeddedStore } from '@alertkit/query';
import {
  at,
  buildCaseEvents,
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

// MozDef's tests/alerts/test_write_audit.py: randomjoe (as root) writes an audit plugin file.
const suite = {
  defaultEvent: {
    _source: {
      category: 'write',
      summary: 'Write: /etc/audit/plugins.d/temp-file.conf',
      hostname: 'exhostname',
      tags: ['audisp-json', '2.1.0', 'audit'],
      details: { processname: 'vi', originaluser: 'randomjoe', user: 'root', auditkey: 'audit' },
    },
  },
  defaultAlert: {
    category: 'write',
    severity: 'WARNING',
    summary:
      '5 Filesystem write(s) to an auditd path (/etc/audit/plugins.d/temp-file.conf) by root (randomjoe)',
    tags: ['audit'],
  },
};

const timed = (time: Timestamp) => ({ utctimestamp: time, receivedtimestamp: time });
const twice = {
  summary:
    '2 Filesystem write(s) to an auditd path (/etc/audit/plugins.d/temp-file.conf) by root (randomjoe)',
};

// Every case of MozDef's test (3 positive, 4 negative), as ../shared/mozdef-cases/write_audit.json holds them.
const mozdefCases = [
  positive('Positive test with default event and default alert expected', events({}, 5)),
  positive(
    'Positive test with expected downgraded severity',
    events({ details: { originaluser: 'user1' } }, 5),
    {
      severity: 'NOTICE',
      summary:
        '5 Filesystem write(s) to an auditd path (/etc/audit/plugins.d/temp-file.conf) by root (user1)',
    },
  ),
  positive('Positive test with events a minute earlier', events(timed(minutesAgo(1)), 5)),
  negative(
    "Negative test case with events with auditkey without 'audit'",
    events({ details: { auditkey: 'exec' } }, 5),
  ),
  negative(
    "Negative test case with events with processname that matches exclusion of 'process1'",
    events({ details: { processname: 'process1' } }, 5),
  ),
  negative(
    'Negative test case aggregation key excluded',
    events({ details: { originaluser: null } }, 5),
  ),
  negative('Negative test case with old timestamp', events(timed(minutesAgo(20)), 5)),
];

// The threshold pair (threshold 2), cases per criterion, the summary's lists, the severity rule,
// the window edges and de-duplication.
const criterionCases = [
  negative('threshold 2: one write, no alert', [event({})]),
  positive('threshold 2: two writes alert', events({}, 2), twice),
  negative("category must be exactly 'write' ('Write')", events({ category: 'Write' }, 2)),
  negative(
    "details.auditkey must be exactly 'audit' ('audit-rules')",
    events({ details: { auditkey: 'audit-rules' } }, 2),
  ),
  negative(
    'writes by process2 (the second skipped process) do not count',
    events({ details: { processname: 'process2' } }, 2),
  ),
  positive(
    "a process that merely starts with a skipped name counts ('process10')",
    events({ details: { processname: 'process10' } }, 2),
    twice,
  ),
  positive(
    'the second expected user (user2) is NOTICE too',
    events({ details: { originaluser: 'user2' } }, 2),
    {
      severity: 'NOTICE',
      summary:
        '2 Filesystem write(s) to an auditd path (/etc/audit/plugins.d/temp-file.conf) by root (user2)',
    },
  ),
  positive(
    "expected users are exact: 'User1' stays WARNING",
    events({ details: { originaluser: 'User1' } }, 2),
    {
      summary:
        '2 Filesystem write(s) to an auditd path (/etc/audit/plugins.d/temp-file.conf) by root (User1)',
    },
  ),
  positive(
    'paths and users of the samples are listed once each, sorted',
    [
      event({ summary: 'Write: /etc/audit/rules.d/z.rules', details: { user: 'root' } }),
      event({ summary: 'Write: /etc/audit/auditd.conf', details: { user: 'admin' } }),
      event({ summary: 'Write: /etc/audit/rules.d/z.rules', details: { user: 'root' } }),
    ],
    {
      summary:
        '3 Filesystem write(s) to an auditd path (/etc/audit/auditd.conf, /etc/audit/rules.d/z.rules) by admin, root (randomjoe)',
    },
  ),
  positive(
    "the path is the summary's second space-separated word",
    events({ summary: 'Write /etc/audit/audit.rules by vi' }, 2),
    {
      summary:
        '2 Filesystem write(s) to an auditd path (/etc/audit/audit.rules) by root (randomjoe)',
    },
  ),
  positive(
    'writes on more than one host name the hosts, most written-to first',
    [...events({ hostname: 'host-b' }, 1), ...events({ hostname: 'host-a' }, 2)],
    {
      summary:
        '3 Filesystem write(s) to an auditd path (/etc/audit/plugins.d/temp-file.conf) by root (randomjoe) on host-a (2 hosts) on host-b (1 hosts)',
    },
  ),
  positive(
    'at most 5 hosts are named (count descending, ties first seen)',
    ['h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'h7'].map((hostname) => event({ hostname })),
    {
      summary:
        '7 Filesystem write(s) to an auditd path (/etc/audit/plugins.d/temp-file.conf) by root (randomjoe) on h1 (1 hosts) on h2 (1 hosts) on h3 (1 hosts) on h4 (1 hosts) on h5 (1 hosts)',
    },
  ),
  positive(
    'FIX: an event without details.user adds no user (MozDef: KeyError aborted the run)',
    [event({}), event({ details: { user: null } })],
    twice,
  ),
  positive(
    'FIX: a summary without a second word adds no path (MozDef: IndexError aborted the run)',
    [event({}), event({ summary: 'Write' })],
    twice,
  ),
  positive(
    'exactly at the window edge (15 minutes ago) is in',
    events(timed(at('-15m')), 2),
    twice,
  ),
  negative('one second outside the window is out', events(timed(at('-15m1s')), 2)),
  negative(
    'writes already used by this alert do not count again',
    events({ alert_names: ['WriteAudit'] }, 2),
  ),
];

describeAlert(alert, { ...suite, cases: [...mozdefCases, ...criterionCases] });

describe('config', () => {
  describeAlert(alert, {
    ...suite,
    config: { skipProcess: ['puppet'], expectedUsers: ['randomjoe'] },
    cases: [
      negative('puppet is skipped', events({ details: { processname: 'puppet' } }, 2)),
      positive(
        'process1 is no longer skipped',
        events({ details: { processname: 'process1' } }, 2),
        {
          ...twice,
          severity: 'NOTICE',
        },
      ),
      positive('user1 is no longer expected', events({ details: { originaluser: 'user1' } }, 2), {
        summary:
          '2 Filesystem write(s) to an auditd path (/etc/audit/plugins.d/temp-file.conf) by root (user1)',
      }),
    ],
  });

  it("defaults to MozDef's lists and rejects bad ones", () => {
    expect(resolveAlertConfig(alert, {})).toEqual({
      skipProcess: ['process1', 'process2'],
      expectedUsers: ['user1', 'user2'],
    });
    expect(() => resolveAlertConfig(alert, { expectedUsers: 'user1 user2' })).toThrow(
      /expectedUsers: Invalid input: expected array, received string/,
    );
    expect(() => resolveAlertConfig(alert, { skipProcess: [' '] })).toThrow(
      /skipProcess\.0: must be a non-empty process name/,
    );
    expect(() => resolveAlertConfig(alert, { skipprocess: [] })).toThrow(
      /skipprocess: unknown key/,
    );
  });
});

describe('groups and samples', () => {
  it('one alert per original user, each with its own severity', async () => {
    const now = new Date('2017-01-01T01:00:00Z');
    const store = createEmbeddedStore();
    const inputs = [...events({}, 2), ...events({ details: { originaluser: 'user1' } }, 2)];
    store.ingest(buildCaseEvents(inputs, { now, seed: 1, defaultEvent: suite.defaultEvent }));
    const { alerts } = await runAlert(alert, store, { now });
    expect(
      alerts.map((a) => [a._source.summary, a._source.severity, a._source.notify_mozdefbot]).sort(),
    ).toEqual([
      [
        '2 Filesystem write(s) to an auditd path (/etc/audit/plugins.d/temp-file.conf) by root (randomjoe)',
        'WARNING',
        true,
      ],
      [
        '2 Filesystem write(s) to an auditd path (/etc/audit/plugins.d/temp-file.conf) by root (user1)',
        'NOTICE',
        false,
      ],
    ]);
  });

  it('paths come from the 10 samples, hosts from all 12 events, and all 12 are tagged', async () => {
    const run = await runAlertCase(
      alert,
      { ...suite, numSamples: 10 },
      positive(
        '12 writes, the last two to another path on another host',
        [
          ...events({}, 10),
          ...events({ summary: 'Write: /etc/audit/late.conf', hostname: 'late-host' }, 2),
        ],
        {
          summary:
            '12 Filesystem write(s) to an auditd path (/etc/audit/plugins.d/temp-file.conf) by root (randomjoe) on exhostname (10 hosts) on late-host (2 hosts)',
        },
      ),
    );
    const stored = await run.store.getEvents(
      run.events.map(({ _index, _id }) => ({ _index, _id })),
    );
    expect(stored).toHaveLength(12);
    for (const tagged of stored) expect(tagged._source.alert_names).toEqual(['WriteAudit']);
  });
});
