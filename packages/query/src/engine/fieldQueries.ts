import type { RangeClause, Scalar } from '@alertkit/core';
import { analyze } from '../analysis/analyze.js';
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

/** Per-code-point lower-casing, as the standard analyser normalises text-field patterns. */
function normalizeForText(column: Column, pattern: string): string {
  return column.type === 'text' ? pattern.toLowerCase() : pattern;
}

/** A term-level query whose test is a RegExp over indexed terms (wildcard, regexp). */
export function regExpQuery(column: Column, regExp: RegExp, what: string): Predicate {
  const terms = requireStringField(column, what);
  return hasTermWhere(
    terms,
    memoTermTest(terms, (term) => regExp.test(term)),
  );
}

/**
 * Normalises a wildcard/prefix pattern for the field: on text fields Elasticsearch 7 lower-cases
 * it with the field's analyser (tokens are lower-case); keyword patterns stay as written.
 */
export function normalizePattern(column: Column, pattern: string, what: string): string {
  requireStringField(column, what);
  return normalizeForText(column, pattern);
}

/** Elasticsearch `prefix` against indexed terms. */
export function prefixQuery(column: Column, prefix: string): Predicate {
  const terms = requireStringField(column, 'prefix');
  const normalized = normalizeForText(column, prefix);
  return hasTermWhere(
    terms,
    memoTermTest(terms, (term) => term.startsWith(normalized)),
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
