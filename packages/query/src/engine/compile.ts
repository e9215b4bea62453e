import { AlertkitError, type BoolClause, type Clause, type RangeClause } from '@alertkit/core';
import { parseCidr } from '../cidr.js';
import { type QueryStringOptions, parseQueryString } from '../queryString/index.js';
import { type Column, NumericColumn, TermColumn, isNumericType } from './columns.js';
import type { EventIndex } from './eventIndex.js';
import { compileRegexp, compileWildcard, fuzzyEdits } from '../automaton/index.js';
import { checkQueryBounds } from '../queryBounds.js';
import {
  UnparsableValue,
  automatonQuery,
  fuzzyQuery,
  matchQuery,
  minimumShouldMatch,
  normalizeText,
  normalizeWildcardPattern,
  phraseQuery,
  prefixQuery,
  rangeQuery,
  termQuery,
} from './fieldQueries.js';
import {
  type DocFilter,
  MATCH_ALL,
  MATCH_NONE,
  type Predicate,
  filterDocs,
  hasAnyValue,
  hasTermWhere,
  memoTermTest,
  hasTermIn,
  withFilter,
} from './predicates.js';
import { keywordText, parseIp } from './values.js';
import { javaLowerCase } from '../analysis/javaLowerCase.js';

/** How a clause is read: as Elasticsearch's DSL (the default) or as part of a query string. */
export interface CompileContext {
  /**
   * The clause stands for part of a query_string: wildcard, prefix, fuzzy and range terms are
   * normalised on text fields (lower-cased), as Elasticsearch's QueryStringQueryParser does;
   * regexps never are (the field type receives them as written).
   */
  fromQueryString?: boolean;
  /** A value a typed field cannot parse matches nothing there (instead of an error). */
  lenient?: boolean;
}

/**
 * Compiles a clause tree, once, into a {@link Predicate} over the documents of an index: every
 * field is resolved, every value parsed and analysed, every pattern turned into an automaton
 * here, so evaluating an event is a chain of closure calls over typed arrays. The predicate is
 * valid for the index as it is now (compile again after ingesting).
 *
 * @throws AlertkitError `QUERY_INVALID` for a query Elasticsearch refuses: nested deeper than
 *   its bool depth limit or with more clauses than its clause limit (checked first, so no
 *   input overflows the stack), an invalid or too complex pattern, a value a field cannot parse.
 */
export function compileClause(
  index: EventIndex,
  clause: Clause,
  context: CompileContext = {},
): Predicate {
  checkQueryBounds(clause, { depth: context.fromQueryString !== true });
  const compiler = new Compiler(index);
  if (context.fromQueryString === true)
    return compiler.compileQueryStringPart(clause, context.lenient === true);
  return compiler.compile(clause, context.lenient === true);
}

/** Any of the predicates (constant ones folded away). */
export function anyOf(predicates: readonly Predicate[]): Predicate {
  if (predicates.includes(MATCH_ALL)) return MATCH_ALL;
  const live = predicates.filter((p) => p !== MATCH_NONE);
  const [a, b, c] = live;
  if (live.length === 0 || !a) return MATCH_NONE;
  if (live.length === 1) return a;
  if (live.length === 2 && b) return (doc) => a(doc) || b(doc);
  if (live.length === 3 && b && c) return (doc) => a(doc) || b(doc) || c(doc);
  return (doc) => {
    for (const p of live) if (p(doc)) return true;
    return false;
  };
}

/** All of the predicates (constant ones folded away). */
export function allOf(predicates: readonly Predicate[]): Predicate {
  if (predicates.includes(MATCH_NONE)) return MATCH_NONE;
  const live = predicates.filter((p) => p !== MATCH_ALL);
  const [a, b, c] = live;
  if (live.length === 0 || !a) return MATCH_ALL;
  if (live.length === 1) return a;
  // Batch: each clause narrows the candidates the previous one left.
  const filter: DocFilter = (docs, count) => {
    let kept = count;
    for (const p of live) {
      kept = filterDocs(p, docs, kept);
      if (kept === 0) break;
    }
    return kept;
  };
  if (live.length === 2 && b) return withFilter((doc) => a(doc) && b(doc), filter);
  if (live.length === 3 && b && c) return withFilter((doc) => a(doc) && b(doc) && c(doc), filter);
  return withFilter((doc) => {
    for (const p of live) if (!p(doc)) return false;
    return true;
  }, filter);
}

/** Not the predicate. */
export function negate(predicate: Predicate): Predicate {
  if (predicate === MATCH_ALL) return MATCH_NONE;
  if (predicate === MATCH_NONE) return MATCH_ALL;
  const test = (doc: number): boolean => !predicate(doc);
  const inner = predicate.filter;
  if (!inner) {
    // A loop of its own: the shared one (filterDocs) calls through every kind of predicate,
    // which V8 cannot inline.
    return withFilter(test, (docs, count) => {
      let kept = 0;
      for (let i = 0; i < count; i++) {
        const doc = docs[i] as number;
        if (!predicate(doc)) docs[kept++] = doc;
      }
      return kept;
    });
  }
  // Batch: run the inner filter on a copy, keep the candidates it did not keep (both ascending).
  // The copy costs less than a call per candidate: filters scan their columns inline.
  return withFilter(test, (docs, count) => {
    const matched = docs.slice(0, count);
    const hits = inner(matched, count);
    let kept = 0;
    let j = 0;
    for (let i = 0; i < count; i++) {
      const doc = docs[i] as number;
      if (j < hits && matched[j] === doc) j++;
      else docs[kept++] = doc;
    }
    return kept;
  });
}

function atLeast(predicates: readonly Predicate[], required: number): Predicate {
  if (required <= 0) return MATCH_ALL;
  if (required === 1) return anyOf(predicates);
  if (required === predicates.length) return allOf(predicates);
  if (required > predicates.length) return MATCH_NONE;
  return (doc) => {
    let count = 0;
    for (const p of predicates) if (p(doc) && ++count >= required) return true;
    return false;
  };
}

/** A range with its string bounds lower-cased (query_string terms on a text field). */
function lowerCaseStringBounds(clause: RangeClause): RangeClause {
  const lower = (v: RangeClause['gte']): RangeClause['gte'] =>
    typeof v === 'string' ? javaLowerCase(v) : v;
  return {
    ...clause,
    gte: lower(clause.gte),
    gt: lower(clause.gt),
    lte: lower(clause.lte),
    lt: lower(clause.lt),
  };
}

function describe(clause: Clause): string {
  return JSON.stringify(clause).slice(0, 200);
}

class Compiler {
  readonly #index: EventIndex;
  /**
   * > 0 while compiling what a query_string stands for: Elasticsearch's query_string normalises
   * wildcard, prefix, fuzzy and range terms with the field's normaliser (lower-case on text
   * fields), while the DSL queries take them as written. Regexps are never normalised.
   */
  #inQueryString = 0;

  constructor(index: EventIndex) {
    this.#index = index;
  }

  /** A clause that came out of a query string (see {@link CompileContext}). */
  compileQueryStringPart(clause: Clause, lenient: boolean): Predicate {
    this.#inQueryString++;
    try {
      return this.compile(clause, lenient);
    } finally {
      this.#inQueryString--;
    }
  }

  compile(clause: Clause, lenient = false): Predicate {
    switch (clause.type) {
      case 'bool':
        return this.#bool(clause, lenient);
      case 'matchAll':
        return MATCH_ALL;
      case 'matchNone':
        return MATCH_NONE;
      case 'queryString': {
        const options: QueryStringOptions = {};
        if (clause.defaultField !== undefined) options.defaultField = clause.defaultField;
        if (clause.defaultOperator !== undefined) options.defaultOperator = clause.defaultOperator;
        const parsed = parseQueryString(clause.query, options);
        // The parser bounds its own nesting; what it builds still obeys the clause limit.
        checkQueryBounds(parsed, { depth: false });
        // Elasticsearch: with no default_field (or `*`) the whole query string is lenient.
        const allFields = clause.defaultField === undefined || clause.defaultField === '*';
        return this.compileQueryStringPart(parsed, lenient || allFields);
      }
      case 'exists':
        return this.#exists(clause.field);
      case 'match':
        return this.#perField(
          clause,
          clause.field,
          lenient || clause.lenient === true,
          (column) => {
            const options: Parameters<typeof matchQuery>[2] = {};
            if (clause.operator) options.operator = clause.operator;
            if (clause.minimumShouldMatch !== undefined)
              options.minimumShouldMatch = clause.minimumShouldMatch;
            if (clause.zeroTermsQuery) options.zeroTermsQuery = clause.zeroTermsQuery;
            return matchQuery(column, clause.value, options);
          },
        );
      case 'term':
        return this.#perField(clause, clause.field, lenient, (column) =>
          termQuery(column, clause.value),
        );
      case 'terms':
        return this.#perField(clause, clause.field, lenient, (column) =>
          this.#terms(column, clause.values),
        );
      case 'phrase':
        return this.#perField(clause, clause.field, lenient, (column) =>
          phraseQuery(column, clause.value, clause.slop ?? 0),
        );
      case 'wildcard': {
        const options = { caseInsensitive: clause.caseInsensitive === true };
        const asGiven =
          this.#inQueryString > 0 ? undefined : compileWildcard(clause.pattern, options);
        return this.#perField(clause, clause.field, lenient, (column) =>
          automatonQuery(
            column,
            asGiven ?? compileWildcard(normalizeWildcardPattern(column, clause.pattern), options),
            'wildcard',
          ),
        );
      }
      case 'prefix':
        return this.#perField(clause, clause.field, lenient, (column) =>
          prefixQuery(
            column,
            this.#inQueryString > 0 ? normalizeText(column, clause.value) : clause.value,
            clause.caseInsensitive === true,
          ),
        );
      case 'regexp': {
        // Compiled before the fields are resolved: an invalid or too complex pattern is an error
        // even where no field would take it (and in a lenient query string).
        const automaton = compileRegexp(clause.pattern, {
          caseInsensitive: clause.caseInsensitive === true,
        });
        return this.#perField(clause, clause.field, lenient, (column) =>
          automatonQuery(column, automaton, 'regexp'),
        );
      }
      case 'fuzzy':
        return this.#perField(clause, clause.field, lenient, (column) => {
          const value =
            this.#inQueryString > 0 ? normalizeText(column, clause.value) : clause.value;
          const edits =
            clause.fuzziness === undefined || clause.fuzziness === 'AUTO'
              ? fuzzyEdits(clause.value)
              : clause.fuzziness;
          return fuzzyQuery(column, value, edits);
        });
      case 'range': {
        const lowered = this.#inQueryString > 0 ? lowerCaseStringBounds(clause) : clause;
        return this.#perField(clause, clause.field, lenient, (column) =>
          rangeQuery(column, column.type === 'text' ? lowered : clause),
        );
      }
      case 'subnet': {
        // MozDef's SubnetMatch is the range [first TO last] of the network: on an ip field that is
        // "the address lies in the CIDR"; on another field it is that range of its type.
        const block = parseCidr(clause.cidr, 'subnet');
        return this.#perField(clause, clause.field, lenient, (column) =>
          rangeQuery(column, { gte: block.first, lte: block.last }),
        );
      }
    }
  }

  #bool(clause: BoolClause, lenient: boolean): Predicate {
    const required = [...(clause.must ?? []), ...(clause.filter ?? [])].map((c) =>
      this.compile(c, lenient),
    );
    const excluded = (clause.mustNot ?? []).map((c) => this.compile(c, lenient));
    const optional = (clause.should ?? []).map((c) => this.compile(c, lenient));
    const parts = [...required];
    if (optional.length > 0) {
      // Elasticsearch 7: beside must/filter a should is optional unless minimum_should_match
      // says otherwise; with no must/filter at least one should must match.
      let needed =
        clause.minimumShouldMatch === undefined
          ? required.length > 0
            ? 0
            : 1
          : minimumShouldMatch(optional.length, clause.minimumShouldMatch);
      if (required.length === 0) needed = Math.max(1, needed);
      parts.push(atLeast(optional, needed));
    }
    parts.push(...excluded.map(negate));
    // A bool with only must_not matches everything else (Elasticsearch adds match_all).
    return allOf(parts);
  }

  /** The mapped leaf fields a clause's field names (`*` and patterns expand, leniently). */
  #fieldsOf(field: string): { paths: readonly string[]; lenient: boolean } {
    const mapping = this.#index.mapping;
    if (field === '*') return { paths: mapping.leafFields(), lenient: true };
    if (field.includes('*')) {
      const pattern = new RegExp(
        `^${field.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*')}$`,
        's',
      );
      return { paths: mapping.leafFields().filter((path) => pattern.test(path)), lenient: true };
    }
    const mapped = mapping.get(field);
    return { paths: mapped && mapped.type !== 'object' ? [field] : [], lenient: false };
  }

  #column(path: string): { column: Column; indexed: boolean } {
    const column = this.#index.column(path);
    if (column) return { column, indexed: true };
    // A mapped field no event has filled yet: check the query against its type, match nothing.
    const type = this.#index.mapping.get(path)?.type ?? 'keyword';
    return {
      column: isNumericType(type) ? new NumericColumn(type) : new TermColumn(type),
      indexed: false,
    };
  }

  #perField(
    clause: Clause,
    field: string,
    lenient: boolean,
    build: (column: Column) => Predicate,
  ): Predicate {
    const { paths, lenient: expanded } = this.#fieldsOf(field);
    const predicates: Predicate[] = [];
    for (const path of paths) {
      const { column, indexed } = this.#column(path);
      try {
        const predicate = build(column);
        predicates.push(indexed ? predicate : MATCH_NONE);
      } catch (error) {
        if (!(error instanceof UnparsableValue)) throw error;
        if (lenient || expanded) continue;
        throw new AlertkitError(
          'QUERY_INVALID',
          `${clause.type} on field "${path}": ${error.message} (in ${describe(clause)})`,
          {
            details: { field: path, clause },
            cause: error,
          },
        );
      }
    }
    return anyOf(predicates);
  }

  #terms(column: Column, values: readonly (string | number | boolean)[]): Predicate {
    if (column instanceof TermColumn && (column.type === 'keyword' || column.type === 'text')) {
      return hasTermIn(
        column,
        values.map((v) => column.idOf(keywordText(v))),
      );
    }
    if (column instanceof TermColumn && column.type === 'ip' && values.every((v) => parseIp(v))) {
      const displays = new Set(values.map((v) => parseIp(v)?.display));
      return hasTermWhere(
        column,
        memoTermTest(column, (term) => displays.has(term)),
      );
    }
    return anyOf(values.map((v) => termQuery(column, v)));
  }

  #exists(field: string): Predicate {
    const mapping = this.#index.mapping;
    let paths: readonly string[];
    if (field === '*' || field.includes('*')) paths = this.#fieldsOf(field).paths;
    else if (mapping.get(field)?.type === 'object') paths = mapping.leavesUnder(field);
    else paths = mapping.get(field) ? [field] : [];
    const predicates: Predicate[] = [];
    for (const path of paths) {
      const column = this.#index.column(path);
      if (column) predicates.push(hasAnyValue(column));
    }
    return anyOf(predicates);
  }
}
