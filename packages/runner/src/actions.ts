import { createRequire } from 'node:module';
import { isAbsolute, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { configureAction, type AlertAction, type ConfiguredAction } from '@alertkit/actions';
import { AlertkitError } from '@alertkit/core';
import type { ActionEntryConfig } from './config/schema.js';

/** One `actions` entry, checked: its action and config, or why it cannot run. */
export interface CheckedAction {
  /** The entry's `action` as written. */
  spec: string;
  /** `actions[<index>]` in the installation file. */
  where: string;
  enabled: boolean;
  /** Set when the module loaded and the config is valid. */
  configured?: ConfiguredAction;
  /** Set when the module cannot be loaded or the config is invalid. */
  error?: AlertkitError;
}

/**
 * Imports an action module: a path (relative to `baseDir`) of an ES module, or a package
 * (subpath) specifier, resolved from the installation first (its own `node_modules`), then from
 * the runner (which ships `@alertkit/actions`). The module default-exports an action.
 */
async function importAction(spec: string, baseDir: string, where: string): Promise<AlertAction> {
  let module: { default?: unknown };
  try {
    if (spec.startsWith('.') || isAbsolute(spec)) {
      module = (await import(pathToFileURL(resolve(baseDir, spec)).href)) as { default?: unknown };
    } else {
      let file: string | undefined;
      try {
        file = createRequire(join(baseDir, 'alertkit.config.json')).resolve(spec);
      } catch {
        // not installed beside the installation: the runner's own copy
      }
      module = (await import(file !== undefined ? pathToFileURL(file).href : spec)) as {
        default?: unknown;
      };
    }
  } catch (cause) {
    throw new AlertkitError(
      'CONFIG_INVALID',
      `${where}: cannot load action "${spec}": ${(cause as Error).message}`,
      { cause, details: { path: where, action: spec } },
    );
  }
  const action = module.default as Partial<AlertAction> | undefined;
  if (
    !action ||
    typeof action.name !== 'string' ||
    typeof action.run !== 'function' ||
    action.registration === undefined
  ) {
    throw new AlertkitError(
      'CONFIG_INVALID',
      `${where}: "${spec}" must default-export an action { name, registration, run(alert, context), priority?, config? } (defineAction from @alertkit/actions)`,
      { details: { path: where, action: spec } },
    );
  }
  return action as AlertAction;
}

/** Loads one entry's action and validates its config, without throwing. */
async function checkAction(
  entry: ActionEntryConfig,
  index: number,
  baseDir: string,
): Promise<CheckedAction> {
  const where = `actions[${index}]`;
  try {
    const action = await importAction(entry.action, baseDir, where);
    const configured = configureAction(action, entry.config, {
      where,
      ...(entry.timeoutMs !== undefined ? { timeoutMs: entry.timeoutMs } : {}),
      ...(entry.maxAttempts !== undefined ? { maxAttempts: entry.maxAttempts } : {}),
    });
    return { spec: entry.action, where, enabled: entry.enabled, configured };
  } catch (error) {
    return {
      spec: entry.action,
      where,
      enabled: entry.enabled,
      error:
        error instanceof AlertkitError
          ? error
          : new AlertkitError('CONFIG_INVALID', `${where}: ${String(error)}`, { cause: error }),
    };
  }
}

/**
 * Loads every `actions` entry (disabled ones too) and validates its config with the action's
 * schema, without throwing: what `alertkit validate` and `alertkit list` show.
 */
export async function checkActions(
  entries: readonly ActionEntryConfig[],
  baseDir: string,
): Promise<CheckedAction[]> {
  const checked: CheckedAction[] = [];
  for (const [index, entry] of entries.entries())
    checked.push(await checkAction(entry, index, baseDir));
  return checked;
}

/** The enabled actions of an installation, configured; the first invalid one throws. */
export async function loadActions(
  entries: readonly ActionEntryConfig[],
  baseDir: string,
): Promise<ConfiguredAction[]> {
  const actions: ConfiguredAction[] = [];
  for (const [index, entry] of entries.entries()) {
    if (!entry.enabled) continue;
    const checked = await checkAction(entry, index, baseDir);
    if (checked.error) throw checked.error;
    if (checked.configured) actions.push(checked.configured);
  }
  return actions;
}
