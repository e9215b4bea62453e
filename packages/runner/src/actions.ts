import { createRequire } from 'node:module';
import { isAbsolute, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { configureAction, type AlertAction, type ConfiguredAction } from '@alertkit/actions';
import { AlertkitError, type AlertLogger } from '@alertkit/core';
import type { AlertWorkers } from './isolation/alertWorkers.js';
import { registerSecrets } from './config/redact.js';
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
  /** `file:` URL of the action's module, when it has one (then it can run in a worker). */
  module?: string;
}

/**
 * Imports an action module: a path (relative to `baseDir`) of an ES module, or a package
 * (subpath) specifier, resolved from the installation first (its own `node_modules`), then from
 * the runner (which ships `@alertkit/actions`). The module default-exports an action.
 */
async function importAction(
  spec: string,
  baseDir: string,
  where: string,
): Promise<{ action: AlertAction; module: string | undefined }> {
  let module: { default?: unknown };
  let url: string | undefined;
  try {
    if (spec.startsWith('.') || isAbsolute(spec)) {
      url = pathToFileURL(resolve(baseDir, spec)).href;
      module = (await import(url)) as { default?: unknown };
    } else {
      let file: string | undefined;
      try {
        file = createRequire(join(baseDir, 'alertkit.config.json')).resolve(spec);
      } catch {
        // not installed beside the installation: the runner's own copy
        try {
          file = createRequire(import.meta.url).resolve(spec);
        } catch {
          // resolved by import() below, then run in-process
        }
      }
      url = file !== undefined ? pathToFileURL(file).href : undefined;
      module = (await import(url ?? spec)) as {
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
  return { action: action as AlertAction, module: url };
}

/** Loads one entry's action and validates its config, without throwing. */
async function checkAction(
  entry: ActionEntryConfig,
  index: number,
  baseDir: string,
): Promise<CheckedAction> {
  const where = `actions[${index}]`;
  try {
    const { action, module } = await importAction(entry.action, baseDir, where);
    const configured = configureAction(action, entry.config, {
      where,
      ...(entry.timeoutMs !== undefined ? { timeoutMs: entry.timeoutMs } : {}),
      ...(entry.maxAttempts !== undefined ? { maxAttempts: entry.maxAttempts } : {}),
    });
    // As soon as they are known (validate and list print configs; a run's errors may quote them).
    registerSecrets(configured.secrets);
    return {
      spec: entry.action,
      where,
      enabled: entry.enabled,
      configured,
      ...(module !== undefined ? { module } : {}),
    };
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

/** Options of {@link loadActions}. */
export interface LoadActionsOptions {
  /**
   * Runs each action loaded from a module in this worker pool, so that its time limit stops
   * even a synchronous endless loop (the worker is terminated); else actions run in-process.
   */
  workers?: AlertWorkers;
  /** Where a worker's action logs go. */
  log?: AlertLogger;
}

/** The enabled actions of an installation, configured; the first invalid one throws. */
export async function loadActions(
  entries: readonly ActionEntryConfig[],
  baseDir: string,
  options: LoadActionsOptions = {},
): Promise<ConfiguredAction[]> {
  const actions: ConfiguredAction[] = [];
  const { workers } = options;
  for (const [index, entry] of entries.entries()) {
    if (!entry.enabled) continue;
    const checked = await checkAction(entry, index, baseDir);
    if (checked.error) throw checked.error;
    const { configured, module } = checked;
    if (!configured) continue;
    if (workers && module) {
      workers.warm([module]);
      const { timeoutMs } = configured;
      actions.push({
        ...configured,
        action: {
          ...configured.action,
          run: (alert, context) =>
            workers.runAction(
              { module, alert, config: context.config, attempt: context.attempt },
              timeoutMs,
              options.log ? { log: options.log } : {},
            ),
        },
      });
    } else actions.push(configured);
  }
  return actions;
}
