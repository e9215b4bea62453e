/**
 * Type-level tests, checked by `tsc --noEmit` (not run by vitest): a wrong alert must not
 * compile. Each `@ts-expect-error` fails the type check if the line below it becomes valid.
 */
import { expectTypeOf } from 'vitest';
import { z } from 'zod';
import type { AlertLogger } from './alertLogger.js';
import { defineAlert, type AlertDefinition, type ReactionContext } from './defineAlert.js';
import type { Criteria } from './query.js';

const criteria: Criteria = {
  query: { type: 'bool', must: [{ type: 'match', field: 'category', value: 'x' }] },
};
const base = {
  name: 'typed',
  description: 'd',
  severity: 'NOTICE',
  category: 'c',
  criteria,
} as const;

// A reaction must return a summary.
// @ts-expect-error -- 'summary' is missing
defineAlert({ ...base, onEvent: () => ({ severity: 'WARNING' }) });
// @ts-expect-error -- an async reaction without a summary is just as wrong
defineAlert({ ...base, onEvent: () => Promise.resolve({ category: 'x' }) });
// @ts-expect-error -- a misspelt field is not a summary
defineAlert({ ...base, onNoEvent: () => ({ summery: 'x' }) });

// Severities are the known levels only.
// @ts-expect-error -- 'LOUD' is not a Severity
defineAlert({ ...base, severity: 'LOUD', onEvent: () => null });
// @ts-expect-error -- severities are upper case, in the draft too
defineAlert({ ...base, onEvent: () => ({ summary: 's', severity: 'warning' }) });

// Exactly one reaction; onAggregation needs aggregate.
// @ts-expect-error -- onAggregation without aggregate
defineAlert({ ...base, onAggregation: () => ({ summary: 's' }) });
// @ts-expect-error -- aggregate beside onEvent
defineAlert({ ...base, aggregate: { field: 'a', threshold: 1 }, onEvent: () => null });
// @ts-expect-error -- two reactions
defineAlert({ ...base, onEvent: () => null, onNoEvent: () => null });
// @ts-expect-error -- a schedule is an interval or a cron expression
defineAlert({ ...base, schedule: { every: '1m', cron: '* * * * *' }, onEvent: () => null });

// Valid alerts compile, and the config type flows from the schema into every function of it.
const configured = defineAlert({
  ...base,
  config: z.object({ threshold: z.number().default(10), users: z.array(z.string()).default([]) }),
  criteria: (config) => {
    expectTypeOf(config).toEqualTypeOf<{ threshold: number; users: string[] }>();
    return criteria;
  },
  aggregate: (config) => ({ field: 'details.username', threshold: config.threshold }),
  onAggregation: async (group, context) => {
    expectTypeOf(context).toEqualTypeOf<ReactionContext<{ threshold: number; users: string[] }>>();
    expectTypeOf(group.value).toEqualTypeOf<string | number | boolean>();
    return {
      summary: `${group.count} by ${String(group.value)} from ${await context.helpers.addHostnameToIp('10.0.0.1')}`,
    };
  },
});
expectTypeOf(configured).toExtend<AlertDefinition<{ threshold: number; users: string[] }>>();
// An alert of any config is still an AlertDefinition<unknown> (how loaders and the runner hold it).
expectTypeOf(configured).toExtend<AlertDefinition<unknown>>();

const plain = defineAlert({
  ...base,
  onEvent: (event) =>
    event._source.summary ? { summary: JSON.stringify(event._source.summary) } : null,
});
expectTypeOf(plain.kind).toEqualTypeOf<'event' | 'aggregation' | 'deadman'>();
// @ts-expect-error -- an alert without a config schema has no config keys
defineAlert({ ...base, onEvent: (_event, { config }) => ({ summary: String(config.threshold) }) });

// prepare returns the configs to search with, of the alert's config type; criteria get `now`.
defineAlert({
  ...base,
  config: z.object({ terms: z.array(z.string()).default([]), term: z.string().optional() }),
  prepare: async (config, context) => {
    expectTypeOf(context.now).toEqualTypeOf<Date>();
    expectTypeOf(context.log).toEqualTypeOf<AlertLogger>();
    return Promise.resolve(config.terms.map((term) => ({ ...config, term })));
  },
  criteria: (config, { now }) => {
    expectTypeOf(config.term).toEqualTypeOf<string | undefined>();
    expectTypeOf(now).toEqualTypeOf<Date>();
    return criteria;
  },
  onEvent: (_event, { config }) => ({ summary: config.term ?? '' }),
});
defineAlert({
  ...base,
  config: z.object({ terms: z.array(z.string()).default([]) }),
  // @ts-expect-error -- prepare returns a list of configs, not the terms
  prepare: (config) => config.terms,
  onEvent: () => null,
});
