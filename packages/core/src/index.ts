/**
 * @alertkit/core: the vocabulary of alertkit. Event and alert document types, severities, the
 * query AST, the `Store` interface, `defineAlert`, `runAlert` (MozDef's run against any `Store`)
 * and the helpers MozDef's alerts use. No engine lives here.
 */
export { AlertkitError, isAlertkitError } from './errors.js';
export type { AlertkitErrorCode } from './errors.js';

export { SEVERITIES, Severity, isSeverity, notifyMozdefbot } from './severity.js';

export { durationToMs, parseDuration } from './duration.js';
export type { Duration } from './duration.js';

export { valueAtPath } from './event.js';
export type { EventRef, EventSource, JsonObject, JsonValue, StoredEvent } from './event.js';

export type {
  AggregationSpec,
  BoolClause,
  Clause,
  Criteria,
  ExistsClause,
  FuzzyClause,
  MatchAllClause,
  MatchClause,
  MatchNoneClause,
  PhraseClause,
  PrefixClause,
  QueryStringClause,
  RangeClause,
  RegexpClause,
  Scalar,
  SubnetClause,
  TermClause,
  TermsClause,
  WildcardClause,
} from './query.js';

export { alertRefValue } from './alertDocument.js';
export type { AlertDocument, AlertEvent, EventTag, StoredAlert } from './alertDocument.js';

export type {
  AggregateRequest,
  AggregateResult,
  AggregationBucket,
  SaveAlertResult,
  SearchRequest,
  SearchResult,
  AlertState,
  Store,
} from './store.js';
export { createAlertState } from './alertState.js';

export {
  classnameOf,
  defineAlert,
  isAlertDefinition,
  resolveCriteria,
  validateAggregate,
  validateCriteria,
  windowOf,
} from './defineAlert.js';
export type {
  AfterRunFunction,
  AggregateOptions,
  AggregationGroup,
  AggregationReaction,
  AlertDeclaration,
  AlertDefinition,
  AlertDraft,
  AlertInput,
  AlertKind,
  ConfigFunction,
  CriteriaContext,
  CriteriaFunction,
  CriteriaLike,
  EventReaction,
  ExpectedOverlap,
  NoEventReaction,
  PitfallAllowance,
  PrepareContext,
  PrepareFunction,
  ReactionContext,
  ReactionResult,
  Schedule,
} from './defineAlert.js';

export { defineAlertSet, expandAlertSet, isAlertSetDefinition } from './defineAlertSet.js';
export type {
  AlertSetContext,
  AlertSetDefinition,
  AlertSetInput,
  AlertSetLoader,
} from './defineAlertSet.js';

export { scheduleIntervalMs, scheduleProblem } from './schedule.js';

export { stderrAlertLogger } from './alertLogger.js';
export type { AlertLogger } from './alertLogger.js';

export { resolveAlertConfig } from './alertConfig.js';
export type { ConfigIssue } from './alertConfig.js';

export { ALERTS_INDEX, alertId, runAlert } from './runAlert.js';
export type {
  AlertDocumentPlugin,
  AlertPluginRun,
  RunAlertOptions,
  RunAlertResult,
} from './runAlert.js';
export { aggregationOf, runCriteria } from './runCriteria.js';
export { buildAlertDocument } from './buildAlertDocument.js';

export {
  Category,
  addHostnameToIp,
  createAlertHelpers,
  getValueByPath,
  hostnameFromIp,
  isPrivateIp,
  isPyTruthy,
  isoformat,
  mostCommon,
  mozdefMockReverseDns,
  pyFormat,
  pyFormatNamed,
  pyNumber,
  pyQuote,
  pyRepr,
  pyStr,
  reverseDnsFromTable,
  systemReverseDns,
  valueByPath,
} from './helpers/index.js';
export type {
  AddHostnameOptions,
  AlertHelpers,
  ReverseDnsResolver,
  ValueCount,
} from './helpers/index.js';

/**
 * zod, for alert configs (`config: z.object({ threshold: z.number().int().default(10) })`):
 * re-exported so an alert uses the same zod as core, with no dependency of its own.
 */
export { z } from 'zod';
