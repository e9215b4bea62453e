import { type Clause, isAlertkitError } from '@alertkit/core';
import { analyze } from '../analysis/analyze.js';
import { type QueryStringOptions, parseQueryString } from '../queryString/index.js';
import { NumericColumn, TermColumn } from './columns.js';
import { compileClause } from './compile.js';
import type { EventIndex } from './eventIndex.js';
import { keywordText } from './values.js';

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
      return `${clause.type} ${clause.field} ${JSON.stringify(clause.pattern)}`;
    case 'prefix':
      return `prefix ${clause.field} ${JSON.stringify(clause.value)}`;
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
      for (const child of clause[role] ?? [])
        children.push({ ...explainMatch(index, child, doc), role });
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
  }
  return out;
}

/** An explanation as indented text, one clause a line (what the harness prints). */
export function formatExplanation(explanation: Explanation, indent = ''): string {
  const mark = explanation.matched ? '✓' : '✗';
  const role = explanation.role ? `${explanation.role}: ` : '';
  let line = `${indent}${mark} ${role}${explanation.clause}`;
  if (explanation.queryTokens) line += ` query tokens ${JSON.stringify(explanation.queryTokens)}`;
  if (explanation.values) {
    for (const [path, values] of Object.entries(explanation.values))
      line += `; event ${path} ${JSON.stringify(values)}`;
  }
  if (explanation.error) line += ` (error: ${explanation.error})`;
  const lines = [line];
  for (const child of explanation.children ?? [])
    lines.push(formatExplanation(child, `${indent}  `));
  return lines.join('\n');
}
