/**
 * @alertkit/runner: runs alertkit alerts against a store and delivers what they raise.
 */
export { loadAlertPackage, loadAlertsDirectory } from './loadAlerts.js';
export type { LoadedAlert } from './loadAlerts.js';
export { readEvents, readEventsFile } from './readEvents.js';
export type { EventProblem, ReadEventsOptions } from './readEvents.js';
export { createTicker, ticksBetween } from './schedule.js';
export type { Ticker } from './schedule.js';
