/**
 * @alertkit/runner: runs alertkit alerts against a store and delivers what they raise.
 */
export { loadAlertPackage, loadAlertsDirectory } from './loadAlerts.js';
export type { LoadedAlert } from './loadAlerts.js';
