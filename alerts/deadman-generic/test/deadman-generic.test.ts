import { resolveAlertConfig } from '@alertkit/core';
import {
  at,
  describeAlert,
  event,
  negative,
  positive,
  runAlertCase,
  type AlertSuiteOptions,
  type Timestamp,
} from '@alertkit/harness';
import { describe, expect, it } from 'vitest';
import { alert } from '../src/index.js';

// MozDef's tests/alerts/test_deadman_generic.py, with MozDef's deadman_generic.json (the
// config's defaults): 'Sample Alert 1' looks for ABC12345436 in the past 5 minutes, 'Sample
// Alert 2' for anotherterm in the past 20 hours.
const suite: AlertSuiteOptions = {
  defaultEvent: {
    _source: { category: 'helloworld', details: { sourceipaddress: '1.2.3.4' } },
  },
  defaultAlert: {
    category: 'deadman',
    severity: 'ERROR',
    classname: 'AlertDeadmanGeneric',
    // MozDef's rule: ERROR notifies the bot.
    notify_mozdefbot: true,
    url: undefined,
  },
};

const timed = (time: Timestamp) => ({ utctimestamp: time, receivedtimestamp: time });
const matchedFirst = { summary: 'ABC12345436' };
const matchedSecond = { summary: 'anotherterm' };
const unmatchedFirst = {
  tags: ['deadman', 'generic_deadman'],
  summary: "Deadman check failed for 'Sample Alert 1' the past 5 minutes",
};
const unmatchedSecond = {
  tags: ['deadman', 'someothertag'],
  summary: "Deadman check failed for 'Sample Alert 2' the past 20 hours",
};

// Every case of MozDef's test (4 positive, 1 negative).
const mozdefCases = [
  positive(
    'Positive test that causes first alert configuration to throw',
    [event(matchedSecond)],
    unmatchedFirst,
  ),
  positive(
    'Positive test that causes second alert configuration to throw',
    [event(matchedFirst)],
    unmatchedSecond,
  ),
  negative('Negative test case with events with incorrect category', [
    event(matchedFirst),
    event(matchedSecond),
  ]),
  positive(
    'Positive test case with events matching first alert configuration but are old',
    [event({ ...matchedFirst, ...timed(at('-6m')) }), event(matchedSecond)],
    unmatchedFirst,
  ),
  positive(
    'Positive test case with events matching second alert configuration but are old',
    [event(matchedFirst), event({ ...matchedSecond, ...timed(at('-21h')) })],
    unmatchedSecond,
  ),
];

// Each check's own window edges, and the query string over every field.
const criterionCases = [
  negative('exactly at each window edge (5 minutes, 20 hours) keeps both quiet', [
    event({ ...matchedFirst, ...timed(at('-5m')) }),
    event({ ...matchedSecond, ...timed(at('-20h')) }),
  ]),
  positive(
    'one second outside the first window: the first check fails',
    [event({ ...matchedFirst, ...timed(at('-5m1s')) }), event(matchedSecond)],
    unmatchedFirst,
  ),
  positive(
    'one second outside the second window: the second check fails',
    [event(matchedFirst), event({ ...matchedSecond, ...timed(at('-20h1s')) })],
    unmatchedSecond,
  ),
  negative(
    'an event of the second check 6 minutes old is in its own window (20 hours), not the first’s',
    [event(matchedFirst), event({ ...matchedSecond, ...timed(at('-6m')) })],
  ),
  negative(
    'the term in an analysed text or as a keyword value counts (query string over every field)',
    [
      event({ summary: 'heartbeat ABC12345436 from the batch job' }),
      event({ details: { message: 'anotherterm' } }),
    ],
  ),
  positive(
    'a keyword field (unmapped string) must hold the term as its whole value',
    [event(matchedFirst), event({ details: { message: 'anotherterm arrived' } })],
    unmatchedSecond,
  ),
  positive(
    'a word that only starts with the term is another word',
    [event({ summary: 'ABC12345436x' }), event(matchedSecond)],
    unmatchedFirst,
  ),
  negative('receivedtimestamp inside the window is enough (utctimestamp older)', [
    event({ ...matchedFirst, utctimestamp: at('-1h'), receivedtimestamp: at('-1m') }),
    event(matchedSecond),
  ]),
];

describeAlert(alert, { ...suite, cases: [...mozdefCases, ...criterionCases] });

describe('one check per entry', () => {
  it('two failing checks give two alerts with different ids, in the configured order', async () => {
    const run = await runAlertCase(
      alert,
      suite,
      positive('nothing arrived', [event({ summary: 'unrelated' })]),
    );
    expect(run.result.alerts.map((a) => [a._source.summary, a._source.tags])).toEqual([
      [unmatchedFirst.summary, unmatchedFirst.tags],
      [unmatchedSecond.summary, unmatchedSecond.tags],
    ]);
    const ids = run.result.alerts.map((a) => a._id);
    expect(new Set(ids).size).toBe(2);
    expect(run.alerts.map((a) => a._id).sort()).toEqual([...ids].sort());
    expect(run.result.alerts.map((a) => a._source.events)).toEqual([[], []]);
    expect(run.result.taggedEvents).toBe(0);
    // Each search with its own window and query string.
    expect(run.result.searches.map((c) => c.window)).toEqual([{ minutes: 5 }, { hours: 20 }]);
    expect(run.result.searches.map((c) => c.query.must)).toEqual([
      [expect.objectContaining({ type: 'queryString', query: 'ABC12345436' })],
      [expect.objectContaining({ type: 'queryString', query: 'anotherterm' })],
    ]);

    const again = await runAlertCase(
      alert,
      suite,
      positive('nothing arrived', [event({ summary: 'unrelated' })]),
    );
    expect(again.result.alerts.map((a) => a._id)).toEqual(ids);
  });
});

describe('config', () => {
  const check = {
    description: 'nightly backup job',
    search_query: 'details.job:backup AND category:cron',
    time_window: '2',
    time_window_type: 'days',
    tags: ['backup'],
  };
  describe('a check of its own', () => {
    describeAlert(alert, {
      ...suite,
      config: { severity: 'WARNING', alerts: [check] },
      defaultAlert: {
        ...suite.defaultAlert,
        severity: 'WARNING',
        notify_mozdefbot: true,
        tags: ['deadman', 'backup'],
        summary: "Deadman check failed for 'nightly backup job' the past 2 days",
      },
      cases: [
        negative('a backup event in the past 2 days keeps it quiet', [
          event({ category: 'cron', details: { job: 'backup' }, ...timed(at('-47h')) }),
        ]),
        positive('a backup event older than 2 days does not', [
          event({ category: 'cron', details: { job: 'backup' }, ...timed(at('-49h')) }),
        ]),
        positive('the query is Lucene: both parts must hold', [
          event({ category: 'syslog', details: { job: 'backup' } }),
        ]),
        positive("MozDef's sample checks are replaced", [event(matchedFirst)]),
      ],
    });
  });
  describe('time_window as MozDef reads it (int())', () => {
    describeAlert(alert, {
      ...suite,
      config: { alerts: [{ ...check, time_window: ' 090 ', time_window_type: 'seconds' }] },
      defaultAlert: {
        ...suite.defaultAlert,
        tags: ['deadman', 'backup'],
        summary: "Deadman check failed for 'nightly backup job' the past 90 seconds",
      },
      cases: [
        positive('a padded string of digits is its number', []),
        negative('a backup event exactly 90 seconds old keeps it quiet', [
          event({ category: 'cron', details: { job: 'backup' }, ...timed(at('-90s')) }),
        ]),
        positive('one 91 seconds old does not', [
          event({ category: 'cron', details: { job: 'backup' }, ...timed(at('-91s')) }),
        ]),
      ],
    });
  });

  it("defaults to MozDef's deadman_generic.json and rejects bad values", () => {
    expect(resolveAlertConfig(alert, {})).toEqual({
      severity: 'ERROR',
      alerts: [
        {
          description: 'Sample Alert 1',
          search_query: 'ABC12345436',
          time_window: 5,
          time_window_type: 'minutes',
          tags: ['generic_deadman'],
        },
        {
          description: 'Sample Alert 2',
          search_query: 'anotherterm',
          time_window: 20,
          time_window_type: 'hours',
          tags: ['someothertag'],
        },
      ],
    });
    const { tags: _tags, ...untagged } = check;
    expect(resolveAlertConfig(alert, { alerts: [{ ...untagged, time_window: 3 }] })).toEqual({
      severity: 'ERROR',
      alerts: [{ ...untagged, time_window: 3, tags: [] }],
    });
    const bad = (change: Record<string, unknown>) => () =>
      resolveAlertConfig(alert, { alerts: [{ ...check, ...change }] });
    expect(bad({ time_window: '0' })).toThrow(/alerts\.0\.time_window: /);
    expect(bad({ time_window: -1 })).toThrow(/alerts\.0\.time_window: /);
    expect(bad({ time_window: '5.5' })).toThrow(/alerts\.0\.time_window: /);
    expect(bad({ time_window: 1.5 })).toThrow(/alerts\.0\.time_window: /);
    expect(bad({ time_window_type: 'fortnights' })).toThrow(/alerts\.0\.time_window_type: /);
    expect(bad({ search_query: '  ' })).toThrow(/alerts\.0\.search_query: must not be blank/);
    expect(bad({ search_query: 'details.job:(backup' })).toThrow(
      /alerts\.0\.search_query: is not valid Lucene/,
    );
    expect(bad({ description: '' })).toThrow(/alerts\.0\.description: /);
    expect(bad({ tags: 'backup' })).toThrow(/alerts\.0\.tags: /);
    expect(bad({ searchquery: 'x' })).toThrow(/alerts\.0\.searchquery: unknown key/);
    expect(() => resolveAlertConfig(alert, { alerts: [] })).toThrow(/alerts: .*at least one check/);
    expect(() => resolveAlertConfig(alert, { alerts: [check, check] })).toThrow(
      /alerts: .*same check twice/,
    );
    expect(() => resolveAlertConfig(alert, { severity: 'LOUD' })).toThrow(/severity: /);
  });
});
