import { type Clause, type Criteria, type StoredEvent, durationToMs } from '@alertkit/core';
import { compileClause } from './compile.js';
import { EventIndex } from './eventIndex.js';
import { type Explanation, explainMatch } from './explain.js';
import { IndexMapping, MOZDEF_EVENTS_MAPPING, parseMapping } from './mapping.js';

function indexAlone(
  event: StoredEvent,
  options: EvaluateOptions,
): { index: EventIndex; doc: number } {
  // Dynamic mapping grows a mapping: never grow the caller's.
  const mapping =
    options.mapping instanceof IndexMapping
      ? options.mapping.clone()
      : parseMapping(options.mapping ?? MOZDEF_EVENTS_MAPPING);
  const index = new EventIndex(mapping);
  return { index, doc: index.add(event) };
}

/** Options of {@link evaluate} and {@link explain}. */
export interface EvaluateOptions {
  /** The mapping (default MozDef's events mapping); a parsed one is not changed. */
  mapping?: IndexMapping | Record<string, unknown>;
  /** The end of the window, when criteria have one (default: now). */
  now?: Date;
}

/**
 * Whether one event matches a clause or criteria, with Elasticsearch semantics: the event is
 * indexed on its own (against a fresh copy of the mapping) and the query compiled for it. For
 * many events use an `EmbeddedStore`, which indexes once and compiles once per search.
 * Throws `MAPPING_CONFLICT` if Elasticsearch would refuse the event, `QUERY_INVALID` for a query
 * it would reject.
 */
export function evaluate(
  query: Clause | Criteria,
  event: StoredEvent,
  options: EvaluateOptions = {},
): boolean {
  const { index, doc } = indexAlone(event, options);
  if ('type' in query) return compileClause(index, query)(doc);
  if (query.window) {
    const to = (options.now ?? new Date()).getTime();
    if (!index.windowDocs(to - durationToMs(query.window), to).includes(doc)) return false;
  }
  return compileClause(index, query.query)(doc);
}

/**
 * Why one event matches a clause or criteria, or not (see {@link evaluate} for how the event is
 * indexed; `EmbeddedStore.explain` does the same for a stored event).
 */
export function explain(
  query: Clause | Criteria,
  event: StoredEvent,
  options: EvaluateOptions = {},
): Explanation {
  const { index, doc } = indexAlone(event, options);
  if ('type' in query) return explainMatch(index, query, doc);
  const matched = explainMatch(index, query.query, doc);
  if (!query.window) return matched;
  const to = (options.now ?? new Date()).getTime();
  const from = to - durationToMs(query.window);
  const inWindow = index.windowDocs(from, to).includes(doc);
  const window: Explanation = {
    clause: `window [${new Date(from).toISOString()}, ${new Date(to).toISOString()}] on utctimestamp OR receivedtimestamp`,
    matched: inWindow,
  };
  return { clause: 'criteria', matched: inWindow && matched.matched, children: [window, matched] };
}
