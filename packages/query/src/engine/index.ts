/** The embedded engine: an in-memory event store with Elasticsearch semantics (core's `Store`). */
export { EmbeddedStore, createEmbeddedStore } from './embeddedStore.js';
export type {
  EmbeddedStoreOptions,
  EmbeddedStoreSnapshot,
  EventTagRecord,
  StateRecord,
  IngestReport,
} from './embeddedStore.js';
export { IndexMapping, MOZDEF_EVENTS_MAPPING, loadMapping, parseMapping } from './mapping.js';
export type {
  DynamicSetting,
  FieldMapping,
  FieldType,
  MappingLimits,
  MappingState,
} from './mapping.js';
export { parseEventJson } from './sourceText.js';
export { compileClause } from './compile.js';
export type { Predicate } from './predicates.js';
export { EventIndex } from './eventIndex.js';
export { lz4Available } from './blockCodec.js';
export type { SourceCodec, SourceCompression } from './blockCodec.js';
export type { IndexSegment } from './eventIndex.js';
export { evaluate, explain } from './evaluate.js';
export type { EvaluateOptions } from './evaluate.js';
export { explainMatch, formatExplanation } from './explain.js';
export type { Explanation, FormatExplanationOptions } from './explain.js';
