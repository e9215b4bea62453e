import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { resolveAlertConfig } from './alertConfig.js';
import { defineAlert } from './defineAlert.js';
import { isAlertkitError } from './errors.js';
import type { Criteria } from './query.js';

const criteria: Criteria = {
  query: { type: 'bool', must: [{ type: 'match', field: 'category', value: 'ssh' }] },
};
const base = {
  description: 'd',
  severity: 'NOTICE',
  category: 'c',
  criteria,
  onEvent: () => ({ summary: 's' }),
} as const;

const alert = defineAlert({
  ...base,
  name: 'configured',
  config: z.object({
    threshold: z.number().int().min(1).default(10),
    channel: z.string().nullable().default(null),
    skiphosts: z.array(z.string()).default([]),
    localities: z.array(z.object({ city: z.string(), radius: z.number().default(50) })).default([]),
  }),
});

function configError(overrides: unknown): Error {
  try {
    resolveAlertConfig(alert, overrides);
  } catch (error) {
    if (isAlertkitError(error) && error.code === 'CONFIG_INVALID') return error;
    throw error;
  }
  throw new Error('expected CONFIG_INVALID');
}

describe('resolveAlertConfig', () => {
  it('merges overrides over the schema defaults', () => {
    expect(resolveAlertConfig(alert, {})).toEqual({
      threshold: 10,
      channel: null,
      skiphosts: [],
      localities: [],
    });
    expect(resolveAlertConfig(alert, { threshold: 3, localities: [{ city: 'Berlin' }] })).toEqual({
      threshold: 3,
      channel: null,
      skiphosts: [],
      localities: [{ city: 'Berlin', radius: 50 }],
    });
    expect(resolveAlertConfig(alert)).toMatchObject({ threshold: 10 });
  });

  it('names the alert, the key path and the reason', () => {
    expect(configError({ threshold: 'ten' }).message).toMatch(
      /^alert "configured": invalid config: threshold: .*number/,
    );
    expect(configError({ threshold: 0 }).message).toMatch(/threshold: .*>=\s*1/);
    const nested = configError({ localities: [{ city: 'Berlin' }, { city: 7 }] });
    expect(nested.message).toContain('localities.1.city:');
    expect((nested as { details?: { issues?: unknown } }).details?.issues).toEqual([
      { path: 'localities.1.city', reason: expect.any(String) as string },
    ]);
  });

  it('rejects unknown keys, also nested ones, even though the schema would strip them', () => {
    expect(configError({ threshhold: 3 }).message).toBe(
      'alert "configured": invalid config: threshhold: unknown key',
    );
    expect(configError({ localities: [{ city: 'x', radious: 5 }] }).message).toContain(
      'localities.0.radious: unknown key',
    );
  });

  it('rejects a config that is not an object, and any key for an alert without a schema', () => {
    expect(configError(['a']).message).toContain(
      '(config): the config must be an object, got an array',
    );
    const plain = defineAlert({ ...base, name: 'plain' });
    expect(resolveAlertConfig(plain, {})).toEqual({});
    expect(() => resolveAlertConfig(plain, { threshold: 1 })).toThrow(
      'alert "plain": invalid config: threshold: unknown key (this alert takes no config)',
    );
  });

  it('refuses asynchronous schemas with a clear message', () => {
    const asyncAlert = defineAlert({
      ...base,
      name: 'async-config',
      config: z.object({ a: z.string().default('x') }).refine(() => Promise.resolve(true)),
    });
    expect(() => resolveAlertConfig(asyncAlert, {})).toThrow(/async|asynchronous/);
  });
});
