import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  classnameOf,
  defineAlert,
  isAlertDefinition,
  resolveCriteria,
  windowOf,
} from './defineAlert.js';
import { isAlertkitError } from './errors.js';
import type { Criteria } from './query.js';

const criteria: Criteria = {
  query: { type: 'bool', must: [{ type: 'match', field: 'category', value: 'authentication' }] },
  window: { minutes: 5 },
};

const base = {
  name: 'failed-logins',
  description: 'Many failed logins for one user',
  severity: 'NOTICE',
  category: 'authentication',
  tags: ['auth'],
  criteria,
} as const;

function errorOf(fn: () => unknown): Error {
  try {
    fn();
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected a throw');
}

describe('defineAlert', () => {
  it('declares an aggregation alert with a derived classname and default schedule', () => {
    const alert = defineAlert({
      ...base,
      aggregate: { field: 'details.username', threshold: 10 },
      onAggregation: (group) => ({
        summary: `${group.count} failed logins for ${String(group.value)}`,
      }),
    });
    expect(alert.kind).toBe('aggregation');
    expect(alert.classname).toBe('AlertFailedLogins');
    expect(alert.schedule).toEqual({ every: '1m' });
    expect(alert.tags).toEqual(['auth']);
    expect(isAlertDefinition(alert)).toBe(true);
    expect(resolveCriteria(alert.criteria as Criteria).window).toEqual({ minutes: 5 });
  });

  it('knows event and dead-man alerts by their reaction, and keeps an explicit classname', () => {
    const event = defineAlert({ ...base, classname: 'ldapAdd', onEvent: () => ({ summary: 'x' }) });
    const deadman = defineAlert({ ...base, onNoEvent: () => ({ summary: 'quiet' }) });
    expect(event.kind).toBe('event');
    expect(event.classname).toBe('ldapAdd');
    expect(deadman.kind).toBe('deadman');
  });

  it.each([
    [{ name: 'Failed_Logins' }, 'name must be kebab-case'],
    [{ description: ' ' }, 'description must be a non-empty string'],
    [{ severity: 'LOUD' }, 'severity must be one of'],
    [{ category: '' }, 'category must be a non-empty string'],
    [{ tags: ['ok', ''] }, 'tags must be an array of non-empty strings'],
    [{ criteria: { query: { type: 'bool' } } }, 'at least one must, must_not or should clause'],
    [{ criteria: { ...criteria, window: { minutes: 0 } } }, 'window must be longer than zero'],
    [{ criteria: { ...criteria, window: { minutes: -1 } } }, 'bad time window'],
    [{ schedule: { every: '0s' } }, 'schedule.every must be longer than zero'],
    [
      { schedule: { cron: '*/5 * * *' } },
      'schedule.cron "*/5 * * *": invalid configuration format',
    ],
    [{ config: { parse: () => ({}) } }, 'config must be a Standard Schema'],
  ])('rejects %o with a clear error', (override, message) => {
    const error = errorOf(() =>
      defineAlert({ ...base, ...override, onEvent: () => ({ summary: 'x' }) } as never),
    );
    expect(isAlertkitError(error)).toBe(true);
    expect(error.message).toContain('alert "');
    expect(error.message).toContain(message);
  });

  it('rejects zero or two reactions, and onAggregation without aggregate', () => {
    expect(errorOf(() => defineAlert({ ...base } as never)).message).toContain('got none');
    expect(
      errorOf(() => defineAlert({ ...base, onEvent: () => null, onNoEvent: () => null } as never))
        .message,
    ).toContain('onEvent, onNoEvent');
    expect(
      errorOf(() => defineAlert({ ...base, onAggregation: () => null } as never)).message,
    ).toContain('onAggregation needs `aggregate');
  });
});

describe('defineAlert: schedules, aggregation specs and config-dependent parts', () => {
  it('keeps a valid cron or interval schedule', () => {
    expect(
      defineAlert({ ...base, schedule: { cron: '*/5 * * * *' }, onEvent: () => null }).schedule,
    ).toEqual({ cron: '*/5 * * * *' });
    expect(
      defineAlert({ ...base, schedule: { every: '30s' }, onEvent: () => null }).schedule,
    ).toEqual({ every: '30s' });
  });

  it.each([
    [{ field: '', threshold: 1 }, 'aggregate.field must be a dotted field path'],
    [{ field: 'details..user', threshold: 1 }, 'aggregate.field must be a dotted field path'],
    [
      { field: 'details.user', threshold: 0 },
      'aggregate.threshold must be a whole number >= 1, got 0',
    ],
    [
      { field: 'details.user', threshold: 2.5 },
      'aggregate.threshold must be a whole number >= 1, got 2.5',
    ],
    [
      { field: 'details.user', threshold: 2, samples: 0 },
      'aggregate.samples must be a whole number >= 1, got 0',
    ],
  ])('rejects the aggregation spec %o', (aggregate, message) => {
    const error = errorOf(() => defineAlert({ ...base, aggregate, onAggregation: () => null }));
    expect(error.message).toContain(message);
  });

  it('accepts criteria and aggregate as functions of the config (checked at run time)', () => {
    const alert = defineAlert({
      ...base,
      config: z.object({ minutes: z.number().default(5), threshold: z.number().default(3) }),
      criteria: (config) => ({ ...criteria, window: { minutes: config.minutes } }),
      aggregate: (config) => ({ field: 'details.username', threshold: config.threshold }),
      onAggregation: (group, { config }) => ({ summary: `${group.count} >= ${config.threshold}` }),
    });
    expect(alert.kind).toBe('aggregation');
    expect(windowOf(alert)).toBeUndefined();
  });
});

describe('classnameOf', () => {
  it('follows MozDef naming', () => {
    expect(classnameOf('bruteforce-ssh')).toBe('AlertBruteforceSsh');
    expect(classnameOf('x')).toBe('AlertX');
  });
});
