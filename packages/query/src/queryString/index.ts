import type { Clause } from '@alertkit/core';
import { QueryStringParser } from './parser.js';

/** Options of {@link parseQueryString}, as Elasticsearch's query_string names them. */
export interface QueryStringOptions {
  /** Field for terms that name none. Default `*`: every field, leniently (Elasticsearch 7). */
  defaultField?: string;
  /** How bare clauses and the tokens of a multi-word text combine. Default `OR`. */
  defaultOperator?: 'OR' | 'AND';
}

/**
 * Parses a Lucene query string (Elasticsearch `query_string`, MozDef's `QueryStringMatch`) into
 * alertkit's query AST, with the meaning Elasticsearch 7 gives it: `field:value` is `match`,
 * `field:"a b"` is `phrase`, `field:v*` / `v?` are `wildcard`, `/re/` is `regexp`, `[a TO b]` /
 * `{a TO b}` are `range`, `_exists_:f` is `exists`, and AND/OR/NOT/+/- with grouping follow the
 * classic parser's flat operator rule. A term without a field gets `field: '*'` (every field,
 * leniently) unless `defaultField` is given.
 *
 * @throws AlertkitError `QUERY_SYNTAX` for malformed input or fuzzy terms (`~` after a term),
 *   naming the query and the position (`details.position`).
 */
export function parseQueryString(query: string, options: QueryStringOptions = {}): Clause {
  // Elasticsearch: a blank query string matches no document.
  if (query.trim() === '') return { type: 'matchNone' };
  return new QueryStringParser(query, options.defaultOperator ?? 'OR').parse(
    options.defaultField ?? '*',
  );
}
