import { pathToFileURL } from 'node:url';
import { isAbsolute, resolve } from 'node:path';
import type { z } from 'zod';
import {
  AlertkitError,
  isAlertkitError,
  type AlertDocument,
  type AlertDocumentPlugin,
  type AlertPluginRun,
  type Criteria,
  type JsonValue,
  type SearchResult,
  type Store,
} from '@alertkit/core';
import { describeIssue } from './config/loadInstallationConfig.js';
import { formatKeyPath } from './config/interpolateEnv.js';
import type { PluginEntry } from './config/schema.js';
import { findInstalledPackage, packageEntry } from './loadAlerts.js';
import type { AlertWorkers } from './isolation/alertWorkers.js';
import { silentLogger, type Logger } from './logger.js';

/** How long a plugin may take on one alert unless its entry or the plugin says otherwise. */
export const DEFAULT_PLUGIN_TIMEOUT_MS = 5_000;

/** Criteria, or anything that builds them (the `search(...)` builder of `@alertkit/query`). */
export type PluginCriteria = Criteria | { build(): Criteria };

/** What a plugin gets besides the alert (MozDef's plugins each opened their own ES client). */
export interface PluginContext<TConfig = unknown> {
  /**
   * Searches the store the alerts search, with the window (if any) ending at the run's `now`:
   * `context.search(search({ hours: 6 }).must(match('tags', 'auth0')))`.
   */
  search(criteria: PluginCriteria, options?: { size?: number }): Promise<SearchResult>;
  /** The run's `now`: the end of the alert's window. */
  now: Date;
  /** The `_id` the alert is saved under. */
  alertId: string;
  /** The runner's logger, bound to the plugin's name and the alert id. */
  log: Logger;
  /** The plugin's config as its schema returned it (`undefined` without a schema). */
  config: TConfig;
}

/** A registration, or a function of the plugin's config returning one (MozDef's `match_tag`). */
export type PluginRegistration<TConfig> =
  | string
  | readonly string[]
  // Method syntax keeps the parameter bivariant, so a plugin typed for its config is still an
  // `AlertPlugin` (whose config type is unknown).
  | { bivariant(config: TConfig): string | readonly string[] }['bivariant'];

/**
 * An alert enrichment plugin, as MozDef's alert plugins (semantics §3.10): runs on each alert
 * document of event and aggregation alerts (never dead-man alerts) after the notify rule and
 * before the alert is saved. What it returns is what is saved and delivered; `null` suppresses
 * the alert (nothing saved, nothing tagged).
 */
export interface AlertPlugin<TConfig = unknown> {
  name: string;
  /**
   * When it runs: if any key or scalar value anywhere in the alert (strings lower-cased) equals
   * one of these, or `*` (the default) for every alert. Write them in lower case.
   */
  registration?: PluginRegistration<TConfig>;
  /** Plugins run lowest first (default 100); equal priorities keep their configured order. */
  priority?: number;
  /** The plugin's config schema; the installation file's `config` of its entry is parsed with it. */
  config?: z.ZodType<TConfig>;
  /** Longest one call may take (default {@link DEFAULT_PLUGIN_TIMEOUT_MS}); the entry may override it. */
  timeoutMs?: number;
  /** Enriches the alert (a copy: mutate it freely). Old plugins take only the alert. */
  onAlert(
    alert: AlertDocument,
    context: PluginContext<TConfig>,
  ): AlertDocument | null | Promise<AlertDocument | null>;
}

/** Declares a plugin (typed identity, like `defineAlert`). */
export function definePlugin<TConfig = unknown>(
  plugin: AlertPlugin<TConfig>,
): AlertPlugin<TConfig> {
  return plugin;
}

/** A plugin with its config parsed: what `loadPlugins` returns and `composePlugins` runs. */
export interface ConfiguredPlugin {
  plugin: AlertPlugin;
  /** How the installation file named it. */
  spec: string;
  /** Its parsed config. */
  config: unknown;
  /** What it registers on (lower case; `*` = every alert). */
  registration: readonly string[];
  priority: number;
  timeoutMs: number;
  /**
   * `file:` URL of the module default-exporting it (set by `loadPlugins`): with
   * {@link ComposePluginsOptions.workers} the plugin runs in a worker thread, where its time limit
   * also stops a synchronous endless loop.
   */
  module?: string;
}

/** Resolves a plugin's registration, priority and limit for a parsed config. */
export function configurePlugin(
  plugin: AlertPlugin,
  config: unknown = undefined,
  options: { spec?: string; timeoutMs?: number; module?: string } = {},
): ConfiguredPlugin {
  const declared = plugin.registration ?? '*';
  const registration = typeof declared === 'function' ? declared(config) : declared;
  return {
    plugin,
    spec: options.spec ?? plugin.name,
    config,
    registration: typeof registration === 'string' ? [registration] : [...registration],
    priority: plugin.priority ?? 100,
    timeoutMs: options.timeoutMs ?? plugin.timeoutMs ?? DEFAULT_PLUGIN_TIMEOUT_MS,
    ...(options.module !== undefined ? { module: options.module } : {}),
  };
}

/** Every key and scalar value of a document, strings lower-cased, plus `*` (MozDef's dict2List). */
function registrationTerms(value: JsonValue, into: Set<string> = new Set(['*'])): Set<string> {
  if (Array.isArray(value)) for (const item of value) registrationTerms(item, into);
  else if (value !== null && typeof value === 'object') {
    for (const [key, item] of Object.entries(value)) {
      into.add(key.toLowerCase());
      registrationTerms(item, into);
    }
  } else if (value !== null) into.add(String(value).toLowerCase());
  return into;
}

/** Options of {@link composePlugins}. */
export interface ComposePluginsOptions {
  /** The store plugins search (the one the alerts search); without it `context.search` throws. */
  store?: Store;
  /**
   * Runs each plugin loaded from a module (`ConfiguredPlugin.module`) in a worker thread, whose
   * time limit stops it even in a synchronous endless loop; without it plugins run in-process
   * (an async time limit only).
   */
  workers?: AlertWorkers;
}

const TIMED_OUT = Symbol('timed out');

/** The promise's value, or {@link TIMED_OUT} after `ms` (the promise itself is left to settle). */
async function within<T>(promise: Promise<T>, ms: number): Promise<T | typeof TIMED_OUT> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<typeof TIMED_OUT>((resolveTimeout) => {
    timer = setTimeout(() => resolveTimeout(TIMED_OUT), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** The id and `now` when a caller (an old test, a direct call) gives no run. */
function runOf(document: AlertDocument, run: AlertPluginRun | undefined): AlertPluginRun {
  if (run) return run;
  const parsed = new Date(String(document.utctimestamp));
  return { now: Number.isNaN(parsed.getTime()) ? new Date() : parsed, alertId: '' };
}

/**
 * The plugins as one function for `runAlert`: in priority order; each runs only when its
 * registration matches the alert as the previous plugins left it; a plugin that throws or
 * outlives its time limit is logged with its name and the alert id and the alert goes on
 * unchanged (as in MozDef, where an exception kept the previous alert); `null` stops the chain
 * and suppresses the alert.
 */
export function composePlugins(
  plugins: readonly (AlertPlugin | ConfiguredPlugin)[],
  logger: Logger = silentLogger(),
  options: ComposePluginsOptions = {},
): AlertDocumentPlugin {
  const ordered = plugins
    .map((entry) => ('plugin' in entry ? entry : configurePlugin(entry)))
    .map((configured, index) => ({ configured, index }))
    .sort((a, b) => a.configured.priority - b.configured.priority || a.index - b.index)
    .map(({ configured }) => configured);
  const { store, workers } = options;
  return async (document, given) => {
    const run = runOf(document, given);
    let current: AlertDocument = document;
    for (const { plugin, config, registration, timeoutMs, module } of ordered) {
      const terms = registrationTerms(current);
      if (!registration.some((term) => terms.has(term))) continue;
      const where = { plugin: plugin.name, alertId: run.alertId, classname: current.classname };
      const context: PluginContext = {
        now: run.now,
        alertId: run.alertId,
        config,
        log: logger.child({ plugin: plugin.name, alertId: run.alertId }),
        search: async (criteria, searchOptions = {}) => {
          if (!store)
            throw new AlertkitError('STORE_UNAVAILABLE', `${plugin.name}: no store to search`);
          return store.search({
            criteria: 'build' in criteria ? criteria.build() : criteria,
            now: run.now,
            ...(searchOptions.size === undefined ? {} : { size: searchOptions.size }),
          });
        },
      };
      try {
        // The plugin gets a copy, so a plugin that times out and finishes later changes nothing.
        // In a worker, the time limit stops the worker itself (a synchronous loop included).
        const next = await (workers && module
          ? workers
              .runPlugin(
                { module, document: current, config, now: run.now, alertId: run.alertId },
                timeoutMs,
                { ...(store ? { store } : {}), log: context.log },
              )
              .catch((error: unknown): typeof TIMED_OUT => {
                if (isAlertkitError(error) && error.details?.['timedOut'] === true)
                  return TIMED_OUT;
                throw error;
              })
          : within(
              Promise.resolve().then(() => plugin.onAlert(structuredClone(current), context)),
              timeoutMs,
            ));
        if (next === TIMED_OUT) {
          logger.warn(
            { ...where, timeoutMs },
            'plugin took longer than its time limit; the alert goes on without its change',
          );
          continue;
        }
        if (next === null) {
          logger.info(where, 'a plugin suppressed the alert');
          return null;
        }
        current = next;
      } catch (error) {
        logger.warn(
          { ...where, err: error },
          'plugin failed; the alert goes on without its change',
        );
      }
    }
    return current;
  };
}

/** The package name and the subpath of `@scope/name/sub` or `name/sub`. */
function splitPackageSpec(spec: string): { name: string; subpath: string } {
  const parts = spec.split('/');
  const length = spec.startsWith('@') ? 2 : 1;
  const rest = parts.slice(length).join('/');
  return { name: parts.slice(0, length).join('/'), subpath: rest === '' ? '.' : `./${rest}` };
}

/** Options of {@link loadPlugins}. */
export interface LoadPluginsOptions {
  /** The installation file, named in errors. */
  file?: string;
}

/**
 * Loads the plugins an installation file names: each entry a path (relative to `baseDir`) to an
 * ES module, an installed package name or a package's export (`@alertkit/mozdef-plugins/ipaddr`),
 * each default-exporting an {@link AlertPlugin}; or `{ plugin, config?, timeoutMs? }` to
 * configure it. Configs are parsed with the plugin's schema; errors name the file and the key
 * path (`plugins[1].config.known[0].range`).
 */
export async function loadPlugins(
  entries: readonly PluginEntry[],
  baseDir: string,
  options: LoadPluginsOptions = {},
): Promise<ConfiguredPlugin[]> {
  const configured: ConfiguredPlugin[] = [];
  const at = options.file === undefined ? '' : `${options.file}: `;
  for (const [index, entry] of entries.entries()) {
    const {
      plugin: spec,
      config,
      timeoutMs,
    } = typeof entry === 'string'
      ? { plugin: entry, config: undefined, timeoutMs: undefined }
      : entry;
    const keyPath = typeof entry === 'string' ? `plugins[${index}]` : `plugins[${index}].plugin`;
    const { plugin, module } = await importPlugin(spec, baseDir, `${at}${keyPath}`);
    let parsed: unknown = undefined;
    if (plugin.config) {
      const result = plugin.config.safeParse(config ?? {});
      if (!result.success) {
        const problems = result.error.issues.map((issue) => {
          const { path, reason } = describeIssue(issue);
          return `${formatKeyPath(['plugins', index, 'config', ...path])}: ${reason}`;
        });
        throw new AlertkitError(
          'CONFIG_INVALID',
          `${at}plugin ${plugin.name}: ${problems.join('; ')}`,
          { details: { plugin: plugin.name, index } },
        );
      }
      parsed = result.data;
    } else if (config !== undefined) {
      throw new AlertkitError(
        'CONFIG_INVALID',
        `${at}plugins[${index}].config: plugin ${plugin.name} takes no config`,
      );
    }
    configured.push(
      configurePlugin(plugin, parsed, {
        spec,
        module,
        ...(timeoutMs === undefined ? {} : { timeoutMs }),
      }),
    );
  }
  return configured;
}

async function importPlugin(
  spec: string,
  baseDir: string,
  where: string,
): Promise<{ plugin: AlertPlugin; module: string }> {
  const isPath = spec.startsWith('.') || isAbsolute(spec);
  const { name, subpath } = splitPackageSpec(spec);
  const packageDir = isPath ? undefined : await findInstalledPackage(name, baseDir);
  if (!isPath && !packageDir)
    throw new AlertkitError('CONFIG_INVALID', `${where}: "${name}" is not installed in ${baseDir}`);
  let module: { default?: unknown };
  let url: string;
  try {
    const file = packageDir ? await packageEntry(packageDir, subpath) : resolve(baseDir, spec);
    url = pathToFileURL(file).href;
    module = (await import(url)) as { default?: unknown };
  } catch (cause) {
    throw new AlertkitError(
      'CONFIG_INVALID',
      `${where}: cannot load "${spec}": ${(cause as Error).message}`,
      { cause },
    );
  }
  const plugin = module.default as Partial<AlertPlugin> | undefined;
  if (!plugin || typeof plugin.name !== 'string' || typeof plugin.onAlert !== 'function') {
    throw new AlertkitError(
      'CONFIG_INVALID',
      `${where}: "${spec}" must default-export { name, onAlert(alert, context), registration?, priority?, config? }`,
    );
  }
  return { plugin: plugin as AlertPlugin, module: url };
}
