import type { AlertDefinition, StoredEvent } from '@alertkit/core';
import { DEFAULT_NOW } from './clock.js';
import { buildCaseEvents, hashSeed } from './events.js';
import type { AlertCase } from './cases.js';
import type { AlertSuite } from './runCase.js';

/**
 * Every event of every case of a suite, built as the cases build them (for the pitfall lint);
 * `built` holds the events of cases that already ran, taken as they are.
 */
export function caseEventsOf(
  alert: AlertDefinition<unknown>,
  suite: AlertSuite,
  built?: ReadonlyMap<AlertCase, StoredEvent[]>,
): StoredEvent[] {
  const now = suite.now instanceof Date ? suite.now : new Date(suite.now ?? DEFAULT_NOW);
  return suite.cases.flatMap(
    (testCase) =>
      built?.get(testCase) ??
      buildCaseEvents(testCase.events, {
        now,
        seed: hashSeed(`${alert.name}\0${testCase.description}`),
        ...(suite.defaultEvent ? { defaultEvent: suite.defaultEvent } : {}),
      }),
  );
}
