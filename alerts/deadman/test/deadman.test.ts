import { resolveAlertConfig } from '@alertkit/core';
import {
  at,
  describeAlert,
  event,
  minutesAgo,
  negative,
  positive,
  runAlertCase,
  type AlertSuiteOptions,
  type Timestamp,
} from '@alertkit/harness';
import { describe, expect, it } from 'vitest';
import { alert } from '../src/index.js';

// MozDef's tests/alerts/test_deadman.py: host1's bro healthcheck notice.
const suite: AlertSuiteOptions = {
  defaultEvent: {
    _source: {
      hostname: 'host1',
      details: { note: 'MozillaAlive::Bro_Is_Watching_You' },
      category: 'bro',
      source: 'notice',
    },
  },
  defaultAlert: {
    category: 'deadman',
    severity: 'ERROR',
    summary: 'No host1 bro healthcheck events found the past 20 minutes',
    tags: ['bro', 'bro_deadman'],
    url: 'https://www.mozilla.org',
    classname: 'broNSM',
    // MozDef's rule: ERROR notifies the bot.
    notify_mozdefbot: true,
  },
};

const timed = (time: Timestamp) => ({ utctimestamp: time, receivedtimestamp: time });
// The expected fields shared by every host's alert (the summary names the host).
const { summary: _summary, ...anyHost } = suite.defaultAlert ?? {};
const silent = (host: string) => `No ${host} bro healthcheck events found the past 20 minutes`;

// Every case of MozDef's test (5 positive, 1 negative), as ../shared/mozdef-cases/deadman.json holds them.
const mozdefCases = [
  negative('Negative test case with good event', [event({})]),
  positive('Positive test case with old event', [event(timed(minutesAgo(21)))]),
  positive('Positive test case with incorrect host', [event({ hostname: 'host4' })]),
  positive('Positive test case with bad note', [event({ details: { note: 'some note' } })]),
  positive('Positive test case with bad category', [event({ category: 'somecategory' })]),
  positive('Positive test case with bad source', [event({ source: 'somesource' })]),
];

// One case per criterion and window edge.
const criterionCases = [
  positive('no event at all alerts (the silence itself)', []),
  negative('exactly at the window edge (20 minutes ago) keeps it quiet', [
    event(timed(at('-20m'))),
  ]),
  positive('one second outside the window alerts', [event(timed(at('-20m1s')))]),
  negative('receivedtimestamp inside the window is enough (utctimestamp older)', [
    event({ utctimestamp: minutesAgo(60), receivedtimestamp: minutesAgo(1) }),
  ]),
  negative('one healthcheck among other events is enough', [
    event({ category: 'syslog' }),
    event({}),
    event({ hostname: 'host4' }),
  ]),
  positive('another host’s healthcheck does not keep host1 quiet', [
    event({ hostname: 'host1.example.com' }),
  ]),
  positive("category is exact and case-sensitive ('Bro')", [event({ category: 'Bro' })]),
  positive("source is exact and case-sensitive ('Notice')", [event({ source: 'Notice' })]),
  positive('a note that only contains the phrase is another note', [
    event({ details: { note: 'MozillaAlive::Bro_Is_Watching_You_Not' } }),
  ]),
  positive('an event without a note does not count', [event({ details: { note: null } })]),
  negative('a healthcheck another alert already tagged still counts', [
    event({ alert_names: ['AlertSomethingElse'] }),
  ]),
];

describeAlert(alert, { ...suite, cases: [...mozdefCases, ...criterionCases] });

describe('one check per configured host', () => {
  const hosts = { hosts: ['host1', 'host2', 'host3'] };

  it('two silent hosts give two alerts with different ids; a host with events gives none', async () => {
    const run = await runAlertCase(
      alert,
      { ...suite, config: hosts, defaultAlert: anyHost },
      positive('host2 is alive, host1 and host3 are silent', [event({ hostname: 'host2' })]),
    );
    expect(run.result.alerts.map((a) => a._source.summary)).toEqual([
      silent('host1'),
      silent('host3'),
    ]);
    const ids = run.result.alerts.map((a) => a._id);
    expect(new Set(ids).size).toBe(2);
    expect(run.result.existingIds).toEqual([]);
    expect(run.alerts.map((a) => a._id).sort()).toEqual([...ids].sort());
    // Dead-man alerts carry no events and tag none.
    expect(run.result.alerts.map((a) => a._source.events)).toEqual([[], []]);
    expect(run.result.taggedEvents).toBe(0);
    // One search per host, in the configured order, each for its own host.
    expect(run.result.searches).toHaveLength(3);
    expect(run.result.searches.map((c) => JSON.stringify(c.query))).toEqual(
      hosts.hosts.map((host) => expect.stringContaining(`"value":"${host}"`) as unknown),
    );
  });

  it('the ids are deterministic: the same tick gives the same ids, another tick others', async () => {
    const runAt = async (now: string) =>
      (
        await runAlertCase(
          alert,
          {
            ...suite,
            now,
            config: hosts,
            defaultAlert: anyHost,
          },
          positive('all silent', []),
        )
      ).result.alerts.map((a) => a._id);
    const first = await runAt('2017-01-01T01:00:00Z');
    expect(await runAt('2017-01-01T01:00:00Z')).toEqual(first);
    const next = await runAt('2017-01-01T01:01:00Z');
    expect(next).toHaveLength(3);
    expect(next.filter((id) => first.includes(id))).toEqual([]);
  });

  describeAlert(alert, {
    ...suite,
    config: hosts,
    cases: [
      negative('every host alive: no alert', [
        event({ hostname: 'host1' }),
        event({ hostname: 'host2' }),
        event({ hostname: 'host3' }),
      ]),
      positive(
        'only host1 silent: one alert, for host1',
        [event({ hostname: 'host2' }), event({ hostname: 'host3' })],
        { summary: silent('host1') },
      ),
      positive(
        'only host3 silent: one alert, for host3',
        [event({ hostname: 'host1' }), event({ hostname: 'host2' })],
        { summary: silent('host3') },
      ),
    ],
  });
});

describe('config', () => {
  describe('severity and url from config', () => {
    describeAlert(alert, {
      ...suite,
      config: { severity: 'CRITICAL', url: 'https://runbooks.example.org/bro' },
      defaultAlert: {
        ...suite.defaultAlert,
        severity: 'CRITICAL',
        url: 'https://runbooks.example.org/bro',
      },
      cases: [positive('the configured severity and url are written', [])],
    });
  });
  describe('an empty url', () => {
    describeAlert(alert, {
      ...suite,
      config: { url: '' },
      defaultAlert: { ...suite.defaultAlert, url: undefined },
      cases: [positive('writes no url field, as MozDef', [])],
    });
  });
  describe('another host', () => {
    describeAlert(alert, {
      ...suite,
      config: { hosts: ['nsm1.example.com'] },
      defaultAlert: { ...suite.defaultAlert, summary: silent('nsm1.example.com') },
      cases: [
        positive('host1 no longer counts', [event({})]),
        negative('the configured host’s healthcheck keeps it quiet', [
          event({ hostname: 'nsm1.example.com' }),
        ]),
      ],
    });
  });

  it("defaults to MozDef's deadman.conf and rejects bad values", () => {
    expect(resolveAlertConfig(alert, {})).toEqual({
      hosts: ['host1'],
      url: 'https://www.mozilla.org',
      severity: 'ERROR',
    });
    expect(() => resolveAlertConfig(alert, { hosts: 'host1,host2' })).toThrow(/hosts: /);
    expect(() => resolveAlertConfig(alert, { hosts: [] })).toThrow(
      /hosts: .*must name at least one host/,
    );
    expect(() => resolveAlertConfig(alert, { hosts: ['host1', ' '] })).toThrow(
      /hosts\.1: .*non-empty/,
    );
    expect(() => resolveAlertConfig(alert, { hosts: ['host1', 'host1'] })).toThrow(
      /hosts: .*twice/,
    );
    expect(() => resolveAlertConfig(alert, { severity: 'LOUD' })).toThrow(/severity: /);
    expect(() => resolveAlertConfig(alert, { host: 'host1' })).toThrow(/host: unknown key/);
  });
});
