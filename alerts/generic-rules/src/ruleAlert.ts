import {
  defineAlert,
  isPyTruthy,
  pyStr,
  valueByPath,
  type AlertDefinition,
  type AggregationGroup,
  type JsonValue,
} from '@alertkit/core';
import { match, queryString, search } from '@alertkit/query';
import type { GenericRule } from './ruleSchema.js';

/** A rule loaded from its file: the name MozDef gives it (the file name without extension). */
export interface LoadedRule {
  /** The rule's name: its file name without `.json` / `.hjson`. */
  name: string;
  /** The rule file. */
  file: string;
  rule: GenericRule;
}

/** MozDef's class name of the loader; each rule's classname is `AlertGenericLoader:<rule>`. */
export const LOADER_CLASSNAME = 'AlertGenericLoader';

/** The alert name of a rule: `generic-rules-` + the rule name in kebab-case. */
export function ruleAlertName(ruleName: string): string {
  const kebab = ruleName
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
  return kebab === '' ? '' : `generic-rules-${kebab}`;
}

/**
 * A value as Python's `str()` writes it, for the summary; objects and lists are left out (MozDef
 * would fail the whole rule on them: `set()` of a dict).
 */
function summaryValue(value: JsonValue | undefined): string | undefined {
  if (value === undefined || value === null || typeof value === 'object') return undefined;
  return pyStr(value);
}

/** Distinct values in first-seen order (MozDef uses a Python set: its order is unspecified). */
function distinct(values: readonly string[]): string[] {
  return [...new Set(values)];
}

/**
 * MozDef's summary: `<alert_summary> (<count>): <value>`, then ` (<field>=<v1>, <v2>)` for each
 * `additional_summary_fields` entry with truthy values in the sampled events, then
 * ` [<hostname>, ...]` when sampled events carry a top-level `hostname`.
 */
export function ruleSummary(rule: GenericRule, group: AggregationGroup): string {
  let summary = `${rule.alert_summary} (${group.count}): ${pyStr(group.value)}`;
  for (const field of rule.additional_summary_fields ?? []) {
    const values = group.events.flatMap((event) => {
      const value = valueByPath(event._source, field);
      if (!isPyTruthy(value)) return [];
      const text = summaryValue(value);
      return text === undefined ? [] : [text];
    });
    if (values.length > 0) summary += ` (${field}=${distinct(values).join(', ')})`;
  }
  // MozDef takes `hostname` whenever the key is there (an empty one included).
  const hostnames = group.events.flatMap((event) => {
    if (!Object.hasOwn(event._source, 'hostname')) return [];
    const text = summaryValue(event._source['hostname']);
    return text === undefined ? [] : [text];
  });
  if (hostnames.length > 0) summary += ` [${distinct(hostnames).join(', ')}]`;
  return summary;
}

/**
 * The alert of one rule, as MozDef's `AlertGenericLoader.process_alert` runs it: the filters as
 * term matches and the query string, all required, over the last `time_window` minutes; grouped
 * by `aggregation_key` with `num_samples` samples; a group of at least `num_aggregations` events
 * alerts with the rule's category, tags, severity, url and optional channel/notify_mozdefbot.
 */
export function ruleAlert({ name, file, rule }: LoadedRule): AlertDefinition<unknown> {
  return defineAlert({
    name: ruleAlertName(name),
    classname: `${LOADER_CLASSNAME}:${name}`,
    description: `${rule.alert_summary} (generic rule ${file})`,
    severity: rule.alert_severity,
    category: rule.alert_category,
    tags: rule.alert_tags,
    criteria: search({ minutes: rule.time_window }).must(
      ...rule.filters.map(([field, value]) => match(field, value)),
      queryString(rule.search_string),
    ),
    aggregate: {
      field: rule.aggregation_key,
      threshold: rule.num_aggregations,
      samples: rule.num_samples,
    },
    onAggregation: (group) => ({
      summary: ruleSummary(rule, group),
      url: rule.alert_url,
      ...(rule.channel !== undefined ? { channel: rule.channel } : {}),
      ...(rule.notify_mozdefbot !== undefined ? { notifyMozdefbot: rule.notify_mozdefbot } : {}),
    }),
  });
}
