/**
 * @alertkit/core: the vocabulary of alertkit. Event and alert document types, severities, the
 * query AST, the `Store` interface and `defineAlert`. No engine lives here.
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
  Store,
} from './store.js';

export { classnameOf, defineAlert, isAlertDefinition, resolveCriteria, windowOf } from './defineAlert.js';
export type {
  AggregationGroup,
  AggregationReaction,
  AlertDeclaration,
  AlertDefinition,
  AlertDraft,
  AlertInput,
  AlertKind,
  CriteriaLike,
  EventReaction,
  NoEventReaction,
  ReactionContext,
  Schedule,
} from './defineAlert.js';
