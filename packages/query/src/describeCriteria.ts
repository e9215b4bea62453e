import type { BoolClause, Clause, Criteria, Duration, Scalar } from '@alertkit/core';
import { luceneEscape, luceneQuote, luceneRangeBound } from './luceneEscape.js';

function value(v: Scalar): string {
  return typeof v === 'string' ? luceneEscape(v) : String(v);
}

function field(name: string): string {
  return name === '*' ? '*' : luceneEscape(name);
}

/** Wildcard patterns keep `*` and `?`; everything else is literal. */
function wildcardText(pattern: string): string {
  return pattern.replace(/[^*?]+/g, (literal) => luceneEscape(literal));
}

/** Marks a case-insensitive pattern (Elasticsearch's `case_insensitive`). */
function anyCase(clause: { caseInsensitive?: boolean }): string {
  return clause.caseInsensitive === true ? ' (any case)' : '';
}

function rangeText(clause: Extract<Clause, { type: 'range' }>): string {
  const lower = clause.gte ?? clause.gt;
  const upper = clause.lte ?? clause.lt;
  const bound = (v: Scalar | undefined): string =>
    v === undefined ? '*' : luceneRangeBound(String(v));
  return `${clause.gte !== undefined ? '[' : '{'}${bound(lower)} TO ${bound(upper)}${clause.lte !== undefined ? ']' : '}'}`;
}

function describeBool(clause: BoolClause, nested: boolean): string {
  const required = [...(clause.must ?? []), ...(clause.filter ?? [])].map((c) =>
    describeClause(c, true),
  );
  const parts = [
    ...required,
    ...(clause.mustNot ?? []).map((c) => `NOT ${describeClause(c, true)}`),
  ];
  const should = (clause.should ?? []).map((c) => describeClause(c, true));
  let bareOr = false;
  if (should.length > 0) {
    const list = should.join(' OR ');
    // Elasticsearch 7: without must/filter one should clause is needed, beside them none.
    const needed = clause.minimumShouldMatch ?? (required.length > 0 ? 0 : 1);
    if (needed === 0) parts.push(`optionally (${list})`);
    else if (needed > 1) parts.push(`at least ${String(needed)} of (${should.join(', ')})`);
    else if (parts.length > 0) parts.push(should.length === 1 ? list : `(${list})`);
    else {
      parts.push(list);
      bareOr = should.length > 1;
    }
  }
  if (parts.length === 0) return '*:*';
  const text = parts.join(' AND ');
  return nested && (parts.length > 1 || bareOr) ? `(${text})` : text;
}

/**
 * A readable one-line rendering of a clause in Lucene-like syntax, e.g.
 * `category:syslog AND summary:"failed password" AND NOT details.sourceipaddress:"10.0.0.0/8"`.
 * Values are escaped, so the text shows exactly what is compared; `queryString` text is shown
 * raw in parentheses. Meant for people (logs, `alertkit list`), not for parsing back.
 */
export function describeClause(clause: Clause, nested = false): string {
  switch (clause.type) {
    case 'match': {
      const text = `${field(clause.field)}:${value(clause.value)}`;
      return clause.operator === 'and' ? `${text} (all words)` : text;
    }
    case 'term':
      return `${field(clause.field)}:=${value(clause.value)}`;
    case 'terms':
      return `${field(clause.field)}:(${clause.values.map(value).join(' OR ')})`;
    case 'phrase':
      return `${field(clause.field)}:${luceneQuote(clause.value)}${clause.slop ? `~${String(clause.slop)}` : ''}`;
    case 'wildcard':
      return `${field(clause.field)}:${wildcardText(clause.pattern)}${anyCase(clause)}`;
    case 'prefix':
      return `${field(clause.field)}:${luceneEscape(clause.value)}*${anyCase(clause)}`;
    case 'regexp':
      return `${field(clause.field)}:/${clause.pattern.replace(/\//g, '\\/')}/${anyCase(clause)}`;
    case 'fuzzy':
      return `${field(clause.field)}:${luceneEscape(clause.value)}~${typeof clause.fuzziness === 'number' ? String(clause.fuzziness) : ''}`;
    case 'exists':
      return `_exists_:${field(clause.field)}`;
    case 'range':
      return `${field(clause.field)}:${rangeText(clause)}`;
    case 'queryString':
      return `(${clause.defaultField ? `${clause.defaultField}: ` : ''}${clause.query})`;
    case 'subnet':
      return `${field(clause.field)}:${luceneQuote(clause.cidr)}`;
    case 'bool':
      return describeBool(clause, nested);
    case 'matchAll':
      return '*:*';
    case 'matchNone':
      return 'NOT *:*';
  }
}

function describeDuration(window: Duration): string {
  const suffix: [keyof Duration, string][] = [
    ['weeks', 'w'],
    ['days', 'd'],
    ['hours', 'h'],
    ['minutes', 'm'],
    ['seconds', 's'],
    ['milliseconds', 'ms'],
  ];
  return (
    suffix.flatMap(([unit, s]) => (window[unit] ? [`${String(window[unit])}${s}`] : [])).join('') ||
    '0s'
  );
}

/**
 * A readable one-line rendering of criteria: the query (see {@link describeClause}), then the
 * window and the aggregation, e.g.
 * `category:syslog AND summary:"failed" within last 2m, by details.sourceipaddress >= 10 (10 samples)`.
 */
export function describeCriteria(criteria: Criteria): string {
  let text = describeClause(criteria.query);
  if (criteria.window) text += ` within last ${describeDuration(criteria.window)}`;
  const agg = criteria.aggregation;
  if (agg) text += `, by ${agg.field} >= ${String(agg.threshold)} (${String(agg.samples)} samples)`;
  return text;
}

/** JSON with sorted keys, empty lists and `undefined` dropped: equal meaning, equal text. */
function canonical(input: unknown): unknown {
  if (Array.isArray(input)) return input.map(canonical);
  if (input === null || typeof input !== 'object') return input;
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(input).sort()) {
    const v = (input as Record<string, unknown>)[key];
    if (v === undefined || (Array.isArray(v) && v.length === 0)) continue;
    out[key] = canonical(v);
  }
  return out;
}

/** True when two clauses are the same query (key order, absent vs empty lists do not matter). */
export function clausesEqual(a: Clause, b: Clause): boolean {
  return JSON.stringify(canonical(a)) === JSON.stringify(canonical(b));
}

/** True when two criteria are the same (query, window and aggregation), compared as {@link clausesEqual}. */
export function criteriaEqual(a: Criteria, b: Criteria): boolean {
  return JSON.stringify(canonical(a)) === JSON.stringify(canonical(b));
}
