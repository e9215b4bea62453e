import type { AlertDefinition, StoredEvent } from '@alertkit/core';
import { DEFAULT_NOW } from './clock.js';
import { buildCaseEvents, hashSeed } from './events.js';
import type { AlertSuite } from './runCase.js';

/** Every event of every case of a suite, built as the cases build them (for the pitfall lint). */
export function caseEventsOf(alert: AlertDefinition<unknown>, suite: AlertSuite): StoredEvent[] {
  const now = suite.now instanceof Date ? suite.now : new Date(suite.now ?? DEFAULT_NOW);
  return suite.cases.flatMap((testCase) =>
    buildCaseEvents(testCase.events, {
      now,
      seed: hashSeed(`${alert.name}\0${testCase.description}`),
      ...(suite.defaultEvent ? { defaultEvent: suite.defaultEvent } : {}),
    }),
  );
}
