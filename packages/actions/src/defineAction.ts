import { AlertkitError, type StoredAlert } from '@alertkit/core';
import type { z } from 'zod';

/** The logging an action and the pipeline need (pino's shape: object first, message second). */
export interface ActionLogger {
  info(object: Record<string, unknown>, message: string): void;
  warn(object: Record<string, unknown>, message: string): void;
  error(object: Record<string, unknown>, message: string): void;
}

/** What an action's `run` gets besides the alert. */
export interface ActionContext<Config> {
  /** The installation's config for this action, validated and with defaults. */
  config: Config;
  /** Aborted when the action exceeds its time limit: pass it to `fetch` so the call stops. */
  signal: AbortSignal;
  /** 1 for the first call of this action on this alert, 2 for the first retry, ... */
  attempt: number;
  logger: ActionLogger;
}

/** What a successful run may report; recorded in the journal next to the outcome. */
export interface ActionResult {
  /** One line saying what was done (or why nothing needed doing), e.g. `paged: dedup_key=...`. */
  detail?: string;
}

/**
 * An alert action, as MozDef's alert actions: runs on saved alerts whose keys or values match
 * its registration, after delivery is recorded, at most once per alert (the pipeline journals
 * each outcome). `run` resolving is success; throwing is a failure that is retried with backoff
 * unless it is an {@link ActionError} marked `permanent`.
 */
export interface AlertAction<Config = unknown> {
  /** Shown in logs, `alertkit list` and the journal; unique in an installation. */
  name: string;
  /** One line for `alertkit list`. */
  description?: string;
  /**
   * When it runs: if any key or scalar value anywhere in the saved alert (`_id`, `_source`, ...;
   * strings lower-cased) equals one of these, or `*` for every alert. A function derives them
   * from the config (MozDef's block_ip reads its alert names from its config file).
   */
  registration: string | readonly string[] | ((config: Config) => readonly string[]);
  /** Actions run on an alert lowest first (MozDef's default is 1 for its actions); default 100. */
  priority?: number;
  /** Validates the installation's `config` for this action; omitted = no config. */
  config?: z.ZodType<Config>;
  /** Default time limit of one call, in ms; the installation may override it. */
  timeoutMs?: number;
  /**
   * Values of the config that are secrets although their key does not say so (a PagerDuty
   * routing key; `password`, `token`, `apiKey` ... are found by name): the runner masks them
   * wherever they would leave the process (logs, journal, state files).
   */
  secrets?: (config: Config) => readonly string[];
  run(alert: StoredAlert, context: ActionContext<Config>): Promise<ActionResult | void>;
}

/** Declares an action (a typed identity, like `defineAlert`). */
export function defineAction<Config>(action: AlertAction<Config>): AlertAction<Config> {
  return action;
}

/**
 * A failure of an action. `permanent` says a retry cannot help (the endpoint refused the
 * request as malformed, the alert lacks the field the action needs): it is recorded as failed
 * at once instead of being retried.
 */
export class ActionError extends Error {
  override readonly name = 'ActionError';
  readonly permanent: boolean;
  constructor(message: string, options: ErrorOptions & { permanent?: boolean } = {}) {
    super(message, options);
    this.permanent = options.permanent ?? false;
  }
}

/** An action with its installation's config applied: what the pipeline runs. */
export interface ConfiguredAction {
  action: AlertAction<unknown>;
  config: unknown;
  /** The config's secrets the action declared (see {@link AlertAction.secrets}). */
  secrets: readonly string[];
  /** Lower-cased registration terms. */
  registration: readonly string[];
  priority: number;
  timeoutMs: number;
  maxAttempts: number;
}

/** Installation-level settings of one action, besides its config. */
export interface ActionSettings {
  /** Overrides the action's own time limit. */
  timeoutMs?: number;
  /** Calls before the outcome is `failed` (default 3). */
  maxAttempts?: number;
  /** Names the installation entry in error messages, e.g. `actions[0]`. */
  where?: string;
}

/**
 * Validates `rawConfig` with the action's schema and returns what the pipeline runs. A bad
 * config throws `CONFIG_INVALID` naming the entry and the key, e.g.
 * `actions[1] (pagerduty): config.integrations.0.routingKey: expected string`.
 */
export function configureAction<Config>(
  action: AlertAction<Config>,
  rawConfig: unknown,
  settings: ActionSettings = {},
): ConfiguredAction {
  const where = `${settings.where ?? 'action'} (${action.name})`;
  let config: unknown = rawConfig;
  if (action.config) {
    const parsed = action.config.safeParse(rawConfig ?? {});
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      const path = ['config', ...(issue?.path ?? [])].map(String).join('.');
      throw new AlertkitError(
        'CONFIG_INVALID',
        `${where}: ${path}: ${issue?.message ?? 'invalid'}`,
        { details: { action: action.name, path, reason: issue?.message } },
      );
    }
    config = parsed.data;
  }
  const raw =
    typeof action.registration === 'function'
      ? action.registration(config as Config)
      : action.registration;
  const registration = (typeof raw === 'string' ? [raw] : [...raw]).map((t) => t.toLowerCase());
  return {
    action: action as AlertAction<unknown>,
    config,
    secrets: action.secrets ? [...action.secrets(config as Config)] : [],
    registration,
    priority: action.priority ?? 100,
    timeoutMs: settings.timeoutMs ?? action.timeoutMs ?? 10_000,
    maxAttempts: settings.maxAttempts ?? 3,
  };
}
