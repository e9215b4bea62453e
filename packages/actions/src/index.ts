/**
 * @alertkit/actions: what happens after an alert is saved. `defineAction` declares an action
 * (registration, priority, zod config, `run`); `ActionPipeline` runs the matching actions on
 * saved alerts at most once per alert id, journalled, with bounded retries and time limits.
 * MozDef's three actions are subpath exports so an installation file can name them:
 * `@alertkit/actions/block-ip`, `@alertkit/actions/pagerduty`, `@alertkit/actions/triage-bot`.
 */
export {
  ActionError,
  configureAction,
  defineAction,
  type ActionContext,
  type ActionLogger,
  type ActionResult,
  type ActionSettings,
  type AlertAction,
  type ConfiguredAction,
} from './defineAction.js';
export {
  ActionPipeline,
  backoffDelay,
  type ActionPipelineOptions,
  type ActionRecord,
  type ActionReport,
} from './pipeline.js';
export type { JournalLine, RedactText } from './journal.js';
export { registrationMatches, registrationTerms } from './registration.js';
export { describeUrl, sendJson, type SendJsonOptions } from './http.js';
export { blockIp } from './blockIp.js';
export { pagerduty } from './pagerduty.js';
export { triageBot } from './triageBot.js';
