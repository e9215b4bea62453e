import { AlertkitError } from '@alertkit/core';

/** Longer queries are shown around the error position only (a hostile query can be megabytes). */
const SHOWN_CHARACTERS = 200;

function excerpt(query: string, position: number): string {
  if (query.length <= SHOWN_CHARACTERS) return JSON.stringify(query);
  const start = Math.max(
    0,
    Math.min(position - SHOWN_CHARACTERS / 2, query.length - SHOWN_CHARACTERS),
  );
  const end = start + SHOWN_CHARACTERS;
  return `${start > 0 ? '…' : ''}${JSON.stringify(query.slice(start, end))}${end < query.length ? '…' : ''} (${query.length} characters)`;
}

/** The error for a query string that cannot be parsed: names the query and the position. */
export function queryStringError(query: string, position: number, expected: string): AlertkitError {
  const shown = position >= query.length ? 'the end' : `position ${position}`;
  return new AlertkitError(
    'QUERY_SYNTAX',
    `cannot parse query_string ${excerpt(query, position)}: expected ${expected} at ${shown}`,
    { details: { query, position } },
  );
}
