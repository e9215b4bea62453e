import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { AlertLogger } from './alertLogger.js';
import { defineAlert, type AlertDefinition } from './defineAlert.js';
import { defineAlertSet, expandAlertSet, isAlertSetDefinition } from './defineAlertSet.js';
import { isAlertkitError, type AlertkitError } from './errors.js';
import type { Criteria } from './query.js';

const criteria: Criteria = {
  query: { type: 'bool', must: [{ type: 'match', field: 'category', value: 'authentication' }] },
  window: { minutes: 5 },
};

function ruleAlert(name: string): AlertDefinition<unknown> {
  return defineAlert({
    name,
    description: `rule ${name}`,
    severity: 'NOTICE',
    category: 'authentication',
    criteria,
    onEvent: () => ({ summary: name }),
  });
}

function collectingLog(): AlertLogger & { lines: string[] } {
  const lines: string[] = [];
  return {
    lines,
    warn: (details, message) => lines.push(`warn ${message} ${JSON.stringify(details)}`),
    error: (details, message) => lines.push(`error ${message} ${JSON.stringify(details)}`),
  };
}

async function rejection(promise: Promise<unknown>): Promise<AlertkitError> {
  try {
    await promise;
  } catch (error) {
    if (isAlertkitError(error)) return error;
    throw error;
  }
  throw new Error('expected a rejection');
}

const names = defineAlertSet({
  name: 'named-rules',
  description: 'one alert per name in the config',
  config: z.object({ names: z.array(z.string()).default(['a', 'b']) }),
  load: (config, { log }) =>
    config.names.flatMap((name) => {
      if (!/^[a-z]+$/.test(name)) {
        log.error({ file: `${name}.json`, field: 'name' }, `bad name "${name}"`);
        return [];
      }
      return [ruleAlert(`rule-${name}`)];
    }),
});

describe('defineAlertSet', () => {
  it('declares a set that isAlertSetDefinition recognises (and an alert is not a set)', () => {
    expect(isAlertSetDefinition(names)).toBe(true);
    expect(isAlertSetDefinition(ruleAlert('x'))).toBe(false);
    expect(isAlertSetDefinition(null)).toBe(false);
  });

  it('refuses a name that is not kebab-case, an empty description and a missing load', () => {
    expect(() =>
      defineAlertSet({ name: 'Bad_Name', description: 'd', load: () => [] }),
    ).toThrowError(/alert set "Bad_Name": name must be kebab-case/);
    expect(() => defineAlertSet({ name: 'ok', description: ' ', load: () => [] })).toThrowError(
      /description must be a non-empty string/,
    );
    expect(() =>
      defineAlertSet({ name: 'ok', description: 'd', load: 'no' as unknown as () => [] }),
    ).toThrowError(/load must be a function/);
    expect(() =>
      defineAlertSet({
        name: 'ok',
        description: 'd',
        config: {} as never,
        load: () => [],
      }),
    ).toThrowError(/config must be a Standard Schema/);
  });
});

describe('expandAlertSet', () => {
  it('loads with the defaults, then with the overrides', async () => {
    const log = collectingLog();
    const byDefault = await expandAlertSet(names, undefined, { log, baseDir: '/' });
    expect(byDefault.map((a) => a.name)).toEqual(['rule-a', 'rule-b']);
    const overridden = await expandAlertSet(names, { names: ['c'] }, { log, baseDir: '/' });
    expect(overridden.map((a) => a.name)).toEqual(['rule-c']);
    expect(log.lines).toEqual([]);
  });

  it('keeps the good items when the loader reports and skips a bad one', async () => {
    const log = collectingLog();
    const alerts = await expandAlertSet(names, { names: ['a', 'B2', 'c'] }, { log, baseDir: '/' });
    expect(alerts.map((a) => a.name)).toEqual(['rule-a', 'rule-c']);
    expect(log.lines).toEqual(['error bad name "B2" {"file":"B2.json","field":"name"}']);
  });

  it('refuses an unknown config key and a config of the wrong type, naming the set and key', async () => {
    const log = collectingLog();
    const unknownKey = await rejection(
      expandAlertSet(names, { nmes: ['a'] }, { log, baseDir: '/' }),
    );
    expect(unknownKey.code).toBe('CONFIG_INVALID');
    expect(unknownKey.message).toBe('alert "named-rules": invalid config: nmes: unknown key');
    const wrongType = await rejection(expandAlertSet(names, { names: 'a' }, { log, baseDir: '/' }));
    expect(wrongType.message).toMatch(/alert "named-rules": invalid config: names: /);
  });

  it('refuses what is not a list of distinct alerts, and wraps a throwing loader', async () => {
    const context = { log: collectingLog(), baseDir: '/' };
    const twice = defineAlertSet({
      name: 'twice',
      description: 'd',
      load: () => [ruleAlert('same'), ruleAlert('same')],
    });
    expect((await rejection(expandAlertSet(twice, {}, context))).message).toBe(
      'alert set "twice": load returned two alerts named "same"',
    );
    const notAlerts = defineAlertSet({
      name: 'not-alerts',
      description: 'd',
      load: () => [{ name: 'x' }] as unknown as AlertDefinition<unknown>[],
    });
    expect((await rejection(expandAlertSet(notAlerts, {}, context))).message).toBe(
      'alert set "not-alerts": load returned item 0 that is not an alert made by defineAlert',
    );
    const throwing = defineAlertSet({
      name: 'throwing',
      description: 'd',
      load: () => Promise.reject(new Error('disk on fire')),
    });
    const error = await rejection(expandAlertSet(throwing, {}, context));
    expect(error.code).toBe('ALERT_INVALID');
    expect(error.message).toBe('alert set "throwing": load failed: disk on fire');
  });

  it('passes baseDir to the loader', async () => {
    const seen: string[] = [];
    const set = defineAlertSet({
      name: 'where',
      description: 'd',
      load: (_config, { baseDir }) => {
        seen.push(baseDir);
        return [];
      },
    });
    await expandAlertSet(set, {}, { log: collectingLog(), baseDir: '/etc/alertkit' });
    expect(seen).toEqual(['/etc/alertkit']);
  });
});
