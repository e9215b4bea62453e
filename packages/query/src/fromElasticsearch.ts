import type {
  BoolClause,
  Clause,
  MatchClause,
  QueryStringClause,
  RangeClause,
  Scalar,
} from '@alertkit/core';
import { cidrFromRange } from './cidr.js';
import {
  IGNORED,
  boolean,
  dslError,
  fieldLevel,
  isRecord,
  noOptions,
  oneOf,
  onlyDefault,
  scalar,
  show,
  string,
  type JsonRecord,
} from './dslReading.js';
import { luceneEscape } from './luceneEscape.js';
import {
  MAX_CLAUSE_COUNT,
  MAX_NESTED_DEPTH,
  checkQueryBounds,
  clauseCountMessage,
  nestedDepthMessage,
} from './queryBounds.js';

export { dslError } from './dslReading.js';

const MSM = /^-?\d+%?$/;

/**
 * Elasticsearch's `minimum_should_match` for `optional` should clauses (Queries.calculateMinShouldMatch):
 * `2`, `-1` (all but one), `"75%"` (rounded down), `"-25%"`. Never below 0; above the number
 * of should clauses it matches nothing, as in Elasticsearch 7+.
 */
function resolveMinimumShouldMatch(spec: unknown, optional: number, path: string): number {
  const text =
    typeof spec === 'number' && Number.isInteger(spec)
      ? String(spec)
      : typeof spec === 'string'
        ? spec.trim()
        : undefined;
  if (text === undefined || !MSM.test(text))
    throw dslError(path, `expected an integer or a percentage such as "75%", got ${show(spec)}`);
  let result: number;
  if (text.endsWith('%')) {
    const calc = Math.trunc((optional * Number(text.slice(0, -1))) / 100);
    result = calc < 0 ? optional + calc : calc;
  } else {
    const calc = Number(text);
    result = calc < 0 ? optional + calc : calc;
  }
  return Math.max(result, 0);
}

function clauseList(value: unknown, path: string, depth: number): Clause[] {
  if (Array.isArray(value)) {
    if (value.length > MAX_CLAUSE_COUNT) throw dslError(path, clauseCountMessage());
    return value.map((item, i) => readClause(item, `${path}[${String(i)}]`, depth));
  }
  return [readClause(value, path, depth)];
}

function readBool(body: unknown, path: string, depth: number): BoolClause {
  const b = noOptions(body, path, [
    'must',
    'filter',
    'should',
    'must_not',
    'minimum_should_match',
    'adjust_pure_negative',
  ]);
  const out: BoolClause = { type: 'bool' };
  const lists = [
    ['must', 'must'],
    ['filter', 'filter'],
    ['must_not', 'mustNot'],
    ['should', 'should'],
  ] as const;
  for (const [key, name] of lists) {
    if (b[key] === undefined) continue;
    const clauses = clauseList(b[key], `${path}.${key}`, depth + 1);
    if (clauses.length > 0) out[name] = clauses;
  }
  if (b['adjust_pure_negative'] !== undefined)
    onlyDefault(b['adjust_pure_negative'], true, `${path}.adjust_pure_negative`);
  if (b['minimum_should_match'] !== undefined) {
    const msm = resolveMinimumShouldMatch(
      b['minimum_should_match'],
      out.should?.length ?? 0,
      `${path}.minimum_should_match`,
    );
    // 0 is what Elasticsearch 7 does anyway (a bool without must/filter still needs one should),
    // so it is left out: a BoolClause without minimumShouldMatch means "Elasticsearch 7 default".
    if (msm > 0) out.minimumShouldMatch = msm;
  }
  return out;
}

function readMatch(body: unknown, path: string): MatchClause {
  const { field, value, options, at } = fieldLevel(
    body,
    path,
    ['query'],
    ['operator', 'minimum_should_match', 'zero_terms_query', 'lenient'],
  );
  const clause: MatchClause = {
    type: 'match',
    field,
    value: scalar(value, isRecord((body as JsonRecord)[field]) ? `${at}.query` : at),
  };
  if (options['operator'] !== undefined)
    clause.operator = oneOf(options['operator'], ['or', 'and'] as const, `${at}.operator`);
  const msm = options['minimum_should_match'];
  if (msm !== undefined) {
    if (!(
      (typeof msm === 'number' && Number.isInteger(msm)) ||
      (typeof msm === 'string' && MSM.test(msm.trim()))
    )) {
      throw dslError(
        `${at}.minimum_should_match`,
        `expected an integer or a percentage such as "75%", got ${show(msm)}`,
      );
    }
    clause.minimumShouldMatch = typeof msm === 'string' ? msm.trim() : msm;
  }
  if (options['zero_terms_query'] !== undefined)
    clause.zeroTermsQuery = oneOf(
      options['zero_terms_query'],
      ['none', 'all'] as const,
      `${at}.zero_terms_query`,
    );
  if (options['lenient'] !== undefined)
    clause.lenient = boolean(options['lenient'], `${at}.lenient`);
  return clause;
}

/** Date math (`now-5m`, `2020-01-01||+1d`, `now/d`) depends on the server's clock: not supported. */
function rangeBound(value: unknown, path: string): Scalar {
  const bound = scalar(value, path);
  if (
    typeof bound === 'string' &&
    (/^now(?![a-z0-9])/i.test(bound.trim()) || bound.includes('||'))
  ) {
    throw dslError(path, `date math ${show(bound)} is not supported; use an ISO-8601 date`);
  }
  return bound;
}

/** `format` values whose dates are ISO-8601 (Elasticsearch's default `strict_date_optional_time||epoch_millis`). */
const ISO_FORMATS = new Set([
  'strict_date_optional_time',
  'date_optional_time',
  'strict_date_optional_time_nanos',
  'strict_date_time',
  'date_time',
  'strict_date_time_no_millis',
  'date_time_no_millis',
  'strict_date',
  'date',
  'epoch_millis',
]);

function readRange(body: unknown, path: string): RangeClause {
  if (!isRecord(body))
    throw dslError(path, `expected {"<field>": {"gte": ...}}, got ${show(body)}`);
  const fields = Object.keys(body).filter((k) => !IGNORED.has(k));
  if (fields.length !== 1)
    throw dslError(
      path,
      fields.length === 0
        ? 'names no field'
        : `names ${String(fields.length)} fields (${fields.join(', ')}); one clause takes one field`,
    );
  const field = fields[0] as string;
  const at = `${path}.${field}`;
  const bounds = noOptions(body[field], at, ['gte', 'gt', 'lte', 'lt', 'format']);
  const clause: RangeClause = { type: 'range', field };
  for (const key of ['gte', 'gt', 'lte', 'lt'] as const) {
    // A null bound is an open end, as in Elasticsearch.
    if (bounds[key] !== undefined && bounds[key] !== null)
      clause[key] = rangeBound(bounds[key], `${at}.${key}`);
  }
  if (clause.gte !== undefined && clause.gt !== undefined)
    throw dslError(at, 'has both gte and gt');
  if (clause.lte !== undefined && clause.lt !== undefined)
    throw dslError(at, 'has both lte and lt');
  if (Object.keys(clause).length === 2)
    throw dslError(at, 'needs at least one of gte, gt, lte, lt');
  if (bounds['format'] !== undefined) {
    const format = string(bounds['format'], `${at}.format`);
    const nonIso = format.split('||').find((f) => !ISO_FORMATS.has(f));
    if (nonIso !== undefined)
      throw dslError(
        `${at}.format`,
        `format "${nonIso}" is not supported; dates must be ISO-8601 (strict_date_optional_time)`,
      );
  }
  return clause;
}

/** MozDef's SubnetMatch text `<field>: [<first> TO <last>]` over one CIDR block reads back as a subnet clause. */
function subnetFromQueryString(clause: QueryStringClause): Clause {
  const m = /^((?:[^\s:\\]|\\.)+): \[(\S+) TO (\S+)\]$/.exec(clause.query);
  if (!m || Object.keys(clause).length !== 2) return clause;
  const field = (m[1] as string).replace(/\\(.)/g, '$1');
  const block = cidrFromRange(m[2] as string, m[3] as string);
  if (!block || luceneEscape(field) !== m[1]) return clause;
  return { type: 'subnet', field, cidr: `${block.network}/${String(block.prefixLength)}` };
}

function readQueryString(body: unknown, path: string): Clause {
  const b = noOptions(body, path, [
    'query',
    'default_field',
    'default_operator',
    'analyze_wildcard',
  ]);
  const clause: QueryStringClause = {
    type: 'queryString',
    query: string(b['query'], `${path}.query`),
  };
  // An empty or blank query string is valid in Elasticsearch and matches nothing.
  if (b['default_field'] !== undefined)
    clause.defaultField = string(b['default_field'], `${path}.default_field`);
  if (b['default_operator'] !== undefined)
    clause.defaultOperator = oneOf(
      b['default_operator'],
      ['OR', 'AND'] as const,
      `${path}.default_operator`,
    );
  if (b['analyze_wildcard'] !== undefined)
    clause.analyzeWildcard = boolean(b['analyze_wildcard'], `${path}.analyze_wildcard`);
  return subnetFromQueryString(clause);
}

/**
 * `term`, `wildcard`, `prefix`, `regexp`: one pattern or value. `case_insensitive` is read for
 * the patterns (Elasticsearch 7.10+); other options only at their defaults.
 */
function readTermLevel(
  kind: 'term' | 'wildcard' | 'prefix' | 'regexp',
  body: unknown,
  path: string,
): Clause {
  const valueKeys = kind === 'wildcard' ? ['value', 'wildcard'] : ['value'];
  const extra =
    kind === 'regexp'
      ? ['case_insensitive', 'flags', 'max_determinized_states']
      : ['case_insensitive'];
  const { field, value, options, at } = fieldLevel(body, path, valueKeys, extra);
  let caseInsensitive = false;
  if (options['case_insensitive'] !== undefined) {
    if (kind === 'term') onlyDefault(options['case_insensitive'], false, `${at}.case_insensitive`);
    else caseInsensitive = boolean(options['case_insensitive'], `${at}.case_insensitive`);
  }
  if (options['flags'] !== undefined) onlyDefault(options['flags'], 'ALL', `${at}.flags`);
  // max_determinized_states only bounds the regex compiler's work; alertkit's bound is
  // Elasticsearch's default (10,000 states).
  const where = isRecord((body as JsonRecord)[field]) ? `${at}.value` : at;
  if (kind === 'term') return { type: 'term', field, value: scalar(value, where) };
  const text = string(value, where);
  const flag = caseInsensitive ? { caseInsensitive: true } : {};
  if (kind === 'prefix') return { type: 'prefix', field, value: text, ...flag };
  return kind === 'wildcard'
    ? { type: 'wildcard', field, pattern: text, ...flag }
    : { type: 'regexp', field, pattern: text, ...flag };
}

/** `fuzzy`: Elasticsearch's defaults only (prefix_length 0, max_expansions 50, transpositions). */
function readFuzzy(body: unknown, path: string): Clause {
  const { field, value, options, at } = fieldLevel(
    body,
    path,
    ['value'],
    ['fuzziness', 'prefix_length', 'max_expansions', 'transpositions', 'rewrite'],
  );
  const where = isRecord((body as JsonRecord)[field]) ? `${at}.value` : at;
  const clause: Clause = { type: 'fuzzy', field, value: String(scalar(value, where)) };
  const fuzziness = options['fuzziness'];
  if (fuzziness !== undefined) {
    const text =
      typeof fuzziness === 'string' || typeof fuzziness === 'number'
        ? String(fuzziness).toUpperCase()
        : '';
    if (text === 'AUTO') clause.fuzziness = 'AUTO';
    else if (text === '0' || text === '1' || text === '2')
      clause.fuzziness = Number(text) as 0 | 1 | 2;
    else throw dslError(`${at}.fuzziness`, `expected 0, 1, 2 or "AUTO", got ${show(fuzziness)}`);
  }
  if (options['prefix_length'] !== undefined)
    onlyDefault(options['prefix_length'], 0, `${at}.prefix_length`);
  if (options['max_expansions'] !== undefined)
    onlyDefault(options['max_expansions'], 50, `${at}.max_expansions`);
  if (options['transpositions'] !== undefined)
    onlyDefault(options['transpositions'], true, `${at}.transpositions`);
  if (options['rewrite'] !== undefined) string(options['rewrite'], `${at}.rewrite`);
  return clause;
}

/**
 * Reads one Elasticsearch query clause (what sits under `"query"` in a `_search` body) into the
 * query AST, with Elasticsearch 7 meaning: a `should` beside `must`/`filter` is optional unless
 * `minimum_should_match` says otherwise (the resulting BoolClause then has no
 * `minimumShouldMatch`).
 *
 * Supported: `bool` (`must`, `filter`, `should`, `must_not`, `minimum_should_match`), `match`
 * (`operator`, `minimum_should_match`, `zero_terms_query`, `lenient`), `match_phrase` (`slop`),
 * `term`, `terms`, `wildcard`, `prefix`, `regexp` (with `case_insensitive`), `fuzzy`, `exists`, `range` (`gte`, `gt`, `lte`, `lt`,
 * ISO dates), `query_string` (`query`, `default_field`, `default_operator`, `analyze_wildcard`),
 * `match_all`, `match_none`; field-level clauses in short and object form; `boost` and `_name`
 * are ignored. MozDef's subnet `query_string` (`f: [first TO last]` over one CIDR block) reads
 * back as a subnet clause.
 *
 * @param path - the JSON path of `dsl`, used in error messages (default `query`).
 * @throws AlertkitError `QUERY_INVALID` naming the JSON path of any other clause or option
 *   (`query.bool.must[1].multi_match`), date math, a non-ISO `format` or a malformed value.
 */
export function fromElasticsearch(dsl: unknown, path = 'query'): Clause {
  const clause = readClause(dsl, path, 1);
  // Depth was checked while reading; the clause count is over the whole tree.
  try {
    checkQueryBounds(clause, { depth: false });
  } catch (error) {
    throw dslError(path, (error as Error).message);
  }
  return clause;
}

/** One clause `depth` levels down (the outermost is 1): Elasticsearch's nesting limit applies. */
function readClause(dsl: unknown, path: string, depth: number): Clause {
  if (depth > MAX_NESTED_DEPTH) throw dslError(path, nestedDepthMessage());
  if (!isRecord(dsl))
    throw dslError(path, `expected a query clause such as {"match": {...}}, got ${show(dsl)}`);
  const kinds = Object.keys(dsl);
  if (kinds.length !== 1) {
    throw dslError(
      path,
      kinds.length === 0
        ? 'empty query clause'
        : `a query clause has exactly one type, got ${kinds.join(', ')}`,
    );
  }
  const kind = kinds[0] as string;
  const body = dsl[kind];
  const at = `${path}.${kind}`;
  switch (kind) {
    case 'bool':
      return readBool(body, at, depth);
    case 'match':
      return readMatch(body, at);
    case 'match_phrase': {
      const {
        field,
        value,
        options,
        at: fieldAt,
      } = fieldLevel(body, at, ['query'], ['slop', 'zero_terms_query']);
      const where = isRecord((body as JsonRecord)[field]) ? `${fieldAt}.query` : fieldAt;
      if (options['zero_terms_query'] !== undefined)
        onlyDefault(options['zero_terms_query'], 'none', `${fieldAt}.zero_terms_query`);
      const slop = options['slop'];
      if (
        slop !== undefined &&
        !(typeof slop === 'number' && Number.isInteger(slop) && slop >= 0)
      ) {
        throw dslError(`${fieldAt}.slop`, `expected a non-negative integer, got ${show(slop)}`);
      }
      const phraseValue = scalar(value, where);
      return {
        type: 'phrase',
        field,
        value: String(phraseValue),
        ...(slop !== undefined ? { slop } : {}),
      };
    }
    case 'term':
    case 'wildcard':
    case 'prefix':
    case 'regexp':
      return readTermLevel(kind, body, at);
    case 'fuzzy':
      return readFuzzy(body, at);
    case 'terms': {
      for (const [key, v] of Object.entries(isRecord(body) ? body : {})) {
        if (!IGNORED.has(key) && isRecord(v))
          throw dslError(`${at}.${key}`, 'a terms lookup is not supported; list the values');
      }
      const { field, value, at: fieldAt } = fieldLevel(body, at, [], []);
      if (!Array.isArray(value))
        throw dslError(fieldAt, `expected a list of values, got ${show(value)}`);
      // An empty terms list is valid in Elasticsearch and matches nothing.
      if (value.length === 0) return { type: 'matchNone' };
      return {
        type: 'terms',
        field,
        values: value.map((v, i) => scalar(v, `${fieldAt}[${String(i)}]`)),
      };
    }
    case 'exists': {
      const b = noOptions(body, at, ['field']);
      return { type: 'exists', field: string(b['field'], `${at}.field`) };
    }
    case 'range':
      return readRange(body, at);
    case 'query_string':
      return readQueryString(body, at);
    case 'match_all':
      noOptions(body, at);
      return { type: 'matchAll' };
    case 'match_none':
      noOptions(body, at);
      return { type: 'matchNone' };
    default:
      throw dslError(at, `unsupported query clause "${kind}"`);
  }
}
