/**
 * The token rules of Lucene's classic QueryParser (QueryParser.jj, Lucene 8), which
 * Elasticsearch's query_string uses: longest match, ties to the rule declared first, three lexical
 * states (default, boost after `^`, range inside `[ ]`/`{ }`).
 */
import { queryStringError } from './errors.js';

export type TokenKind =
  | 'AND'
  | 'OR'
  | 'NOT'
  | 'PLUS'
  | 'MINUS'
  | 'BAREOPER'
  | 'LPAREN'
  | 'RPAREN'
  | 'COLON'
  | 'STAR'
  | 'CARAT'
  | 'QUOTED'
  | 'TERM'
  | 'FUZZY_SLOP'
  | 'PREFIXTERM'
  | 'WILDTERM'
  | 'REGEXPTERM'
  | 'RANGEIN_START'
  | 'RANGEEX_START'
  | 'NUMBER'
  | 'RANGE_TO'
  | 'RANGEIN_END'
  | 'RANGEEX_END'
  | 'RANGE_QUOTED'
  | 'RANGE_GOOP'
  | 'EOF';

export interface Token {
  kind: TokenKind;
  /** The token's text as written (escapes kept). */
  image: string;
  /** Offset of the token in the query (UTF-16 units). */
  start: number;
}

/** Whitespace the classic parser skips (note: U+3000, but not \f or other Unicode spaces). */
const WHITESPACE = new Set([' ', '\t', '\n', '\r', '\u3000']);
/** Characters that cannot start a term unless escaped. `-` and `+` may continue one. */
const NOT_TERM_START = new Set([
  ...WHITESPACE,
  '+',
  '-',
  '!',
  '(',
  ')',
  ':',
  '^',
  '[',
  ']',
  '"',
  '{',
  '}',
  '~',
  '*',
  '?',
  '\\',
  '/',
]);

const isTermStart = (c: string): boolean => !NOT_TERM_START.has(c);
const isTermChar = (c: string): boolean => isTermStart(c) || c === '-' || c === '+';

/** Splits a query string into the classic parser's tokens (ending with an EOF token). */
export function tokenize(query: string): Token[] {
  const tokens: Token[] = [];
  let state: 'default' | 'boost' | 'range' = 'default';
  let i = 0;
  const push = (kind: TokenKind, length: number): void => {
    tokens.push({ kind, image: query.slice(i, i + length), start: i });
    i += length;
  };
  while (true) {
    if (state === 'boost') {
      // No whitespace is skipped here: `a^ 2` is a lexical error, as in Lucene.
      const number = /^\d+(\.\d+)?/.exec(query.slice(i));
      if (number === null) throw queryStringError(query, i, 'a number after ^');
      push('NUMBER', number[0].length);
      state = 'default';
      continue;
    }
    if (state === 'range') {
      const goop = rangeGoopLength(query, i);
      if (
        query[i] === ' ' ||
        (query[i] !== undefined && WHITESPACE.has(query[i] ?? '') && goop <= 1)
      ) {
        i++;
        continue;
      }
      if (i >= query.length) break;
      const c = query[i];
      if (c === ']' || c === '}') {
        push(c === ']' ? 'RANGEIN_END' : 'RANGEEX_END', 1);
        state = 'default';
      } else if (c === '"' && quotedRangeLength(query, i) >= goop) {
        push('RANGE_QUOTED', quotedRangeLength(query, i));
      } else if (goop === 2 && query.startsWith('TO', i)) {
        push('RANGE_TO', 2);
      } else {
        push('RANGE_GOOP', goop);
      }
      continue;
    }
    while (i < query.length && WHITESPACE.has(query[i] ?? '')) i++;
    if (i >= query.length) break;
    const c = query[i] ?? '';
    const next = query[i + 1];
    switch (c) {
      case '(':
        push('LPAREN', 1);
        continue;
      case ')':
        push('RPAREN', 1);
        continue;
      case ':':
        push('COLON', 1);
        continue;
      case '^':
        push('CARAT', 1);
        state = 'boost';
        continue;
      case '[':
      case '{':
        push(c === '[' ? 'RANGEIN_START' : 'RANGEEX_START', 1);
        state = 'range';
        continue;
      case '"':
        push('QUOTED', quotedLength(query, i));
        continue;
      case '~':
        push('FUZZY_SLOP', termRunEnd(query, i + 1, false) - i);
        continue;
      case '/':
        push('REGEXPTERM', regexpLength(query, i));
        continue;
      case '+':
      case '-':
      case '!':
        if (next !== undefined && WHITESPACE.has(next)) push('BAREOPER', 2);
        else push(c === '+' ? 'PLUS' : c === '-' ? 'MINUS' : 'NOT', 1);
        continue;
    }
    pushWord(query, i, push);
  }
  if (state !== 'default')
    throw queryStringError(query, i, state === 'range' ? 'the end of a range' : 'a number after ^');
  tokens.push({ kind: 'EOF', image: '', start: query.length });
  return tokens;
}

/** Terms, wildcard and prefix terms, `*`, and the operator words (which win ties). */
function pushWord(query: string, i: number, push: (kind: TokenKind, length: number) => void): void {
  const c = query[i] ?? '';
  const startsTerm = isTermStart(c) || (c === '\\' && i + 1 < query.length);
  const termLength = startsTerm ? termRunEnd(query, i, false) - i : 0;
  const prefixLength = termLength > 0 && query[i + termLength] === '*' ? termLength + 1 : 0;
  const wildLength = startsTerm || c === '*' || c === '?' ? termRunEnd(query, i, true) - i : 0;
  const longest = Math.max(termLength, prefixLength, wildLength);
  if (longest === 0) throw queryStringError(query, i, `a term, not ${JSON.stringify(c)}`);
  for (const [word, kind] of [
    ['AND', 'AND'],
    ['&&', 'AND'],
    ['OR', 'OR'],
    ['||', 'OR'],
    ['NOT', 'NOT'],
  ] as const) {
    if (query.startsWith(word, i) && word.length >= longest) return push(kind, word.length);
  }
  if (c === '*' && longest === 1) return push('STAR', 1);
  if (termLength === longest) return push('TERM', termLength);
  if (prefixLength === longest) return push('PREFIXTERM', prefixLength);
  push('WILDTERM', wildLength);
}

/** End of a run of term characters (and `\`-escapes; `*`/`?` too when `wild`) from `i`. */
function termRunEnd(query: string, i: number, wild: boolean): number {
  let j = i;
  while (j < query.length) {
    const c = query[j] ?? '';
    if (c === '\\') {
      if (j + 1 >= query.length) break;
      j += 2;
    } else if (isTermChar(c) || (wild && (c === '*' || c === '?'))) {
      j++;
    } else {
      break;
    }
  }
  return j;
}

/** `"` (any char but `"` and `\`, or `\` + any char)* `"`. */
function quotedLength(query: string, i: number): number {
  let j = i + 1;
  while (j < query.length) {
    const c = query[j];
    if (c === '"') return j + 1 - i;
    j += c === '\\' ? 2 : 1;
  }
  throw queryStringError(query, i, 'a closing " for this phrase');
}

/**
 * `/` (any char but `/`, or `\/`)* `/`, longest match: up to the last `/` such that every `/`
 * before it is escaped.
 */
function regexpLength(query: string, i: number): number {
  let end = -1;
  for (let j = i + 1; j < query.length; j++) {
    if (query[j] !== '/') continue;
    end = j;
    if (query[j - 1] !== '\\' || j - 1 === i) break;
  }
  if (end < 0) throw queryStringError(query, i, 'a closing / for this regular expression');
  return end + 1 - i;
}

/** A range bound: (any char but space, `]`, `}`)+. */
function rangeGoopLength(query: string, i: number): number {
  let j = i;
  while (j < query.length && query[j] !== ' ' && query[j] !== ']' && query[j] !== '}') j++;
  return j - i;
}

/** A quoted range bound: `"` (any char but `"`, or `\"`)+ `"`, longest match; 0 if none. */
function quotedRangeLength(query: string, i: number): number {
  if (query[i + 1] === '"') return 0;
  let end = -1;
  for (let j = i + 2; j < query.length; j++) {
    if (query[j] !== '"') continue;
    end = j;
    if (query[j - 1] !== '\\') break;
  }
  return end < 0 ? 0 : end + 1 - i;
}
