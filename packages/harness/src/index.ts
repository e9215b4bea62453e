/**
 * @alertkit/harness: test alerts the way MozDef's test suite does, in milliseconds, with no
 * server: positive and negative cases over a fresh embedded store at a frozen now.
 */
export { describeAlert } from './describeAlert.js';
export { negative, positive } from './cases.js';
export type {
  AlertCase,
  CaseEvents,
  CaseOptions,
  ExpectedAlert,
  NegativeCase,
  PositiveCase,
} from './cases.js';
export { AlertCaseFailure, runAlertCase } from './runCase.js';
export type { AlertSuite, AlertSuiteOptions, CaseRun, LoggedLine } from './runCase.js';
export {
  DEFAULT_NOW,
  at,
  daysAgo,
  every,
  hoursAgo,
  isTimestamp,
  minutesAgo,
  now,
  resolveTime,
  secondsAgo,
  todayAt,
} from './clock.js';
export type { Timestamp } from './clock.js';
export {
  buildCaseEvents,
  deepMerge,
  event,
  events,
  mozdefDefaultEvent,
  nested,
  sourceOf,
  withRequiredFields,
} from './events.js';
export type { BuildEventsOptions, EventInput, EventSourceInput, EventValue } from './events.js';
export { explainEvents, formatExplanation } from './explainEvents.js';
export { PROBE_TEST_NAME, crossProbe, diffProbe, runProbe, snapshotAlert } from './probe.js';
export { mutateProbe, mutateSuite } from './mutate.js';
export type { MutantResult, MutateProbeReport } from './mutate.js';
export type {
  AlertSnapshot,
  CaseComparison,
  CrossProbeReport,
  CrossTarget,
  Overlap,
  CaseOutcome,
  DiffProbeReport,
  GeneratedComparison,
} from './probe.js';
export type { ClauseExplanation } from './explainEvents.js';
// isoformat lives in core (alerts use it for summaries); re-exported for tests.
export { isoformat } from '@alertkit/core';
