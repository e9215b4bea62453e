import { type Clause, isAlertkitError } from '@alertkit/core';
import { analyze } from '../analysis/analyze.js';
import { cidrContains, parseCidr } from '../cidr.js';
import { type QueryStringOptions, parseQueryString } from '../queryString/index.js';
import { NumericColumn, TermColumn } from './columns.js';
import { compileClause } from './compile.js';
import type { EventIndex } from './eventIndex.js';
import {
  keywordText,
  parseBoolean,
  parseDateInterval,
  parseIpOrCidr,
  parseNumber,
} from './values.js';

/** Why an event matched a clause or not (see `EmbeddedStore.explain`). */
export interface Explanation {
  /** The clause, briefly (`match summary "failed password"`). */
  clause: string;
  matched: boolean;
  /** The clause's place in its bool. */
  role?: 'must' | 'filter' | 'mustNot' | 'should';
  /** The event's indexed values of the clause's field(s): tokens for text, terms, ISO dates. */
  values?: Record<string, string[]>;
  /** For text matchers: the analysed tokens of the query value. */
  queryTokens?: string[];
  /**
   * Why, in a sentence, for a leaf clause: a missing field, a value that did not parse as its
   * field's type, a CIDR containment, an unanalysed value against an analysed field, ...
   */
  reason?: string;
  /** Why the clause could not be evaluated (an invalid query). */
  error?: string;
  children?: Explanation[];
}

function summarize(clause: Clause): string {
  switch (clause.type) {
    case 'bool':
      return clause.minimumShouldMatch === undefined
        ? 'bool'
        : `bool (minimum_should_match ${clause.minimumShouldMatch})`;
    case 'match':
    case 'term':
      return `${clause.type} ${clause.field} ${JSON.stringify(clause.value)}${clause.type === 'match' && clause.operator ? ` (operator ${clause.operator})` : ''}`;
    case 'terms':
      return `terms ${clause.field} ${JSON.stringify(clause.values)}`;
    case 'phrase':
      return `phrase ${clause.field} ${JSON.stringify(clause.value)}${clause.slop ? ` (slop ${clause.slop})` : ''}`;
    case 'wildcard':
    case 'regexp':
      return `${clause.type} ${clause.field} ${JSON.stringify(clause.pattern)}${clause.caseInsensitive ? ' (case_insensitive)' : ''}`;
    case 'prefix':
      return `prefix ${clause.field} ${JSON.stringify(clause.value)}${clause.caseInsensitive ? ' (case_insensitive)' : ''}`;
    case 'fuzzy':
      return `fuzzy ${clause.field} ${JSON.stringify(clause.value)} (fuzziness ${String(clause.fuzziness ?? 'AUTO')})`;
    case 'exists':
      return `exists ${clause.field}`;
    case 'range': {
      const bounds = (['gte', 'gt', 'lte', 'lt'] as const)
        .filter((k) => clause[k] !== undefined)
        .map((k) => `${k} ${JSON.stringify(clause[k])}`);
      return `range ${clause.field} ${bounds.join(' ')}`;
    }
    case 'subnet':
      return `subnet ${clause.field} ${clause.cidr}`;
    case 'queryString':
      return `query_string ${JSON.stringify(clause.query)}`;
    case 'matchAll':
      return 'match_all';
    case 'matchNone':
      return 'match_none';
  }
}

function valuesOf(
  index: EventIndex,
  field: string,
  doc: number,
): Record<string, string[]> | undefined {
  if (field.includes('*')) return undefined;
  const mapping = index.mapping.get(field);
  const paths = mapping?.type === 'object' ? index.mapping.leavesUnder(field) : [field];
  const out: Record<string, string[]> = {};
  for (const path of paths) {
    const column = index.column(path);
    if (column instanceof TermColumn)
      out[path] = column.termIdsOf(doc).map((id) => column.terms[id] ?? '');
    else if (column instanceof NumericColumn) {
      out[path] = column
        .valuesOf(doc)
        .map((v) => (column.type === 'date' ? new Date(v).toISOString() : String(v)));
    } else out[path] = [];
  }
  return out;
}

function evaluate(
  index: EventIndex,
  clause: Clause,
  doc: number,
): { matched: boolean; error?: string } {
  try {
    return { matched: compileClause(index, clause)(doc) };
  } catch (error) {
    if (!isAlertkitError(error)) throw error;
    return { matched: false, error: error.message };
  }
}

/** Explains clause by clause whether document `doc` matches. */
export function explainMatch(index: EventIndex, clause: Clause, doc: number): Explanation {
  const { matched, error } = evaluate(index, clause, doc);
  const out: Explanation = { clause: summarize(clause), matched };
  if (error !== undefined) out.error = error;
  if (clause.type === 'bool') {
    const children: Explanation[] = [];
    for (const role of ['must', 'filter', 'mustNot', 'should'] as const) {
      for (const child of clause[role] ?? []) {
        const explained: Explanation = { ...explainMatch(index, child, doc), role };
        // A reason says why a clause rejects the event; one that lets it through needs none.
        if ((role === 'mustNot') !== explained.matched) delete explained.reason;
        children.push(explained);
      }
    }
    out.children = children;
    return out;
  }
  if (clause.type === 'queryString') {
    // Show what the query string means: its clause tree, explained the same way.
    try {
      const options: QueryStringOptions = {};
      if (clause.defaultField !== undefined) options.defaultField = clause.defaultField;
      if (clause.defaultOperator !== undefined) options.defaultOperator = clause.defaultOperator;
      out.children = [explainMatch(index, parseQueryString(clause.query, options), doc)];
    } catch (parseError) {
      if (!isAlertkitError(parseError)) throw parseError;
    }
    return out;
  }
  if ('field' in clause) {
    const values = valuesOf(index, clause.field, doc);
    if (values) out.values = values;
    const isText = index.mapping.get(clause.field)?.type === 'text' || clause.field.includes('*');
    if (isText && (clause.type === 'match' || clause.type === 'phrase')) {
      out.queryTokens = analyze(keywordText(clause.value)).map((t) => t.token);
    }
    const reason = leafReason(index, clause, doc, out);
    if (reason !== undefined) out.reason = reason;
  }
  return out;
}

type FieldClause = Extract<Clause, { field: string }>;

/** The values at a dotted path of an event's source (through nested objects and arrays). */
function sourceValues(source: unknown, path: string): unknown[] {
  let current: unknown[] = [source];
  for (const part of path.split('.')) {
    const next: unknown[] = [];
    for (const value of current.flat()) {
      if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
        const child = (value as Record<string, unknown>)[part];
        if (child !== undefined) next.push(child);
      }
    }
    current = next;
  }
  return current.flat().filter((v) => v !== null);
}

/** The parsers of typed fields' values (undefined: does not parse). */
const TYPED: Partial<Record<string, (value: unknown) => unknown>> = {
  ip: parseIpOrCidr,
  boolean: parseBoolean,
  date: parseDateInterval,
  long: parseNumber,
  integer: parseNumber,
  short: parseNumber,
  byte: parseNumber,
  double: parseNumber,
  float: parseNumber,
  half_float: parseNumber,
  scaled_float: parseNumber,
};

/** One sentence on why a field clause matched or not, where the values alone do not say it. */
function leafReason(
  index: EventIndex,
  clause: FieldClause,
  doc: number,
  out: Explanation,
): string | undefined {
  if (clause.field.includes('*')) return undefined;
  const type = index.mapping.get(clause.field)?.type;
  if ((clause.type === 'match' || clause.type === 'term') && type !== undefined) {
    const parses = TYPED[type];
    if (parses && parses(clause.value) === undefined)
      return `${JSON.stringify(clause.value)} does not parse as ${type}, so it matches no value of ${clause.field}`;
  }
  const indexed = Object.values(out.values ?? {}).flat();
  if (indexed.length === 0 && (clause.type !== 'exists' || !out.matched)) {
    const raw = sourceValues(index.event(doc)?._source, clause.field);
    if (raw.length === 0) return `the event has no ${clause.field}`;
    const shown = JSON.stringify(raw.length === 1 ? raw[0] : raw);
    return `the event's ${clause.field} ${shown} was not indexed: it does not parse as ${type ?? 'its mapped type'}`;
  }
  if (clause.type === 'subnet') {
    let block: ReturnType<typeof parseCidr>;
    try {
      block = parseCidr(clause.cidr, 'subnet');
    } catch {
      return undefined;
    }
    return indexed
      .map((ip) => `${ip} is ${cidrContains(block, ip) ? '' : 'not '}in ${clause.cidr}`)
      .join('; ');
  }
  if (type === 'text') {
    const given =
      clause.type === 'terms'
        ? clause.values.map(keywordText)
        : clause.type === 'wildcard' || clause.type === 'regexp'
          ? [clause.pattern]
          : clause.type === 'term' || clause.type === 'prefix'
            ? [keywordText(clause.value)]
            : [];
    const upper = given.filter((v) => v !== v.toLowerCase());
    const spaced = given.filter((v) => /\s/.test(v));
    if (!out.matched && (upper.length > 0 || spaced.length > 0)) {
      const what = [...upper, ...spaced.filter((v) => !upper.includes(v))]
        .map((v) => JSON.stringify(v))
        .join(', ');
      return `${clause.type} does not analyse its value: ${what} is compared as is with the analysed tokens of text field ${clause.field} (lower case, one word each), so it can never match; use match/phrase, or lower case single words`;
    }
  }
  if (out.matched) return undefined;
  if ((clause.type === 'match' || clause.type === 'term') && type === 'keyword')
    return `keyword field: the whole value must equal ${JSON.stringify(keywordText(clause.value))} exactly (case-sensitive)`;
  if (clause.type === 'match' && out.queryTokens && type === 'text')
    return clause.operator === 'and'
      ? `not every query token is among the event's tokens`
      : `no query token is among the event's tokens`;
  if (clause.type === 'phrase' && out.queryTokens && type === 'text')
    return `the query tokens do not appear next to each other, in this order, in the event`;
  if ((clause.type === 'terms' || clause.type === 'term') && type === 'text')
    return `not analysed: the value must equal one of the event's analysed tokens, and none does`;
  if (clause.type === 'wildcard' || clause.type === 'regexp' || clause.type === 'prefix')
    return `the ${clause.type} matches none of the event's ${indexed.length} indexed term(s)`;
  return undefined;
}

/** Options of {@link formatExplanation}. */
export interface FormatExplanationOptions {
  /** Prefix of every line (nesting adds two spaces). */
  indent?: string;
  /** Green ✓ and red ✗ (for terminals). */
  color?: boolean;
}

const paint = (color: boolean, code: number, text: string): string =>
  color ? `\u001b[${code}m${text}\u001b[39m` : text;

/**
 * An explanation as indented text, one clause a line (what the harness's failure output and
 * `alertkit explain` print): `✓` when the clause lets the event through, `✗` when it rejects it
 * (a `must_not` clause rejects by matching), with the event's indexed values, the analysed
 * tokens of a text query, and the reason.
 */
export function formatExplanation(
  explanation: Explanation,
  options: FormatExplanationOptions | string = {},
): string {
  const { indent = '', color = false } =
    typeof options === 'string' ? { indent: options } : options;
  const passes = explanation.role === 'mustNot' ? !explanation.matched : explanation.matched;
  const role = explanation.role
    ? `${explanation.role === 'mustNot' ? 'must_not' : explanation.role}: `
    : '';
  const mark = passes ? paint(color, 32, '✓') : paint(color, 31, '✗');
  let line = `${indent}${mark} ${role}${explanation.clause}`;
  if (explanation.role === 'mustNot' && explanation.matched)
    line += ' (matched, so the event is excluded)';
  if (explanation.queryTokens) line += `; query tokens ${JSON.stringify(explanation.queryTokens)}`;
  for (const [path, values] of Object.entries(explanation.values ?? {}))
    line += `; event ${path} ${JSON.stringify(values)}`;
  if (explanation.reason !== undefined) line += ` — ${explanation.reason}`;
  if (explanation.error !== undefined) line += ` (error: ${explanation.error})`;
  return [
    line,
    ...(explanation.children ?? []).map((child) =>
      formatExplanation(child, { indent: `${indent}  `, color }),
    ),
  ].join('\n');
}
