/**
 * @alertkit/query: build an alert's criteria, translate them to Elasticsearch/OpenSearch DSL,
 * and evaluate them in memory with Elasticsearch semantics.
 */
export {
  SearchBuilder,
  allOf,
  anyOf,
  bool,
  exists,
  fuzzy,
  lessThan,
  match,
  not,
  phrase,
  prefix,
  queryString,
  range,
  regexp,
  search,
  subnet,
  terms,
  wildcard,
} from './builder.js';
export type {
  AggregateOptions,
  BoolParts,
  MatchOptions,
  PatternOptions,
  QueryStringOptions,
  RangeBounds,
  RangeValue,
} from './builder.js';
export {
  clausesEqual,
  criteriaEqual,
  describeClause,
  describeCriteria,
} from './describeCriteria.js';
export {
  DEFAULT_MAX_BUCKETS,
  GROUPS_AGGREGATION,
  SAMPLES_AGGREGATION,
  clauseToElasticsearch,
  toElasticsearch,
  windowClause,
} from './toElasticsearch.js';
export type { ElasticsearchSearchBody, ToElasticsearchOptions } from './toElasticsearch.js';
export { fromElasticsearch } from './fromElasticsearch.js';
export { checkCriteria } from './checkCriteria.js';
export { MAX_CLAUSE_COUNT, MAX_NESTED_DEPTH, checkQueryBounds } from './queryBounds.js';
export {
  MAX_DETERMINIZED_STATES,
  MAX_REGEX_LENGTH,
  TermAutomaton,
  compilePrefix,
  compileRegexp,
  compileWildcard,
} from './automaton/index.js';
export { criteriaFromElasticsearch } from './criteriaFromElasticsearch.js';
export type { SearchBodyCriteria } from './criteriaFromElasticsearch.js';
export { luceneEscape, luceneQuote, luceneRangeBound } from './luceneEscape.js';
export { cidrContains, cidrFromRange, parseCidr } from './cidr.js';
export type { CidrBlock } from './cidr.js';
export { analyze, analyzeToTerms, type AnalyzedToken } from './analysis/analyze.js';
export type { StandardTokenType } from './analysis/standardTokenizer.js';
export {
  formatPitfall,
  lintAlert,
  type LintOptions,
  type PitfallFinding,
  type PitfallRule,
} from './lint.js';
export {
  explainAlert,
  explainCriteria,
  explainGroups,
  formatAlertExplanation,
  formatEventExplanations,
  formatGroups,
  type AggregationExplanation,
  type AlertExplanation,
  type EventExplanation,
  type ExplainAlertOptions,
  type FormatOptions,
  type GroupExplanation,
} from './explainAlert.js';
export {
  parseQueryString,
  type QueryStringOptions as ParseQueryStringOptions,
} from './queryString/index.js';
export {
  EmbeddedStore,
  EventIndex,
  IndexMapping,
  MOZDEF_EVENTS_MAPPING,
  compileClause,
  createEmbeddedStore,
  evaluate,
  explain,
  explainMatch,
  formatExplanation,
  type FormatExplanationOptions,
  loadMapping,
  lz4Available,
  parseEventJson,
  parseMapping,
  type DynamicSetting,
  type EmbeddedStoreOptions,
  type EmbeddedStoreSnapshot,
  type EvaluateOptions,
  type EventTagRecord,
  type StateRecord,
  type Explanation,
  type FieldMapping,
  type FieldType,
  type IndexSegment,
  type IngestReport,
  type MappingLimits,
  type MappingState,
  type Predicate,
  type SourceCodec,
  type SourceCompression,
} from './engine/index.js';
