import type { StandardSchemaV1 } from '@standard-schema/spec';
import { resolveAlertConfig } from './alertConfig.js';
import type { AlertLogger } from './alertLogger.js';
import { isAlertDefinition, type AlertDefinition } from './defineAlert.js';
import { AlertkitError } from './errors.js';

/** What an alert set's `load` gets besides its config. */
export interface AlertSetContext {
  /**
   * Where to report what the set skipped (a rule file that does not parse or validate): one
   * `error` per skipped item, with its `file` and `field` in the details. The runner logs them,
   * `alertkit validate` fails on them, tests collect them.
   */
  log: AlertLogger;
  /**
   * The directory relative paths in the config are relative to: the installation file's
   * directory, else the current directory.
   */
  baseDir: string;
}

/**
 * The loader of an alert set (a method signature, so that an `AlertSetDefinition<{...}>` is
 * assignable to `AlertSetDefinition<unknown>`, as with alerts).
 */
export type AlertSetLoader<TConfig> = {
  fn(
    config: TConfig,
    context: AlertSetContext,
  ): readonly AlertDefinition<unknown>[] | Promise<readonly AlertDefinition<unknown>[]>;
}['fn'];

/** The input of {@link defineAlertSet}. */
export interface AlertSetInput<TConfig> {
  /** Kebab-case name of the set, e.g. `generic-rules` (its package is `alert-<name>`). */
  name: string;
  /** One sentence: what the alerts of the set detect. */
  description: string;
  /**
   * The set's config (any Standard Schema of an object, with defaults), given by the
   * installation entry's `config` and consumed at load time: the alerts it yields take none.
   */
  config?: StandardSchemaV1<unknown, TConfig>;
  /**
   * Expands the set into alerts, once, when the runner (or the CLI) loads it. Items that cannot
   * become an alert are reported with `context.log.error` and left out; a throw fails the
   * whole set.
   */
  load: AlertSetLoader<TConfig>;
}

/** A declared alert set. */
export type AlertSetDefinition<TConfig = unknown> = Readonly<AlertSetInput<TConfig>> & {
  /** Marks the object as produced by `defineAlertSet` (checked when alerts are loaded). */
  readonly __alertkitSet: 1;
};

const KEBAB = /^[a-z][a-z0-9]*(?:-[a-z0-9]+)*$/;

function fail(name: string, message: string): never {
  throw new AlertkitError('ALERT_INVALID', `alert set "${name}": ${message}`, {
    details: { alertSet: name },
  });
}

/**
 * Declares an alert set: a package that yields several alerts from configuration (MozDef's
 * generic alert loader: one alert per rule file). The set expands once, at load time, into
 * alerts made by `defineAlert`, which are then scheduled, listed and validated like any other.
 * Throws `ALERT_INVALID` naming the set and the field when the declaration is wrong.
 *
 * @example
 * export const alertSet = defineAlertSet({
 *   name: 'generic-rules',
 *   description: 'One aggregation alert per rule file',
 *   config: z.object({ rulesDir: z.string().default(BUNDLED_RULES) }),
 *   load: (config, { log }) => loadRules(config.rulesDir, log),
 * });
 */
export function defineAlertSet<TConfig = Record<never, never>>(
  input: AlertSetInput<TConfig>,
): AlertSetDefinition<TConfig> {
  const name = typeof input.name === 'string' ? input.name : String(input.name);
  if (!KEBAB.test(name))
    fail(name, `name must be kebab-case (e.g. "generic-rules"), got "${name}"`);
  if (typeof input.description !== 'string' || input.description.trim() === '')
    fail(name, 'description must be a non-empty string');
  if (typeof input.load !== 'function')
    fail(name, 'load must be a function of the config returning the alerts of the set');
  if (
    input.config !== undefined &&
    typeof (input.config as Partial<StandardSchemaV1>)['~standard']?.validate !== 'function'
  )
    fail(name, 'config must be a Standard Schema (e.g. a zod object schema with defaults)');
  return Object.freeze({ ...input, name, __alertkitSet: 1 as const });
}

/** True for an object made by {@link defineAlertSet} (also across copies of core). */
export function isAlertSetDefinition(value: unknown): value is AlertSetDefinition<unknown> {
  return (
    typeof value === 'object' &&
    value !== null &&
    (value as { __alertkitSet?: unknown }).__alertkitSet === 1
  );
}

/**
 * Expands a set into its alerts: validates the installation's `overrides` of the set's config
 * (as `resolveAlertConfig` does for an alert: defaults filled in, unknown keys refused), calls
 * `load`, and checks that it returned alerts made by `defineAlert` with distinct names.
 *
 * @throws AlertkitError `CONFIG_INVALID` for a bad config, `ALERT_INVALID` when `load` throws or
 *   returns something that is not a list of distinct alerts.
 */
export async function expandAlertSet<TConfig>(
  set: AlertSetDefinition<TConfig>,
  overrides: unknown,
  context: AlertSetContext,
): Promise<AlertDefinition<unknown>[]> {
  const config = resolveAlertConfig(set, overrides ?? {});
  let loaded: readonly unknown[];
  try {
    loaded = await set.load(config, context);
  } catch (cause) {
    if (cause instanceof AlertkitError) throw cause;
    throw new AlertkitError(
      'ALERT_INVALID',
      `alert set "${set.name}": load failed: ${(cause as Error).message}`,
      { cause, details: { alertSet: set.name } },
    );
  }
  if (!Array.isArray(loaded)) fail(set.name, 'load must return an array of alerts');
  const names = new Set<string>();
  const alerts: AlertDefinition<unknown>[] = [];
  for (const [index, alert] of loaded.entries()) {
    if (!isAlertDefinition(alert))
      fail(set.name, `load returned item ${index} that is not an alert made by defineAlert`);
    if (names.has(alert.name)) fail(set.name, `load returned two alerts named "${alert.name}"`);
    names.add(alert.name);
    alerts.push(alert);
  }
  return alerts;
}
