import type { Criteria } from '@alertkit/core';
import { compileClause } from './engine/compile.js';
import { EventIndex } from './engine/eventIndex.js';
import { type IndexMapping, MOZDEF_EVENTS_MAPPING, parseMapping } from './engine/mapping.js';

let mozdefMapping: IndexMapping | undefined;

/**
 * Checks criteria as Elasticsearch would before searching: every query string parses, every
 * regexp and wildcard (also inside query strings) compiles within Elasticsearch's limits
 * (`max_regex_length`, 10,000 determinized states), bool nesting and clause count are within
 * bounds. `alertkit validate` runs it, so an alert whose pattern would be refused at search time
 * fails validation instead, naming the pattern.
 *
 * @throws AlertkitError `QUERY_SYNTAX` or `QUERY_INVALID` with the reason.
 */
export function checkCriteria(criteria: Criteria, mapping?: IndexMapping): void {
  // Compiling against an empty index builds every predicate (and automaton) without data.
  const index = new EventIndex(mapping ?? (mozdefMapping ??= parseMapping(MOZDEF_EVENTS_MAPPING)));
  compileClause(index, criteria.query);
}
