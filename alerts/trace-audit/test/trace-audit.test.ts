import { resolveAlertConfig } from '@alertkit/core';
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

// MozDef's tests/alerts/test_trace_audit.py: auditd's record of randomjoe running strace.
const suite = {
  defaultEvent: {
    _source: {
      category: 'ptrace',
      summary: 'Ptrace',
      hostname: 'exhostname',
      tags: ['audisp-json', '2.1.0', 'audit'],
      details: { processname: 'strace', originaluser: 'randomjoe', auditkey: 'strace' },
    },
  },
  defaultAlert: {
    category: 'trace',
    severity: 'WARNING',
    summary: '5 instances of Strace or Ptrace executed by randomjoe on exhostname',
    tags: ['audit'],
  },
};

const timed = (time: Timestamp) => ({ utctimestamp: time, receivedtimestamp: time });
const once = { summary: '1 instances of Strace or Ptrace executed by randomjoe on exhostname' };

// Every case of MozDef's test (3 positive, 3 negative). MozDef ships no case file for this
// alert, so they are written from its test source, events and descriptions unchanged.
const mozdefCases = [
  positive('Positive test with default event and default alert expected', events({}, 5)),
  positive(
    "Positive test with events with a summary of 'Write: /etc/audit/rules.d/'",
    events({ summary: 'Unknown' }, 5),
  ),
  positive('Positive test with events a minute earlier', events(timed(minutesAgo(1)), 5)),
  negative(
    "Negative test case with events with example hostname that matches exclusion of 'hostfilter'",
    events({ hostname: 'example.hostname.com' }, 5),
  ),
  negative(
    'Negative test case aggregation key excluded',
    events({ details: { originaluser: null } }, 5),
  ),
  negative('Negative test case with old timestamp', events(timed(minutesAgo(15)), 5)),
];

// The threshold pair (threshold 1), cases per criterion, the window edges and de-duplication.
const criterionCases = [
  negative('threshold 1: no strace, no alert', []),
  positive('threshold 1: one strace alerts', [event({})], once),
  negative("details.processname must be exactly 'strace' ('Strace')", [
    event({ details: { processname: 'Strace' } }),
  ]),
  negative("another process ('gdb') does not count", [event({ details: { processname: 'gdb' } })]),
  positive(
    'the host filter is the exact hostname: a subdomain of it counts',
    [event({ hostname: 'a.example.hostname.com' })],
    { summary: '1 instances of Strace or Ptrace executed by randomjoe on a.example.hostname.com' },
  ),
  positive(
    'the summary lists the sampled hosts once each, sorted',
    [
      event({ hostname: 'web2' }),
      event({ hostname: 'db1' }),
      event({ hostname: 'web2' }),
      event({ hostname: 'app3' }),
    ],
    { summary: '4 instances of Strace or Ptrace executed by randomjoe on app3,db1,web2' },
  ),
  positive('exactly at the window edge (5 minutes ago) is in', [event(timed(at('-5m')))], once),
  negative('one second outside the window is out', [event(timed(at('-5m1s')))]),
  negative('an event already used by this alert does not count again', [
    event({ alert_names: ['TraceAudit'] }),
  ]),
];

describeAlert(alert, { ...suite, cases: [...mozdefCases, ...criterionCases] });

describe('config: hostFilter', () => {
  describeAlert(alert, {
    ...suite,
    config: { hostFilter: ['build1', 'build2'] },
    cases: [
      negative('build1 is filtered', events({ hostname: 'build1' }, 2)),
      negative('build2 is filtered', events({ hostname: 'build2' }, 2)),
      positive(
        'the default host is no longer filtered',
        events({ hostname: 'example.hostname.com' }, 2),
        {
          summary: '2 instances of Strace or Ptrace executed by randomjoe on example.hostname.com',
        },
      ),
    ],
  });

  it("defaults to MozDef's hostfilter and rejects a bad one", () => {
    expect(resolveAlertConfig(alert, {})).toEqual({ hostFilter: ['example.hostname.com'] });
    expect(() => resolveAlertConfig(alert, { hostFilter: 'build1' })).toThrow(
      /hostFilter: Invalid input: expected array, received string/,
    );
    expect(() => resolveAlertConfig(alert, { hostFilter: [''] })).toThrow(
      /hostFilter\.0: must be a non-empty host name/,
    );
    expect(() => resolveAlertConfig(alert, { hostfilter: [] })).toThrow(/hostfilter: unknown key/);
  });
});

describe('groups and samples', () => {
  it('one alert per original user', async () => {
    const run = await runAlertCase(
      alert,
      { ...suite, defaultAlert: { category: 'trace' }, numSamples: 2 },
      positive('two users', [
        ...events({}, 2),
        ...events({ details: { originaluser: 'mallory' } }, 2),
      ]),
    );
    expect(run.alerts.map((a) => a._source.summary).sort()).toEqual([
      '2 instances of Strace or Ptrace executed by mallory on exhostname',
      '2 instances of Strace or Ptrace executed by randomjoe on exhostname',
    ]);
  });

  it('only the 10 sampled events name hosts; the count and the tags cover all 12', async () => {
    const run = await runAlertCase(
      alert,
      { ...suite, numSamples: 10 },
      positive(
        '12 events, the last two on another host',
        [...events({}, 10), ...events({ hostname: 'late-host' }, 2)],
        { summary: '12 instances of Strace or Ptrace executed by randomjoe on exhostname' },
      ),
    );
    const stored = await run.store.getEvents(
      run.events.map(({ _index, _id }) => ({ _index, _id })),
    );
    expect(stored).toHaveLength(12);
    for (const tagged of stored) expect(tagged._source.alert_names).toEqual(['TraceAudit']);
  });
});
