import { describe, expect, it } from 'vitest';
import { classnameOf, defineAlert, isAlertDefinition, resolveCriteria } from './defineAlert.js';
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
      onAggregation: (group) => ({ summary: `${group.count} failed logins for ${String(group.value)}` }),
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
      errorOf(() => defineAlert({ ...base, onEvent: () => null, onNoEvent: () => null } as never)).message,
    ).toContain('onEvent, onNoEvent');
    expect(errorOf(() => defineAlert({ ...base, onAggregation: () => null } as never)).message).toContain(
      'onAggregation needs `aggregate',
    );
  });
});

describe('classnameOf', () => {
  it('follows MozDef naming', () => {
    expect(classnameOf('bruteforce-ssh')).toBe('AlertBruteforceSsh');
    expect(classnameOf('x')).toBe('AlertX');
  });
});
