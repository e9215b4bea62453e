import { defineAlert, isAlertkitError, resolveCriteria, type Criteria } from '@alertkit/core';
import { describe, expect, it } from 'vitest';
import { alert } from '../src/index.js';

describe('alert failed-logins', () => {
  it('declares what it was generated with', () => {
    expect(alert.name).toBe('failed-logins');
    expect(alert.classname).toBe('AlertFailedLogins');
    expect(alert.kind).toBe('aggregation');
    expect(alert.severity).toBe('NOTICE');
    expect(alert.category).toBe('authentication');
    expect(alert.tags).toEqual(['auth', 'login']);
    const criteria = resolveCriteria(alert.criteria as Criteria);
    expect(criteria.window).toEqual({ minutes: 5 });
    expect(alert.aggregate).toMatchObject({ field: 'details.username', threshold: 10 });
  });

  it('rejects a broken declaration with a clear error', () => {
    let error: unknown;
    try {
      defineAlert({ ...alert, name: 'Not Kebab' });
    } catch (e) {
      error = e;
    }
    expect(isAlertkitError(error)).toBe(true);
    expect((error as Error).message).toContain('name must be kebab-case');
  });
});
