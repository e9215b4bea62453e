import type { RangeClause, Scalar } from '@alertkit/core';
import { analyze } from '../analysis/analyze.js';
import { javaLowerCase } from '../analysis/javaLowerCase.js';
import { type TermAutomaton, compilePrefix, fuzzyDistance } from '../automaton/index.js';
import { type Column, NumericColumn, TermColumn } from './columns.js';
import type { FieldType } from './mapping.js';
import {
  MATCH_ALL,
  MATCH_NONE,
  type Predicate,
  hasTerm,
  hasTermWhere,
  holdsAtLeast,
  holdsPhrase,
  memoTermTest,
  numberBetween,
  numberWhere,
  hasTermIn,
} from './predicates.js';
import {
  compareCodePoints,
  keywordText,
  parseBoolean,
  parseDateInterval,
  parseIp,
  parseIpOrCidr,
  parseNumber,
} from './values.js';

/**
 * Field-level queries on one resolved field, by field type, as Elasticsearch's field mappers
 * build them. A value the type cannot parse throws {@link UnparsableValue}; the compiler turns
 * that into `QUERY_INVALID`, or into "no match" for lenient queries.
 */

/** A query value the field's type cannot read (or an operation the type does not support). */
export class UnparsableValue extends Error {
  override readonly name = 'UnparsableValue';
}

function isIntegerType(type: FieldType): boolean {
  return type === 'long' || type === 'integer' || type === 'short' || type === 'byte';
}

function termColumn(column: Column): TermColumn {
  if (column instanceof TermColumn) return column;
  throw new UnparsableValue(`internal: expected a term column for ${column.type}`);
}

function numericColumn(column: Column): NumericColumn {
  if (column instanceof NumericColumn) return column;
  throw new UnparsableValue(`internal: expected a numeric column for ${column.type}`);
}

/**
 * One exact term of the field's type (Elasticsearch `term`, and `match` on non-text fields):
 * keyword/text the text itself (numbers as their JSON text), ip an address or a CIDR, boolean
 * true/false, date the span the value names (`2017-01-01` is the whole day), numbers by value.
 */
export function termQuery(column: Column, value: Scalar): Predicate {
  switch (column.type) {
    case 'keyword':
    case 'text':
      return hasTerm(termColumn(column), termColumn(column).idOf(keywordText(value)));
    case 'ip': {
      const ip = parseIp(value);
      if (ip) return hasTerm(termColumn(column), termColumn(column).idOf(ip.display));
      const range = parseIpOrCidr(value);
      if (!range)
        throw new UnparsableValue(`${JSON.stringify(value)} is not an IP address or CIDR`);
      return ipRange(termColumn(column), range.lowKey, range.highKey);
    }
    case 'boolean': {
      const b = parseBoolean(value);
      if (b === undefined)
        throw new UnparsableValue(`${JSON.stringify(value)} is not a boolean (true or false)`);
      return hasTerm(termColumn(column), termColumn(column).idOf(String(b)));
    }
    case 'date': {
      const interval = parseDateInterval(value);
      if (!interval)
        throw new UnparsableValue(`${JSON.stringify(value)} is not a dateOptionalTime date`);
      return numberBetween(numericColumn(column), interval.start, interval.end);
    }
    case 'geo_point':
    case 'object':
      throw new UnparsableValue(`${column.type} fields do not support exact searching`);
    case 'long':
    case 'integer':
    case 'short':
    case 'byte':
    case 'double':
    case 'float':
    case 'half_float':
    case 'scaled_float': {
      const n = parseNumber(value);
      if (n === undefined)
        throw new UnparsableValue(`${JSON.stringify(value)} is not a number (${column.type})`);
      if (isIntegerType(column.type) && !Number.isInteger(n)) return MATCH_NONE;
      return numberBetween(numericColumn(column), n, n);
    }
  }
}

function ipRange(column: TermColumn, lowKey: string, highKey: string): Predicate {
  return hasTermWhere(
    column,
    memoTermTest(column, (term) => {
      const key = parseIp(term)?.key;
      return key !== undefined && key >= lowKey && key <= highKey;
    }),
  );
}

/**
 * Elasticsearch's `minimum_should_match` for `optional` clauses (Queries.calculateMinShouldMatch):
 * an integer (negative = all but that many) or a percentage (negative likewise), rounded down.
 */
export function minimumShouldMatch(optional: number, spec: number | string): number {
  const text = String(spec).trim();
  let result: number;
  if (text.endsWith('%')) {
    const percent = Number(text.slice(0, -1));
    if (!Number.isInteger(percent))
      throw new UnparsableValue(
        `minimum_should_match ${JSON.stringify(spec)} is not an integer or a percentage`,
      );
    const calc = Math.trunc((optional * percent) / 100);
    result = calc < 0 ? optional + calc : calc;
  } else {
    const calc = Number(text);
    if (!Number.isInteger(calc))
      throw new UnparsableValue(
        `minimum_should_match ${JSON.stringify(spec)} is not an integer or a percentage`,
      );
    result = calc < 0 ? optional + calc : calc;
  }
  return Math.max(0, result);
}

/** The knobs of Elasticsearch `match`. */
export interface MatchOptions {
  operator?: 'or' | 'and';
  minimumShouldMatch?: number | string;
  zeroTermsQuery?: 'none' | 'all';
}

/**
 * Elasticsearch `match`: on a text field the value is analysed and its tokens are OR-ed (or
 * AND-ed, or `minimum_should_match` of them); on any other field it is one exact term.
 */
export function matchQuery(column: Column, value: Scalar, options: MatchOptions): Predicate {
  if (column.type !== 'text') return termQuery(column, value);
  const text = termColumn(column);
  const tokens = analyze(keywordText(value));
  if (tokens.length === 0) return options.zeroTermsQuery === 'all' ? MATCH_ALL : MATCH_NONE;
  const ids = tokens.map((t) => text.idOf(t.token));
  let required = options.operator === 'and' ? ids.length : 1;
  if (options.minimumShouldMatch !== undefined && options.operator !== 'and') {
    // A disjunction still needs one clause, whatever minimum_should_match computes to.
    required = Math.max(1, minimumShouldMatch(ids.length, options.minimumShouldMatch));
  }
  return holdsAtLeast(text, ids, required);
}

/** Elasticsearch `match_phrase`: analysed tokens in order on text; one exact term elsewhere. */
export function phraseQuery(column: Column, value: Scalar, slop: number): Predicate {
  if (column.type !== 'text') return termQuery(column, value);
  const text = termColumn(column);
  const tokens = analyze(keywordText(value));
  if (tokens.length === 0) return MATCH_NONE;
  const first = tokens[0]?.position ?? 0;
  return holdsPhrase(
    text,
    tokens.map((t) => text.idOf(t.token)),
    tokens.map((t) => t.position - first),
    slop,
  );
}

function requireStringField(column: Column, what: string): TermColumn {
  if (column.type !== 'keyword' && column.type !== 'text') {
    throw new UnparsableValue(
      `${what} queries run on keyword and text fields only, not on a ${column.type} field`,
    );
  }
  return termColumn(column);
}

/**
 * A term-level query whose test is an automaton over indexed terms (wildcard, regexp, prefix):
 * each distinct term is run through it once, in time linear in its length.
 */
export function automatonQuery(column: Column, automaton: TermAutomaton, what: string): Predicate {
  const terms = requireStringField(column, what);
  if (automaton.acceptsEverything) return hasAnyTerm(terms);
  return hasTermWhere(
    terms,
    memoTermTest(terms, (term) => automaton.matches(term)),
  );
}

/** The document holds at least one term (a bare `*` pattern). */
function hasAnyTerm(column: TermColumn): Predicate {
  return hasTermWhere(column, () => true);
}

/** The query_string normaliser of a text field: Java's per-code-point lower case. */
export function normalizeText(column: Column, text: string): string {
  return column.type === 'text' ? javaLowerCase(text) : text;
}

/**
 * Elasticsearch's StringFieldType.normalizeWildcardPattern (query_string wildcards on a text
 * field): the text between wildcards is normalised (lower-cased), while `*`, `?` and escaped
 * characters (`\X`) are kept as written.
 */
export function normalizeWildcardPattern(column: Column, pattern: string): string {
  if (column.type !== 'text') return pattern;
  return pattern.replace(/(\\[^]?)|([?*]+)|([^?*\\]+)/gu, (all, escaped?: string, wild?: string) =>
    escaped !== undefined || wild !== undefined ? all : javaLowerCase(all),
  );
}

/** Elasticsearch `prefix` against indexed terms (case-sensitive unless `caseInsensitive`). */
export function prefixQuery(column: Column, prefix: string, caseInsensitive = false): Predicate {
  const terms = requireStringField(column, 'prefix');
  if (caseInsensitive)
    return automatonQuery(column, compilePrefix(prefix, { caseInsensitive }), 'prefix');
  return hasTermWhere(
    terms,
    memoTermTest(terms, (term) => term.startsWith(prefix)),
  );
}

/** Elasticsearch's `max_expansions` default for fuzzy queries. */
export const FUZZY_MAX_EXPANSIONS = 50;

/**
 * Lucene's FuzzyQuery with Elasticsearch's defaults: the indexed terms within `maxEdits` edits
 * of `value`, keeping the best {@link FUZZY_MAX_EXPANSIONS} (by Lucene's boost
 * `1 - edits / min(term length, query length)`, then term order), as TopTermsRewrite does.
 */
export function fuzzyQuery(column: Column, value: string, maxEdits: number): Predicate {
  const terms = requireStringField(column, 'fuzzy');
  if (maxEdits === 0) return hasTerm(terms, terms.idOf(value));
  const query = Array.from(value, (c) => c.codePointAt(0) ?? 0);
  const found: { id: number; term: string; boost: number }[] = [];
  terms.terms.forEach((term, id) => {
    const candidate = Array.from(term, (c) => c.codePointAt(0) ?? 0);
    const edits = fuzzyDistance(query, candidate, maxEdits);
    if (edits === undefined) return;
    const boost =
      edits === 0
        ? 1
        : Math.fround(1 - Math.fround(edits / Math.min(candidate.length, query.length)));
    found.push({ id, term, boost });
  });
  found.sort((a, b) => b.boost - a.boost || compareCodePoints(a.term, b.term));
  return hasTermIn(
    terms,
    found.slice(0, FUZZY_MAX_EXPANSIONS).map((f) => f.id),
  );
}

type Bounds = Pick<RangeClause, 'gte' | 'gt' | 'lte' | 'lt'>;

/**
 * Elasticsearch `range`: dates by instant (a bound rounds as ES does: `gte`/`lt` to the start
 * of the span the text names, `gt`/`lte` to its end), numbers and IPs by value, keyword and
 * text terms by code point order (Lucene's byte order), booleans false < true.
 */
export function rangeQuery(column: Column, bounds: Bounds): Predicate {
  const lower = bounds.gte ?? bounds.gt;
  const upper = bounds.lte ?? bounds.lt;
  const lowerStrict = bounds.gte === undefined && bounds.gt !== undefined;
  const upperStrict = bounds.lte === undefined && bounds.lt !== undefined;
  switch (column.type) {
    case 'date': {
      const parse = (v: Scalar): { start: number; end: number } => {
        const interval = parseDateInterval(v);
        if (!interval)
          throw new UnparsableValue(
            `range bound ${JSON.stringify(v)} is not a dateOptionalTime date`,
          );
        return interval;
      };
      const low =
        lower === undefined ? -Infinity : lowerStrict ? parse(lower).end + 1 : parse(lower).start;
      const high =
        upper === undefined ? Infinity : upperStrict ? parse(upper).start - 1 : parse(upper).end;
      return numberBetween(numericColumn(column), low, high);
    }
    case 'keyword':
    case 'text':
      return ordered(
        termColumn(column),
        lower === undefined ? undefined : keywordText(lower),
        upper === undefined ? undefined : keywordText(upper),
        lowerStrict,
        upperStrict,
        compareCodePoints,
        (t) => t,
      );
    case 'ip': {
      const key = (v: Scalar): string => {
        const ip = parseIp(v);
        if (!ip) throw new UnparsableValue(`range bound ${JSON.stringify(v)} is not an IP address`);
        return ip.key;
      };
      return ordered(
        termColumn(column),
        lower === undefined ? undefined : key(lower),
        upper === undefined ? undefined : key(upper),
        lowerStrict,
        upperStrict,
        (a, b) => (a < b ? -1 : a > b ? 1 : 0),
        (t) => parseIp(t)?.key ?? '',
      );
    }
    case 'boolean': {
      const bit = (v: Scalar): string => {
        const b = parseBoolean(v);
        if (b === undefined)
          throw new UnparsableValue(`range bound ${JSON.stringify(v)} is not a boolean`);
        return b ? '1' : '0';
      };
      return ordered(
        termColumn(column),
        lower === undefined ? undefined : bit(lower),
        upper === undefined ? undefined : bit(upper),
        lowerStrict,
        upperStrict,
        (a, b) => a.localeCompare(b),
        (t) => (t === 'true' ? '1' : '0'),
      );
    }
    case 'geo_point':
    case 'object':
      throw new UnparsableValue(`range queries do not run on ${column.type} fields`);
    case 'long':
    case 'integer':
    case 'short':
    case 'byte':
    case 'double':
    case 'float':
    case 'half_float':
    case 'scaled_float': {
      const num = (v: Scalar): number => {
        const n = parseNumber(v);
        if (n === undefined)
          throw new UnparsableValue(`range bound ${JSON.stringify(v)} is not a number`);
        return n;
      };
      const low = lower === undefined ? -Infinity : num(lower);
      const high = upper === undefined ? Infinity : num(upper);
      if (!lowerStrict && !upperStrict) return numberBetween(numericColumn(column), low, high);
      return numberWhere(
        numericColumn(column),
        (v) => (lowerStrict ? v > low : v >= low) && (upperStrict ? v < high : v <= high),
      );
    }
  }
}

function ordered<T>(
  column: TermColumn,
  lower: T | undefined,
  upper: T | undefined,
  lowerStrict: boolean,
  upperStrict: boolean,
  compare: (a: T, b: T) => number,
  keyOf: (term: string) => T,
): Predicate {
  return hasTermWhere(
    column,
    memoTermTest(column, (term) => {
      const key = keyOf(term);
      if (lower !== undefined) {
        const c = compare(key, lower);
        if (c < 0 || (c === 0 && lowerStrict)) return false;
      }
      if (upper !== undefined) {
        const c = compare(key, upper);
        if (c > 0 || (c === 0 && upperStrict)) return false;
      }
      return true;
    }),
  );
}
