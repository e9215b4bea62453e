import type { Duration } from './duration.js';

/**
 * The query AST: plain, serialisable data. `packages/query` builds it (the fluent builder,
 * `fromElasticsearch`, the query_string parser) and translates it (`toElasticsearch`, the
 * embedded engine). Field paths are dotted (`details.sourceipaddress`); the field `*` means
 * "every field" (what a query_string term without a field searches).
 */
export type Clause =
  | MatchClause
  | TermClause
  | TermsClause
  | PhraseClause
  | WildcardClause
  | PrefixClause
  | RegexpClause
  | FuzzyClause
  | ExistsClause
  | RangeClause
  | QueryStringClause
  | SubnetClause
  | BoolClause
  | MatchAllClause
  | MatchNoneClause;

/** A scalar value a matcher compares with. */
export type Scalar = string | number | boolean;

/** Elasticsearch `match` (MozDef's `TermMatch`): analysed on text fields, exact elsewhere. */
export interface MatchClause {
  type: 'match';
  field: string;
  value: Scalar;
  /** How the analysed tokens combine (default `or`). */
  operator?: 'or' | 'and';
  /** Elasticsearch's `minimum_should_match` for the tokens (`2`, `"75%"`). */
  minimumShouldMatch?: number | string;
  /** What a value that analyses to no tokens matches (default `none`). */
  zeroTermsQuery?: 'none' | 'all';
  /** Ignore values the field's type cannot parse instead of failing the query. */
  lenient?: boolean;
}

/** Elasticsearch `term`: one exact, unanalysed term. */
export interface TermClause {
  type: 'term';
  field: string;
  value: Scalar;
}

/** Elasticsearch `terms` (MozDef's `TermsMatch`): any of the exact terms. */
export interface TermsClause {
  type: 'terms';
  field: string;
  values: Scalar[];
}

/** Elasticsearch `match_phrase` (MozDef's `PhraseMatch`). */
export interface PhraseClause {
  type: 'phrase';
  field: string;
  value: string;
  slop?: number;
}

/**
 * Elasticsearch `wildcard` (`*` any run, `?` one character), against indexed terms. Like
 * Elasticsearch 8, the pattern is used as given (a text field's terms are lower case, so an
 * upper-case pattern only matches there with `caseInsensitive`).
 */
export interface WildcardClause {
  type: 'wildcard';
  field: string;
  pattern: string;
  /** Elasticsearch's `case_insensitive`: ASCII letters match either case. */
  caseInsensitive?: boolean;
}

/** Elasticsearch `prefix`, against indexed terms (the value as given, as in Elasticsearch 8). */
export interface PrefixClause {
  type: 'prefix';
  field: string;
  value: string;
  /** Elasticsearch's `case_insensitive`: ASCII letters match either case. */
  caseInsensitive?: boolean;
}

/** Elasticsearch `regexp` (Lucene regular expression, anchored), against indexed terms. */
export interface RegexpClause {
  type: 'regexp';
  field: string;
  pattern: string;
  /** Elasticsearch's `case_insensitive`: ASCII letters match either case. */
  caseInsensitive?: boolean;
}

/**
 * Elasticsearch `fuzzy` (query_string `term~`, `term~N`): terms within `fuzziness` edits
 * (Damerau-Levenshtein, an adjacent swap is one edit), Elasticsearch's defaults otherwise
 * (prefix length 0, at most 50 expansions).
 */
export interface FuzzyClause {
  type: 'fuzzy';
  field: string;
  value: string;
  /** Edits allowed: 0, 1, 2, or `AUTO` (default: 0 for 1-2 characters, 1 for 3-5, 2 above). */
  fuzziness?: 0 | 1 | 2 | 'AUTO';
}

/** Elasticsearch `exists` (MozDef's `ExistsMatch`). */
export interface ExistsClause {
  type: 'exists';
  field: string;
}

/**
 * Elasticsearch `range` (MozDef's `RangeMatch` is `gte`+`lte`, `LessThanMatch` is `lt`).
 * Dates are ISO-8601 strings.
 */
export interface RangeClause {
  type: 'range';
  field: string;
  gte?: Scalar;
  gt?: Scalar;
  lte?: Scalar;
  lt?: Scalar;
}

/** Elasticsearch `query_string` (MozDef's `QueryStringMatch`): Lucene syntax, kept raw. */
export interface QueryStringClause {
  type: 'queryString';
  query: string;
  defaultField?: string;
  defaultOperator?: 'OR' | 'AND';
  analyzeWildcard?: boolean;
}

/** MozDef's `SubnetMatch`: the field's IP lies in the CIDR (IPv4 or IPv6). */
export interface SubnetClause {
  type: 'subnet';
  field: string;
  cidr: string;
}

/**
 * Boolean composition. Like Elasticsearch 7: `should` beside `must`/`filter` is optional unless
 * `minimumShouldMatch` says otherwise; a bool of only `should` needs one of them.
 */
export interface BoolClause {
  type: 'bool';
  must?: Clause[];
  filter?: Clause[];
  mustNot?: Clause[];
  should?: Clause[];
  minimumShouldMatch?: number;
}

/** Matches every event. */
export interface MatchAllClause {
  type: 'matchAll';
}

/** Matches no event. */
export interface MatchNoneClause {
  type: 'matchNone';
}

/** How matches are grouped for "N of these things" alerts. */
export interface AggregationSpec {
  /** Dotted path of the field to group by. */
  field: string;
  /** Minimum number of events in a group for it to count (`>=`, as MozDef). */
  threshold: number;
  /** How many events of a group the alert carries (all of them are tagged). Default 5. */
  samples: number;
}

/**
 * An alert's criteria: which events it looks at. The query is matched against events whose
 * `utctimestamp` OR `receivedtimestamp` lies in `[now - window, now]` (both edges included).
 */
export interface Criteria {
  query: BoolClause;
  /** The time window; absent = no time restriction. */
  window?: Duration;
  /** Present for aggregation alerts. */
  aggregation?: AggregationSpec;
}
