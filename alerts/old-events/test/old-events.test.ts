import {
  at,
  describeAlert,
  event,
  events,
  hoursAgo,
  negative,
  now,
  positive,
  runAlertCase,
  type AlertSuiteOptions,
} from '@alertkit/harness';
import { describe, expect, it } from 'vitest';
import { alert } from '../src/index.js';

// MozDef's tests/alerts/test_old_events.py: MozDef's default event (received now, by
// mozdefhost) with its utctimestamp moved back.
const suite: AlertSuiteOptions = {
  defaultEvent: { _source: {} },
  defaultAlert: {
    category: 'maintenance',
    severity: 'ERROR',
    tags: ['pipeline'],
    summary: 'Events have an outdated utctimestamp',
  },
};

const old = { utctimestamp: hoursAgo(25) };

// Every case of MozDef's test (2 positive, 3 negative).
const mozdefCases = [
  positive('Positive test case with good events', events(old, 100), {
    summary: 'Events have an outdated utctimestamp (100)',
  }),
  positive('Positive test case with good event', [event(old)], {
    summary: 'Events have an outdated utctimestamp (1)',
  }),
  negative('Negative test case with event with recent utctimestamp', [event({})]),
  negative('Negative test case with events with recent utctimestamp', events({}, 100)),
  negative('Negative test case with event with old utctimestamp and receivedtimestamp', [
    event({ utctimestamp: hoursAgo(25), receivedtimestamp: hoursAgo(25) }),
  ]),
];

// The threshold pair (1), the bound on utctimestamp and the window on receivedtimestamp.
const criterionCases = [
  negative('threshold 1: no event, no alert', []),
  positive('threshold 1: one old event alerts', [event(old)], {
    summary: 'Events have an outdated utctimestamp (1)',
  }),
  negative('a utctimestamp exactly a day old is not older than a day (strict)', [
    event({ utctimestamp: at('-24h') }),
  ]),
  positive('a utctimestamp a day and a second old is', [event({ utctimestamp: at('-24h1s') })], {
    summary: 'Events have an outdated utctimestamp (1)',
  }),
  positive(
    'received exactly 6 hours ago is inside the window',
    [event({ ...old, receivedtimestamp: hoursAgo(6) })],
    { summary: 'Events have an outdated utctimestamp (1)' },
  ),
  negative('received 6 hours and a second ago is outside', [
    event({ ...old, receivedtimestamp: at('-6h1s') }),
  ]),
  negative('an event from the future is not old', [
    event({ utctimestamp: at('+2h'), receivedtimestamp: now() }),
  ]),
  negative('an event without mozdefhostname is not grouped', [
    event({ ...old, mozdefhostname: null }),
  ]),
  negative('events already reported do not count again', [
    event({ ...old, alert_names: ['OldEvents'] }),
  ]),
];

describeAlert(alert, { ...suite, cases: [...mozdefCases, ...criterionCases] });

describe('groups and samples', () => {
  it('one alert per front end, counting only its old events', async () => {
    const run = await runAlertCase(
      alert,
      { ...suite, numSamples: 3, defaultAlert: { category: 'maintenance' } },
      positive('two front ends', [
        ...events({ ...old, mozdefhostname: 'front1' }, 3),
        ...events({ ...old, mozdefhostname: 'front2' }, 3),
        event({ mozdefhostname: 'front2' }),
      ]),
    );
    expect(run.alerts.map((a) => a._source.summary)).toEqual([
      'Events have an outdated utctimestamp (3)',
      'Events have an outdated utctimestamp (3)',
    ]);
    const hosts = run.alerts.map((a) =>
      JSON.stringify(a._source.events.map((e) => e.documentsource.mozdefhostname)),
    );
    expect(hosts.sort()).toEqual([
      JSON.stringify(['front1', 'front1', 'front1']),
      JSON.stringify(['front2', 'front2', 'front2']),
    ]);
  });

  it('1001 old events: the alert counts all, carries 1000 and every one is tagged', async () => {
    const run = await runAlertCase(
      alert,
      { ...suite, numSamples: 1000 },
      positive('1001 events', events(old, 1001), {
        summary: 'Events have an outdated utctimestamp (1001)',
      }),
    );
    const stored = await run.store.getEvents(
      run.events.map(({ _index, _id }) => ({ _index, _id })),
    );
    expect(stored.filter((e) => e._source.alert_names !== undefined)).toHaveLength(1001);
    // A thousand events take a while on a loaded 2-core machine; this bounds a hang, not speed.
  }, 30_000);
});
