import type { AlertDefinition } from '@alertkit/core';
import { describe, it } from 'vitest';
import { PROBE_TEST_NAME, runProbe } from './probe.js';
import { runAlertCase, type AlertSuite } from './runCase.js';

/**
 * Declares an alert's test suite for vitest, MozDef style: each case is its own test, run in a
 * fresh embedded store at the frozen now and checked as MozDef checks it.
 *
 * @example
 * describeAlert(alert, {
 *   defaultEvent: { _source: { category: 'authentication', details: { username: 'bob' } } },
 *   defaultAlert: { category: 'bruteforce', severity: 'NOTICE', tags: ['auth'] },
 *   cases: [
 *     positive('10 failed logins alert', events({}, 10), { summary: '10 failed logins for bob' }),
 *     negative('9 do not', events({}, 9)),
 *     negative('old events do not', events({ utctimestamp: minutesAgo(10), receivedtimestamp: minutesAgo(10) }, 10)),
 *   ],
 * });
 */
export function describeAlert<TConfig>(alert: AlertDefinition<TConfig>, suite: AlertSuite): void {
  describe(`alert ${alert.name}`, () => {
    if (suite.cases.length === 0) throw new Error(`describeAlert(${alert.name}): no cases`);
    for (const testCase of suite.cases) {
      it(`${testCase.kind}: ${testCase.description}`, async () => {
        await runAlertCase(alert, suite, testCase);
      });
    }
    // Tools (`alertkit diff`) run this one test alone with ALERTKIT_PROBE set.
    if (process.env['ALERTKIT_PROBE'])
      it(PROBE_TEST_NAME, () => runProbe(alert as AlertDefinition<unknown>, suite), 120_000);
  });
}
