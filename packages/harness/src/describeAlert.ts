import type { AlertDefinition, StoredEvent } from '@alertkit/core';
import { describe, it } from 'vitest';
import { formatPitfall, lintAlert } from '@alertkit/query';
import { caseEventsOf } from './lint.js';
import { PROBE_TEST_NAME, runProbe } from './probe.js';
import { runAlertCase, type AlertSuite } from './runCase.js';
import type { AlertCase } from './cases.js';

/** The suites declared per alert in this test file (an alert may have several). */
const suitesByAlert = new Map<object, AlertSuite[]>();

/**
 * The events each case built when it ran (the store ingests copies, so they are as built), for
 * the pitfall lint, which runs after the cases and would otherwise build them all again.
 */
const builtBySuite = new WeakMap<AlertSuite, Map<AlertCase, StoredEvent[]>>();

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
    const built = new Map<AlertCase, StoredEvent[]>();
    builtBySuite.set(suite, built);
    for (const testCase of suite.cases) {
      it(`${testCase.kind}: ${testCase.description}`, async () => {
        const run = await runAlertCase(alert, suite, testCase);
        built.set(testCase, run.events);
      });
    }
    // The pitfalls a reviewer would point out, with the events of every suite of this alert in
    // the file telling which fields exist: one test, in the alert's first suite (vitest has
    // collected every suite before it runs).
    const suites = suitesByAlert.get(alert) ?? [];
    suitesByAlert.set(alert, [...suites, suite]);
    if (suites.length === 0)
      it('pitfall lint', () => {
        const all = suitesByAlert.get(alert) ?? [suite];
        const events = all.flatMap((s) =>
          caseEventsOf(alert as AlertDefinition<unknown>, s, builtBySuite.get(s)),
        );
        const open = new Set<string>();
        for (const s of all)
          for (const f of lintAlert(alert, {
            events,
            ...(s.config !== undefined ? { config: s.config } : {}),
          }))
            if (f.allowed === undefined) open.add(formatPitfall(f));
        if (open.size > 0)
          throw new Error(
            `pitfalls (fix them, or allow one with a reason in the alert's pitfalls.allow):\n${[...open].map((f) => `  ${f}`).join('\n')}`,
          );
      });
    // Tools (`alertkit diff`) run this one test alone with ALERTKIT_PROBE set.
    if (process.env['ALERTKIT_PROBE'])
      it(PROBE_TEST_NAME, () => runProbe(alert as AlertDefinition<unknown>, suite), 120_000);
  });
}
