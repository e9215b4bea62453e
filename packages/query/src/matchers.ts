import {
  AlertkitError,
  type Clause,
  type ExistsClause,
  type FuzzyClause,
  type MatchClause,
  type PhraseClause,
  type PrefixClause,
  type QueryStringClause,
  type RangeClause,
  type RegexpClause,
  type Scalar,
  type SubnetClause,
  type TermsClause,
  type WildcardClause,
  isoformat,
} from '@alertkit/core';
import { compileRegexp, compileWildcard } from './automaton/index.js';
import { parseCidr } from './cidr.js';

// The matchers of alert criteria, one per MozDef query model (semantics §1), each validating its
// input: a bad field, value or CIDR is an `AlertkitError('QUERY_INVALID')` that names it. The
// validation helpers are shared with the builder (builder.ts); the package index does not export them.

/** Throws `QUERY_INVALID` with the message. */
export function fail(message: string, details?: Record<string, unknown>): never {
  throw new AlertkitError('QUERY_INVALID', message, details ? { details } : undefined);
}

/** The field as a dotted path, or `QUERY_INVALID` naming the matcher. */
export function requireField(matcher: string, field: unknown): string {
  if (
    typeof field !== 'string' ||
    field === '' ||
    field.startsWith('.') ||
    field.endsWith('.') ||
    field.includes('..')
  ) {
    fail(
      `${matcher}: field must be a dotted path such as "details.sourceipaddress", got ${JSON.stringify(field)}`,
      { matcher, field },
    );
  }
  return field;
}

/** A string, finite number or boolean, or `QUERY_INVALID` naming the matcher and the value. */
export function requireScalar(matcher: string, what: string, value: unknown): Scalar {
  if (typeof value === 'string' || typeof value === 'boolean') return value;
  if (typeof value === 'number' && Number.isFinite(value)) return value;
  return fail(
    `${matcher}: ${what} must be a string, a finite number or a boolean, got ${describeValue(value)}`,
    { matcher },
  );
}

/** A (non-empty) string, or `QUERY_INVALID`. */
export function requireString(
  matcher: string,
  what: string,
  value: unknown,
  { nonEmpty = false } = {},
): string {
  if (typeof value !== 'string' || (nonEmpty && value === '')) {
    fail(
      `${matcher}: ${what} must be a ${nonEmpty ? 'non-empty ' : ''}string, got ${describeValue(value)}`,
      { matcher },
    );
  }
  return value;
}

/** An integer `>= min`, or `QUERY_INVALID` naming the setting. */
export function requireCount(where: string, value: unknown, { min }: { min: number }): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min) {
    fail(
      `${where} must be ${min === 0 ? 'a non-negative' : 'a positive'} integer, got ${describeValue(value)}`,
    );
  }
  return value;
}

/** A value as an error message shows it. */
export function describeValue(value: unknown): string {
  if (value === undefined) return 'undefined';
  if (typeof value === 'number' || typeof value === 'bigint') return String(value);
  return JSON.stringify(value) ?? typeof value;
}

/** A range bound: a scalar, or a `Date`, written as MozDef writes datetimes (Python `isoformat()`). */
export type RangeValue = Scalar | Date;

function rangeValue(matcher: string, what: string, value: unknown): Scalar {
  if (value instanceof Date) {
    if (Number.isNaN(value.getTime())) fail(`${matcher}: ${what} is an invalid Date`, { matcher });
    return isoformat(value);
  }
  return requireScalar(matcher, what, value);
}

const CLAUSE_TYPES: ReadonlySet<string> = new Set<Clause['type']>([
  'match',
  'term',
  'terms',
  'phrase',
  'wildcard',
  'prefix',
  'regexp',
  'fuzzy',
  'exists',
  'range',
  'queryString',
  'subnet',
  'bool',
  'matchAll',
  'matchNone',
]);

/** Checks that each argument is a query clause (plain JS callers can pass anything). */
export function requireClauses(where: string, clauses: readonly unknown[]): Clause[] {
  clauses.forEach((clause, i) => {
    const type: unknown =
      clause !== null && typeof clause === 'object'
        ? (clause as { type?: unknown }).type
        : undefined;
    if (typeof type !== 'string' || !CLAUSE_TYPES.has(type)) {
      fail(
        `${where}: argument ${String(i + 1)} is not a query clause (build one with match(), phrase(), ...), got ${describeValue(clause)}`,
      );
    }
  });
  return clauses as Clause[];
}

/** Options of Elasticsearch's `match` query (all optional; MozDef's `TermMatch` uses none). */
export interface MatchOptions {
  /** How the analysed tokens of the value combine (default `or`: any token). */
  operator?: 'or' | 'and';
  /** How many tokens must match (`2`, `"75%"`). */
  minimumShouldMatch?: number | string;
  /** What a value that analyses to no tokens matches (default `none`). */
  zeroTermsQuery?: 'none' | 'all';
  /** Ignore a value the field's type cannot parse instead of failing the search. */
  lenient?: boolean;
}

/**
 * MozDef's `TermMatch`: Elasticsearch `match`. On a text field (`summary`) the value is analysed
 * and ANY of its tokens matches (unless `operator: 'and'`); on keyword fields it is one exact,
 * case-sensitive value; on ip fields it may be a CIDR.
 */
export function match(field: string, value: Scalar, options: MatchOptions = {}): MatchClause {
  const clause: MatchClause = {
    type: 'match',
    field: requireField('match', field),
    value: requireScalar('match', 'the value', value),
  };
  const { operator, minimumShouldMatch, zeroTermsQuery, lenient } = options;
  if (operator !== undefined) {
    if (operator !== 'or' && operator !== 'and')
      fail(`match: operator must be "or" or "and", got ${describeValue(operator)}`);
    clause.operator = operator;
  }
  if (minimumShouldMatch !== undefined) {
    if (
      !(typeof minimumShouldMatch === 'number' && Number.isInteger(minimumShouldMatch)) &&
      !(typeof minimumShouldMatch === 'string' && /^-?\d+%?$/.test(minimumShouldMatch))
    ) {
      fail(
        `match: minimumShouldMatch must be an integer or a percentage such as "75%", got ${describeValue(minimumShouldMatch)}`,
      );
    }
    clause.minimumShouldMatch = minimumShouldMatch;
  }
  if (zeroTermsQuery !== undefined) {
    if (zeroTermsQuery !== 'none' && zeroTermsQuery !== 'all')
      fail(`match: zeroTermsQuery must be "none" or "all", got ${describeValue(zeroTermsQuery)}`);
    clause.zeroTermsQuery = zeroTermsQuery;
  }
  if (lenient !== undefined) {
    if (typeof lenient !== 'boolean')
      fail(`match: lenient must be a boolean, got ${describeValue(lenient)}`);
    clause.lenient = lenient;
  }
  return clause;
}

/** MozDef's `TermsMatch`: any of the exact, unanalysed values (on `summary`: an indexed, lower-cased token). */
export function terms(field: string, values: readonly Scalar[]): TermsClause {
  requireField('terms', field);
  if (!Array.isArray(values) || values.length === 0)
    fail(`terms: values for "${field}" must be a non-empty list, got ${describeValue(values)}`);
  return {
    type: 'terms',
    field,
    values: values.map((v, i) => requireScalar('terms', `value ${String(i + 1)}`, v)),
  };
}

/** MozDef's `PhraseMatch`: Elasticsearch `match_phrase` (tokens adjacent and in order; on keywords the exact value). */
export function phrase(
  field: string,
  value: string,
  options: { slop?: number } = {},
): PhraseClause {
  const clause: PhraseClause = {
    type: 'phrase',
    field: requireField('phrase', field),
    value: requireString('phrase', 'the value', value),
  };
  if (options.slop !== undefined)
    clause.slop = requireCount('phrase: slop', options.slop, { min: 0 });
  return clause;
}

/** Options of the pattern matchers (`wildcard`, `prefix`, `regexp`). */
export interface PatternOptions {
  /** Elasticsearch's `case_insensitive`: ASCII letters match either case. Default false. */
  caseInsensitive?: boolean;
}

function caseOption(matcher: string, options: PatternOptions): { caseInsensitive?: true } {
  const value = options.caseInsensitive;
  if (value === undefined || value === false) return {};
  if (value !== true)
    fail(`${matcher}: caseInsensitive must be a boolean, got ${describeValue(value)}`);
  return { caseInsensitive: true };
}

/** A pattern the automaton compiler refuses, as this matcher's error. */
function checkPattern(matcher: string, compile: () => unknown): void {
  try {
    compile();
  } catch (error) {
    if (error instanceof AlertkitError) fail(`${matcher}: ${error.message}`, error.details);
    throw error;
  }
}

/**
 * MozDef's `WildcardMatch`: `*` any run of characters, `?` one, against indexed terms, the pattern
 * as given (Elasticsearch 8: on a text field, whose terms are lower case, write it in lower case
 * or pass `caseInsensitive`).
 * @throws AlertkitError `QUERY_INVALID` for a pattern whose automaton exceeds 10,000 states.
 */
export function wildcard(
  field: string,
  pattern: string,
  options: PatternOptions = {},
): WildcardClause {
  const clause: WildcardClause = {
    type: 'wildcard',
    field: requireField('wildcard', field),
    pattern: requireString('wildcard', 'the pattern', pattern, { nonEmpty: true }),
    ...caseOption('wildcard', options),
  };
  checkPattern('wildcard', () => compileWildcard(pattern, clause));
  return clause;
}

/** Elasticsearch `prefix`: an indexed term that starts with `value` (as given). */
export function prefix(field: string, value: string, options: PatternOptions = {}): PrefixClause {
  return {
    type: 'prefix',
    field: requireField('prefix', field),
    value: requireString('prefix', 'the prefix', value),
    ...caseOption('prefix', options),
  };
}

/**
 * Elasticsearch `regexp`: a Lucene regular expression that must match a WHOLE indexed term.
 * @throws AlertkitError `QUERY_INVALID` naming the pattern: a syntax error, longer than 1,000
 *   characters, or an automaton over 10,000 states (Elasticsearch's limits).
 */
export function regexp(field: string, pattern: string, options: PatternOptions = {}): RegexpClause {
  const clause: RegexpClause = {
    type: 'regexp',
    field: requireField('regexp', field),
    pattern: requireString('regexp', 'the pattern', pattern, { nonEmpty: true }),
    ...caseOption('regexp', options),
  };
  checkPattern('regexp', () => compileRegexp(pattern, clause));
  return clause;
}

/**
 * Elasticsearch `fuzzy`: indexed terms within `fuzziness` edits of `value` (as given), an adjacent
 * swap counting as one edit; default `AUTO` (0 edits for 1-2 characters, 1 for 3-5, 2 above).
 */
export function fuzzy(
  field: string,
  value: string,
  options: { fuzziness?: 0 | 1 | 2 | 'AUTO' } = {},
): FuzzyClause {
  const clause: FuzzyClause = {
    type: 'fuzzy',
    field: requireField('fuzzy', field),
    value: requireString('fuzzy', 'the value', value, { nonEmpty: true }),
  };
  const { fuzziness } = options;
  if (fuzziness !== undefined) {
    if (fuzziness !== 0 && fuzziness !== 1 && fuzziness !== 2 && fuzziness !== 'AUTO')
      fail(`fuzzy: fuzziness must be 0, 1, 2 or "AUTO", got ${describeValue(fuzziness)}`);
    clause.fuzziness = fuzziness;
  }
  return clause;
}

/** MozDef's `ExistsMatch`: the field has at least one non-null value (`""` counts, `null` and `[]` do not). */
export function exists(field: string): ExistsClause {
  return { type: 'exists', field: requireField('exists', field) };
}

/** Any combination of range bounds (at most one lower and one upper). */
export interface RangeBounds {
  gte?: RangeValue;
  gt?: RangeValue;
  lte?: RangeValue;
  lt?: RangeValue;
}

/**
 * MozDef's `RangeMatch`: `from <= field <= to` (both ends included). The second form takes any
 * bounds: `range('utctimestamp', { gt: a, lt: b })`. Dates are written as Python's `isoformat()`.
 */
export function range(field: string, from: RangeValue, to: RangeValue): RangeClause;
export function range(field: string, bounds: RangeBounds): RangeClause;
export function range(
  field: string,
  fromOrBounds: RangeValue | RangeBounds,
  to?: RangeValue,
): RangeClause {
  requireField('range', field);
  if (
    fromOrBounds !== null &&
    typeof fromOrBounds === 'object' &&
    !(fromOrBounds instanceof Date)
  ) {
    const bounds = fromOrBounds;
    const clause: RangeClause = { type: 'range', field };
    for (const key of Object.keys(bounds)) {
      if (!['gte', 'gt', 'lte', 'lt'].includes(key))
        fail(`range: unknown bound "${key}" for "${field}" (use gte, gt, lte, lt)`);
    }
    if (bounds.gte !== undefined && bounds.gt !== undefined)
      fail(`range: "${field}" has both gte and gt`);
    if (bounds.lte !== undefined && bounds.lt !== undefined)
      fail(`range: "${field}" has both lte and lt`);
    for (const key of ['gte', 'gt', 'lte', 'lt'] as const) {
      if (bounds[key] !== undefined) clause[key] = rangeValue('range', key, bounds[key]);
    }
    if (Object.keys(clause).length === 2) fail(`range: "${field}" needs at least one bound`);
    return clause;
  }
  return {
    type: 'range',
    field,
    gte: rangeValue('range', 'from', fromOrBounds),
    lte: rangeValue('range', 'to', to),
  };
}

/** MozDef's `LessThanMatch`: `field < to` (strict). */
export function lessThan(field: string, to: RangeValue): RangeClause {
  return {
    type: 'range',
    field: requireField('lessThan', field),
    lt: rangeValue('lessThan', 'the bound', to),
  };
}

/** Options of Elasticsearch's `query_string` (MozDef's `QueryStringMatch` uses none). */
export interface QueryStringOptions {
  /** Field for terms without a field (default: every field, leniently). */
  defaultField?: string;
  defaultOperator?: 'OR' | 'AND';
  analyzeWildcard?: boolean;
}

/**
 * MozDef's `QueryStringMatch`: Lucene syntax, written by the alert author and kept raw (never
 * escaped). As in Elasticsearch, an empty or blank query matches nothing.
 */
export function queryString(query: string, options: QueryStringOptions = {}): QueryStringClause {
  if (typeof query !== 'string') {
    fail(`queryString: the query must be a string, got ${describeValue(query)}`);
  }
  const clause: QueryStringClause = { type: 'queryString', query };
  if (options.defaultField !== undefined)
    clause.defaultField =
      options.defaultField === '*'
        ? '*'
        : requireField('queryString defaultField', options.defaultField);
  if (options.defaultOperator !== undefined) {
    if (options.defaultOperator !== 'OR' && options.defaultOperator !== 'AND')
      fail(
        `queryString: defaultOperator must be "OR" or "AND", got ${describeValue(options.defaultOperator)}`,
      );
    clause.defaultOperator = options.defaultOperator;
  }
  if (options.analyzeWildcard !== undefined) {
    if (typeof options.analyzeWildcard !== 'boolean')
      fail('queryString: analyzeWildcard must be a boolean');
    clause.analyzeWildcard = options.analyzeWildcard;
  }
  return clause;
}

/**
 * MozDef's `SubnetMatch`: the field's IP address lies in the CIDR block (IPv4 or IPv6). Like
 * Python's strict `ipaddress` networks, a block with host bits set (`10.0.0.1/8`) is an error.
 */
export function subnet(field: string, cidr: string): SubnetClause {
  requireField('subnet', field);
  parseCidr(cidr, `subnet on "${field}"`);
  return { type: 'subnet', field, cidr };
}
