import { AlertkitError, type Clause } from '@alertkit/core';

/**
 * Elasticsearch's bounds on a query, checked before anything walks a clause tree recursively (so
 * a tree 20,000 bools deep is a clear error, never a stack overflow):
 * - nesting: `indices.query.bool.max_nested_depth`, 30 in Elasticsearch 8, counted as the levels
 *   of query objects from the outermost down to a leaf (30 nested `bool`s around a leaf are
 *   refused, 29 pass);
 * - clauses: Lucene's `maxClauseCount` (`indices.query.bool.max_clause_count`), the number of
 *   leaf clauses in the whole tree. Elasticsearch 8 sizes it from the heap and never below 1,024;
 *   alertkit uses that floor, so what it accepts every Elasticsearch 8 node accepts.
 */
export const MAX_NESTED_DEPTH = 30;
/** See {@link MAX_NESTED_DEPTH}. */
export const MAX_CLAUSE_COUNT = 1_024;

/** Elasticsearch's text for a query nested too deep. */
export function nestedDepthMessage(): string {
  return `The nested depth of the query exceeds the maximum nested depth for bool queries set in [indices.query.bool.max_nested_depth] (${MAX_NESTED_DEPTH})`;
}

/** Lucene's text for a query with too many clauses. */
export function clauseCountMessage(): string {
  return `too many clauses: the query has more than ${MAX_CLAUSE_COUNT} clauses (maxClauseCount is set to ${MAX_CLAUSE_COUNT}, indices.query.bool.max_clause_count)`;
}

function children(clause: Clause): readonly Clause[] {
  if (clause.type !== 'bool') return [];
  return [
    ...(clause.must ?? []),
    ...(clause.filter ?? []),
    ...(clause.mustNot ?? []),
    ...(clause.should ?? []),
  ];
}

/**
 * Checks a clause tree against {@link MAX_NESTED_DEPTH} and {@link MAX_CLAUSE_COUNT} without
 * recursion. `where` prefixes the message (`query_string "..."`).
 *
 * @throws AlertkitError `QUERY_INVALID` with Elasticsearch's reason.
 */
export function checkQueryBounds(clause: Clause, options: { depth?: boolean } = {}): void {
  const checkDepth = options.depth !== false;
  const stack: [Clause, number][] = [[clause, 1]];
  let leaves = 0;
  while (stack.length > 0) {
    const [current, depth] = stack.pop() as [Clause, number];
    if (checkDepth && depth > MAX_NESTED_DEPTH)
      throw new AlertkitError('QUERY_INVALID', nestedDepthMessage(), {
        details: { limit: MAX_NESTED_DEPTH },
      });
    const below = children(current);
    if (current.type !== 'bool' && ++leaves > MAX_CLAUSE_COUNT)
      throw new AlertkitError('QUERY_INVALID', clauseCountMessage(), {
        details: { limit: MAX_CLAUSE_COUNT },
      });
    if (below.length > MAX_CLAUSE_COUNT)
      throw new AlertkitError('QUERY_INVALID', clauseCountMessage(), {
        details: { limit: MAX_CLAUSE_COUNT },
      });
    for (const child of below) stack.push([child, depth + 1]);
  }
}
