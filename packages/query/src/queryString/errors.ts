import { AlertkitError } from '@alertkit/core';

/** The error for a query string that cannot be parsed: names the query and the position. */
export function queryStringError(query: string, position: number, expected: string): AlertkitError {
  const shown = position >= query.length ? 'the end' : `position ${position}`;
  return new AlertkitError(
    'QUERY_SYNTAX',
    `cannot parse query_string ${JSON.stringify(query)}: expected ${expected} at ${shown}`,
    { details: { query, position } },
  );
}

/** The error for valid Lucene syntax that alertkit does not support (fuzzy terms). */
export function unsupportedQueryString(
  query: string,
  position: number,
  what: string,
): AlertkitError {
  return new AlertkitError(
    'QUERY_SYNTAX',
    `unsupported in query_string ${JSON.stringify(query)}: ${what} at position ${position}`,
    { details: { query, position } },
  );
}
