import { AlertkitError } from '@alertkit/core';
import { AutomatonTooComplex, Nfa, TermAutomaton, determinize } from './automaton.js';
import { buildRegexp, buildWildcard } from './build.js';
import { RegexpSyntaxError, parseLuceneRegexp } from './luceneRegexp.js';

export { MAX_DETERMINIZED_STATES, TermAutomaton } from './automaton.js';
export { fuzzyDistance, fuzzyEdits } from './fuzzy.js';

/** Elasticsearch's `index.max_regex_length` default: longer regexps are refused. */
export const MAX_REGEX_LENGTH = 1_000;

/** Options of the pattern compilers. */
export interface PatternOptions {
  /** Elasticsearch's `case_insensitive`: ASCII letters match either case (Lucene's ASCII_CASE_INSENSITIVE). */
  caseInsensitive?: boolean;
}

/** A pattern as an error message shows it (long ones cut). */
function shown(kind: 'regexp' | 'wildcard', pattern: string): string {
  const cut = pattern.length > 80 ? `${pattern.slice(0, 80)}…` : pattern;
  return kind === 'regexp' ? `regexp /${cut}/` : `wildcard ${JSON.stringify(cut)}`;
}

function patternError(
  kind: 'regexp' | 'wildcard',
  pattern: string,
  message: string,
  details: Record<string, unknown> = {},
): AlertkitError {
  return new AlertkitError('QUERY_INVALID', `${shown(kind, pattern)} ${message}`, {
    details: { pattern, ...details },
  });
}

// Criteria are compiled at every search: keep the automata of recent patterns.
const CACHE_SIZE = 256;
const cache = new Map<string, TermAutomaton>();

function cached(key: string, make: () => TermAutomaton): TermAutomaton {
  const hit = cache.get(key);
  if (hit !== undefined) {
    cache.delete(key);
    cache.set(key, hit);
    return hit;
  }
  const made = make();
  cache.set(key, made);
  if (cache.size > CACHE_SIZE) cache.delete(cache.keys().next().value as string);
  return made;
}

function toAutomaton(
  kind: 'regexp' | 'wildcard',
  pattern: string,
  build: (nfa: Nfa) => ReturnType<typeof buildRegexp>,
): TermAutomaton {
  try {
    const nfa = new Nfa();
    return new TermAutomaton(determinize(nfa, build(nfa)));
  } catch (error) {
    if (error instanceof RegexpSyntaxError)
      throw patternError(kind, pattern, `is invalid: ${error.message}`, {
        position: error.position,
      });
    if (error instanceof AutomatonTooComplex)
      throw patternError(kind, pattern, `is too complex: ${error.reason}`);
    throw error;
  }
}

/**
 * A Lucene regular expression (Elasticsearch `regexp`, query_string `/.../`) as an automaton
 * that matches whole terms in linear time.
 *
 * @throws AlertkitError `QUERY_INVALID` naming the pattern: a syntax error (with Lucene's
 *   message and the position), longer than {@link MAX_REGEX_LENGTH} characters, or needing more
 *   than {@link MAX_DETERMINIZED_STATES} states.
 */
export function compileRegexp(pattern: string, options: PatternOptions = {}): TermAutomaton {
  if (pattern.length > MAX_REGEX_LENGTH) {
    throw patternError(
      'regexp',
      pattern,
      `is refused: the length of regex [${pattern.length}] has exceeded the allowed maximum of [${MAX_REGEX_LENGTH}] (Elasticsearch's index.max_regex_length)`,
      { length: pattern.length },
    );
  }
  const caseInsensitive = options.caseInsensitive === true;
  return cached(`r${caseInsensitive ? 'i' : ''}:${pattern}`, () =>
    toAutomaton('regexp', pattern, (nfa) =>
      buildRegexp(nfa, parseLuceneRegexp(pattern, caseInsensitive)),
    ),
  );
}

/**
 * A wildcard pattern (`*` any run, `?` one character, `\` escapes; Elasticsearch `wildcard`,
 * query_string `f:a*b?`) as an automaton that matches whole terms in linear time.
 *
 * @throws AlertkitError `QUERY_INVALID` naming the pattern when it needs more than
 *   {@link MAX_DETERMINIZED_STATES} states.
 */
export function compileWildcard(pattern: string, options: PatternOptions = {}): TermAutomaton {
  const caseInsensitive = options.caseInsensitive === true;
  return cached(`w${caseInsensitive ? 'i' : ''}:${pattern}`, () =>
    toAutomaton('wildcard', pattern, (nfa) => buildWildcard(nfa, pattern, caseInsensitive)),
  );
}

/** The prefix as a wildcard-free automaton (Elasticsearch `prefix` with `case_insensitive`). */
export function compilePrefix(prefix: string, options: PatternOptions = {}): TermAutomaton {
  const escaped = prefix.replace(/[*?\\]/g, '\\$&');
  return compileWildcard(`${escaped}*`, options);
}
