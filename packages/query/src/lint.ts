/**
 * Pitfall lint: the mistakes a MozDef reviewer points out, decided from the index mapping and the
 * analyser (and, in the harness, the events of the alert's own cases), not from string patterns.
 * `alertkit validate` and `describeAlert` run it; an alert silences a finding per clause with a
 * reason (`pitfalls.allow` in its declaration).
 */
import {
  durationToMs,
  resolveAlertConfig,
  runCriteria,
  scheduleIntervalMs,
  type AlertDefinition,
  type Clause,
  type Criteria,
  type Schedule,
  type StoredEvent,
} from '@alertkit/core';
import { analyze } from './analysis/analyze.js';
import { describeClause } from './describeCriteria.js';
import { type IndexMapping, MOZDEF_EVENTS_MAPPING, parseMapping } from './engine/mapping.js';
import {
  keywordText,
  parseBoolean,
  parseDateInterval,
  parseIpOrCidr,
  parseNumber,
} from './engine/values.js';
import { parseQueryString } from './queryString/index.js';

/** The pitfalls the lint knows. */
export type PitfallRule =
  | 'unanalysed-value-on-text'
  | 'phrase-with-spaces-on-keyword'
  | 'value-does-not-parse'
  | 'unknown-field'
  | 'must-not-never-present'
  | 'window-shorter-than-schedule'
  | 'samples-below-threshold'
  | 'unescaped-config-in-query-string';

/** One pitfall found in an alert. */
export interface PitfallFinding {
  rule: PitfallRule;
  alert: string;
  /** The clause (`must: summary:Login`), when the finding is about one. */
  clause?: string;
  message: string;
  /** What to write instead. */
  fix: string;
  /** Set when the alert silences it (`pitfalls.allow`), with its reason. */
  allowed?: string;
}

/** Options of {@link lintAlert}. */
export interface LintOptions {
  /** The events index mapping; MozDef's by default. */
  mapping?: IndexMapping;
  /** The events of the alert's own cases: enables the rules that need to know which fields events carry. */
  events?: readonly StoredEvent[];
  /** Config overrides (the installation's). */
  config?: unknown;
  /** The schedule the alert runs on (the installation's override); the alert's own by default. */
  schedule?: Schedule;
}

let mozdefMapping: IndexMapping | undefined;

interface Leaf {
  role: 'must' | 'filter' | 'should' | 'must_not';
  clause: Clause;
  /** Inside a query string (analysed by the query parser, so the unanalysed rule does not apply). */
  fromQueryString: boolean;
}

const ROLE_KEYS = [
  ['must', 'must'],
  ['filter', 'filter'],
  ['should', 'should'],
  ['mustNot', 'must_not'],
] as const;

/** Every leaf clause, iteratively (criteria may nest deeply), query strings parsed. */
function leavesOf(query: Clause): Leaf[] {
  const out: Leaf[] = [];
  const stack: Leaf[] = [{ role: 'must', clause: query, fromQueryString: false }];
  while (stack.length > 0) {
    const leaf = stack.pop();
    if (!leaf) break;
    const { clause } = leaf;
    if (clause.type === 'bool') {
      for (const [key, role] of ROLE_KEYS)
        for (const child of clause[key] ?? [])
          stack.push({
            role: leaf.role === 'must_not' ? 'must_not' : role,
            clause: child,
            fromQueryString: leaf.fromQueryString,
          });
    } else if (clause.type === 'queryString') {
      try {
        stack.push({
          role: leaf.role,
          clause: parseQueryString(clause.query, {
            ...(clause.defaultField !== undefined ? { defaultField: clause.defaultField } : {}),
          }),
          fromQueryString: true,
        });
      } catch {
        // A query string that does not parse is validate's error, not a pitfall.
      }
    } else out.push(leaf);
  }
  return out;
}

const PARSERS: Partial<Record<string, (value: unknown) => unknown>> = {
  ip: parseIpOrCidr,
  boolean: parseBoolean,
  date: parseDateInterval,
  long: parseNumber,
  integer: parseNumber,
  short: parseNumber,
  byte: parseNumber,
  double: parseNumber,
  float: parseNumber,
};

/** The values at a dotted path of a source (through arrays). */
function carries(source: unknown, path: string): boolean {
  let current: unknown[] = [source];
  for (const part of path.split('.')) {
    current = current
      .flat()
      .filter((v): v is Record<string, unknown> => v !== null && typeof v === 'object')
      .map((v) => v[part])
      .filter((v) => v !== undefined && v !== null);
    if (current.length === 0) return false;
  }
  return true;
}

function valuesOf(clause: Clause): string[] {
  switch (clause.type) {
    case 'term':
    case 'prefix':
    case 'match':
    case 'phrase':
    case 'fuzzy':
      return [keywordText(clause.value)];
    case 'terms':
      return clause.values.map(keywordText);
    case 'wildcard':
    case 'regexp':
      return [clause.pattern];
    case 'exists':
    case 'range':
    case 'subnet':
    case 'queryString':
    case 'bool':
    case 'matchAll':
    case 'matchNone':
      return [];
  }
}

// Lucene syntax characters: a config value with them, put into a query string unescaped, changes
// what the query means (MozDef's pitfall: `details.x: ${value}`).
const SENTINEL = 'zq9(lint) OR *';

/** The config string values the criteria put into a query string as they are. */
function unescapedConfig(alert: AlertDefinition<unknown>, overrides: unknown): string[] {
  if (typeof alert.criteria !== 'function') return [];
  let config: Record<string, unknown>;
  try {
    config = resolveAlertConfig(alert, overrides) as Record<string, unknown>;
  } catch {
    return [];
  }
  const keys: string[] = [];
  for (const [key, value] of Object.entries(config ?? {})) {
    let probe: unknown;
    if (typeof value === 'string') probe = SENTINEL;
    else if (Array.isArray(value) && value.every((v) => typeof v === 'string')) probe = [SENTINEL];
    else continue;
    let criteria: Criteria;
    try {
      // Through the alert's config schema: a schema that refuses such values is the protection.
      const base = (overrides ?? {}) as Record<string, unknown>;
      criteria = runCriteria(alert, resolveAlertConfig(alert, { ...base, [key]: probe }));
    } catch {
      continue;
    }
    const strings: string[] = [];
    const stack: Clause[] = [criteria.query];
    while (stack.length > 0) {
      const c = stack.pop();
      if (!c) break;
      if (c.type === 'bool')
        stack.push(
          ...(c.must ?? []),
          ...(c.filter ?? []),
          ...(c.should ?? []),
          ...(c.mustNot ?? []),
        );
      else if (c.type === 'queryString') strings.push(c.query);
    }
    if (strings.some((q) => q.includes(SENTINEL))) keys.push(key);
  }
  return keys;
}

/**
 * The pitfalls of an alert's criteria with its default config (or `options.config`): clauses that
 * can never match, values a typed field cannot parse, fields no event has, a `must_not` that
 * cannot exclude anything, a window shorter than the schedule, fewer samples than the threshold,
 * config values put into a query string unescaped.
 */
export function lintAlert(
  alert: AlertDefinition<unknown>,
  options: LintOptions = {},
): PitfallFinding[] {
  const mapping = options.mapping ?? (mozdefMapping ??= parseMapping(MOZDEF_EVENTS_MAPPING));
  const findings: PitfallFinding[] = [];
  const add = (f: Omit<PitfallFinding, 'alert'>) => findings.push({ alert: alert.name, ...f });
  let criteria: Criteria;
  try {
    criteria = runCriteria(alert, resolveAlertConfig(alert, options.config));
  } catch {
    return []; // validate reports the error itself
  }
  const events = options.events;
  for (const { role, clause, fromQueryString } of leavesOf(criteria.query)) {
    if (!('field' in clause) || clause.field.includes('*')) continue;
    const { field } = clause;
    if (field === 'alert_names') continue; // the de-duplication clause
    const where = `${role}: ${describeClause(clause)}`;
    const type = mapping.get(field)?.type;
    // An unmapped field gets its type from the first string value an event brings (MozDef's
    // dynamic templates: keyword).
    const stringType = type ?? mapping.dynamicMapping(field, 'string')[0]?.[1].type;
    const values = valuesOf(clause);
    if (
      stringType === 'text' &&
      !fromQueryString &&
      ['term', 'terms', 'wildcard', 'prefix', 'regexp'].includes(clause.type)
    ) {
      const caseInsensitive = (clause as { caseInsensitive?: boolean }).caseInsensitive === true;
      for (const value of values) {
        const upper = !caseInsensitive && value !== value.toLowerCase();
        const words =
          clause.type === 'wildcard' || clause.type === 'regexp'
            ? /\s/.test(value)
            : analyze(value).length > 1;
        if (upper || words)
          add({
            rule: 'unanalysed-value-on-text',
            clause: where,
            message: `${JSON.stringify(value)} ${upper ? 'has upper case' : 'is several words'}, but ${field} is an analysed text field whose indexed tokens are lower-case single words, and ${clause.type} does not analyse its value: it can never match`,
            fix: `use match/phrase on ${field}, or ${upper ? 'lower case' : 'one word per value'}`,
          });
      }
    }
    if (
      stringType === 'keyword' &&
      (clause.type === 'phrase' || clause.type === 'match') &&
      events
    ) {
      const value = keywordText(clause.value);
      if (
        /\s/.test(value) &&
        !events.some((e) => JSON.stringify(e._source).includes(JSON.stringify(value)))
      )
        add({
          rule: 'phrase-with-spaces-on-keyword',
          clause: where,
          message: `${field} is a keyword field: ${JSON.stringify(value)} must equal the whole value, and no event of the cases has it`,
          fix: `match the whole value, or use wildcard ${JSON.stringify(`*${value}*`)}`,
        });
    }
    const parse = type === undefined ? undefined : PARSERS[type];
    if (parse && ['match', 'term', 'terms', 'phrase'].includes(clause.type)) {
      for (const value of values.filter((v) => parse(v) === undefined))
        add({
          rule: 'value-does-not-parse',
          clause: where,
          message: `${JSON.stringify(value)} is not a valid ${type}, the type of ${field}: it matches nothing`,
          fix: `give a valid ${type}`,
        });
    }
    if (events && type === undefined && !events.some((e) => carries(e._source, field)))
      add({
        rule: 'unknown-field',
        clause: where,
        message: `${field} is neither in the mapping nor in any event of the cases: a typo matches nothing, silently`,
        fix: `check the field name, or add a case whose events carry ${field}`,
      });
    else if (events && role === 'must_not' && !events.some((e) => carries(e._source, field)))
      add({
        rule: 'must-not-never-present',
        clause: where,
        message: `no event of the cases has ${field}, so this must_not never excludes anything they can show`,
        fix: `add a negative case whose events carry ${field}`,
      });
  }
  const window = criteria.window ? durationToMs(criteria.window) : undefined;
  const every = scheduleIntervalMs(options.schedule ?? alert.schedule);
  if (window !== undefined && every !== undefined && window < every)
    add({
      rule: 'window-shorter-than-schedule',
      message: `the window (${window / 1000} s) is shorter than the time between runs (${every / 1000} s): events between two windows are never seen`,
      fix: 'make the window at least as long as the schedule interval',
    });
  const aggregation = criteria.aggregation;
  if (aggregation && aggregation.samples < aggregation.threshold)
    add({
      rule: 'samples-below-threshold',
      message: `samples ${aggregation.samples} < threshold ${aggregation.threshold}: an alert carries fewer events than made it fire`,
      fix: `samples: ${aggregation.threshold}`,
    });
  for (const key of unescapedConfig(alert, options.config))
    add({
      rule: 'unescaped-config-in-query-string',
      message: `config ${key} goes into a query string unescaped: a value with Lucene syntax (OR, *, parentheses) changes what the query means`,
      fix: `escape it with luceneEscape/luceneQuote, or use match/terms with the value`,
    });
  const allow = alert.pitfalls?.allow ?? [];
  for (const finding of findings) {
    const entry = allow.find(
      (a) => a.rule === finding.rule && (a.clause === undefined || a.clause === finding.clause),
    );
    if (entry) finding.allowed = entry.reason;
  }
  return findings;
}

/** A finding as one line: alert, clause, what, and the fix. */
export function formatPitfall(f: PitfallFinding): string {
  return `${f.alert}: ${f.rule}${f.clause ? ` (${f.clause})` : ''}: ${f.message}; fix: ${f.fix}${f.allowed ? ` [allowed: ${f.allowed}]` : ''}`;
}
