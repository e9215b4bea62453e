/**
 * The harness itself: a wrong expectation must fail its case with a readable message.
 * Cases are run directly (not through describeAlert) so the failure can be asserted on.
 */
import { defineAlert, type AggregationGroup, type AlertLogger } from '@alertkit/core';
import { match, phrase, search } from '@alertkit/query';
import { describe, expect, it } from 'vitest';
import { negative, positive } from './cases.js';
import { minutesAgo } from './clock.js';
import { events } from './events.js';
import { AlertCaseFailure, runAlertCase, type AlertSuiteOptions } from './runCase.js';

const declaration = {
  name: 'ssh-failures',
  description: 'Failed ssh passwords for one source',
  severity: 'NOTICE',
  category: 'bruteforce',
  tags: ['ssh'],
  criteria: search({ minutes: 2 }).must(
    match('details.program', 'sshd'),
    phrase('summary', 'failed password'),
  ),
  aggregate: { field: 'details.sourceipaddress', threshold: 2, samples: 5 },
  onAggregation: (group: AggregationGroup) => ({
    summary: `${group.count} ssh bruteforce attempts by ${String(group.value)}`,
  }),
} as const;
const alert = defineAlert(declaration);

const suite: AlertSuiteOptions = {
  defaultEvent: {
    _source: {
      summary: 'Failed password for root from 1.2.3.4',
      details: { program: 'sshd', sourceipaddress: '1.2.3.4' },
    },
  },
  defaultAlert: {
    category: 'bruteforce',
    severity: 'NOTICE',
    tags: ['ssh'],
    summary: '2 ssh bruteforce attempts by 1.2.3.4',
  },
};

async function failure(promise: Promise<unknown>): Promise<string> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(AlertCaseFailure);
  return (error as Error).message;
}

describe('runAlertCase', () => {
  it('passes a correct positive case and leaves the run to inspect: every event of the group tagged', async () => {
    const run = await runAlertCase(alert, suite, positive('two attempts', events({}, 2)));
    expect(run.result.alerts).toHaveLength(1);
    const stored = await run.store.getEvents(run.events);
    expect(stored.map((e) => e._source.alert_names)).toEqual([
      ['AlertSshFailures'],
      ['AlertSshFailures'],
    ]);
  });

  it('tags all events of a group even when the alert carries fewer (samples < events)', async () => {
    const few = defineAlert({
      ...declaration,
      name: 'ssh-failures-sampled',
      aggregate: { field: 'details.sourceipaddress', threshold: 2, samples: 2 },
    });
    const run = await runAlertCase(
      few,
      { ...suite, numSamples: 2 },
      positive('five attempts', events({}, 5), { summary: '5 ssh bruteforce attempts by 1.2.3.4' }),
    );
    expect(run.alerts[0]?._source.events).toHaveLength(2);
    const stored = await run.store.getEvents(run.events);
    expect(
      stored.every((e) => Array.isArray(e._source.alerts) && e._source.alerts.length === 1),
    ).toBe(true);
    expect(run.result.taggedEvents).toBe(5);
  });

  it('fails a wrong expectation with a field diff', async () => {
    const message = await failure(
      runAlertCase(
        alert,
        suite,
        positive('wrong summary', events({}, 2), {
          summary: '3 ssh bruteforce attempts by 1.2.3.4',
          severity: 'WARNING',
        }),
      ),
    );
    expect(message).toContain(
      'alert "ssh-failures", positive case "wrong summary" (now 2017-01-01T01:00:00+00:00): the alert is not as expected:',
    );
    expect(message).toMatch(
      /\n {2}alert 1 of 1 \(_id [0-9a-f]{32}\): summary\n {6}expected: "3 ssh bruteforce attempts by 1.2.3.4"\n {6}actual: {3}"2 ssh bruteforce attempts by 1.2.3.4"/,
    );
    expect(message).toContain('severity\n      expected: "WARNING"\n      actual:   "NOTICE"');
    // MozDef's notify rule follows the expected severity.
    expect(message).toContain(
      "notify_mozdefbot (MozDef's rule for severity WARNING and channel null)\n      expected: true\n      actual:   false",
    );
  });

  it('fails a positive case that does not fire, explaining which clause rejected which event', async () => {
    const message = await failure(
      runAlertCase(
        alert,
        suite,
        positive('does not fire', [
          {},
          { summary: 'Accepted password for root', utctimestamp: minutesAgo(1) },
        ]),
      ),
    );
    expect(message).toContain('expected an alert, none fired');
    expect(message).toContain(
      'event-1 (utctimestamp 2017-01-01T01:00:00+00:00): matched the criteria',
    );
    expect(message).toContain(
      'event-2 (utctimestamp 2017-01-01T00:59:00+00:00): did not match the criteria',
    );
    expect(message).toMatch(
      /✗ must: phrase summary "failed password"; query tokens \["failed","password"\]; event summary \["accepted","password","for","root"\]/,
    );
    expect(message).toContain(
      'groups by details.sourceipaddress (threshold 2, samples 5): "1.2.3.4" x1',
    );
  });

  it('fails a negative case that fires, naming the alerts and the matching events', async () => {
    const message = await failure(
      runAlertCase(alert, suite, negative('fires anyway', events({}, 2))),
    );
    expect(message).toContain(
      'alert "ssh-failures", negative case "fires anyway" (now 2017-01-01T01:00:00+00:00): expected no alert, but 1 fired:',
    );
    expect(message).toContain('alert 1: "2 ssh bruteforce attempts by 1.2.3.4" (2 event(s))');
    expect(message).toContain(
      'event-2 (utctimestamp 2017-01-01T01:00:00+00:00): matched the criteria',
    );
  });

  it('fails when the alert does not carry every event of the case', async () => {
    const message = await failure(
      runAlertCase(
        alert,
        suite,
        positive('an extra unmatched event', [...events({}, 2), { details: { program: 'cron' } }]),
      ),
    );
    expect(message).toContain(
      'carries 2 event(s), expected 3 (every event of the case must be in the alert)',
    );
    expect(message).toContain('event-3');
  });

  it('reports events the store refuses, and reaction failures with the explanation', async () => {
    const refused = await failure(
      runAlertCase(
        alert,
        suite,
        positive('bad ip', [{ details: { sourceipaddress: 'not-an-ip' } }]),
      ),
    );
    expect(refused).toContain('the store refused events of the case');
    expect(refused).toContain('event-1');
    const broken = defineAlert({
      ...declaration,
      name: 'broken',
      onAggregation: () => {
        throw new Error('kaput');
      },
    });
    const failed = await failure(runAlertCase(broken, suite, positive('throws', events({}, 2))));
    expect(failed).toContain(
      'the run failed: alert "broken": the reaction failed for group "1.2.3.4" of details.sourceipaddress: kaput',
    );
    expect(failed).toContain('Events of the case:');
  });

  it('runs at a settable now, with timestamps evaluated there', async () => {
    const later = { ...suite, now: '2020-06-01T12:00:00Z' };
    const run = await runAlertCase(
      alert,
      later,
      positive(
        'at another now',
        events({ utctimestamp: minutesAgo(1), receivedtimestamp: minutesAgo(1) }, 2),
      ),
    );
    expect(run.events[0]?._source.utctimestamp).toBe('2020-06-01T11:59:00+00:00');
    expect(run.alerts[0]?._source.utctimestamp).toBe('2020-06-01T12:00:00+00:00');
  });

  it('collects what the alert logs instead of printing it', async () => {
    const logging = defineAlert({
      ...declaration,
      name: 'logging',
      prepare: (config, { log }) => {
        log.warn({ source: 'test' }, 'preparing');
        return [config];
      },
      onAggregation: (group: AggregationGroup, { log }: { log: AlertLogger }) => {
        log.error({ group: group.value }, 'not alerting');
        return null;
      },
    });
    const run = await runAlertCase(logging, suite, negative('logs, no alert', events({}, 2)));
    expect(run.logs).toEqual([
      { level: 'warn', message: 'preparing', details: { source: 'test' } },
      { level: 'error', message: 'not alerting', details: { group: '1.2.3.4' } },
    ]);
  });
});
