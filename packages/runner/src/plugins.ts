import { pathToFileURL } from 'node:url';
import { isAbsolute, resolve } from 'node:path';
import {
  AlertkitError,
  type AlertDocument,
  type AlertDocumentPlugin,
  type JsonValue,
} from '@alertkit/core';
import { findInstalledPackage, packageEntry } from './loadAlerts.js';
import { silentLogger, type Logger } from './logger.js';

/**
 * An alert enrichment plugin, as MozDef's alert plugins (semantics §3.10): runs on each alert
 * document of event and aggregation alerts (never dead-man alerts) after the notify rule and
 * before the alert is saved. What it returns is what is saved and delivered; `null` suppresses
 * the alert (nothing saved, nothing tagged).
 */
export interface AlertPlugin {
  name: string;
  /**
   * When it runs: if any key or scalar value anywhere in the alert (strings lower-cased) equals
   * one of these, or `*` (the default) for every alert. Write them in lower case.
   */
  registration?: string | readonly string[];
  /** Plugins run lowest first (default 100); equal priorities keep their configured order. */
  priority?: number;
  onAlert(alert: AlertDocument): AlertDocument | null | Promise<AlertDocument | null>;
}

/** Declares a plugin (typed identity, like `defineAlert`). */
export function definePlugin(plugin: AlertPlugin): AlertPlugin {
  return plugin;
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

/**
 * The plugins as one function for `runAlert`: in priority order; each runs only when its
 * registration matches the alert as the previous plugins left it; an exception is logged with
 * the plugin's name and the alert goes on unchanged (as in MozDef); `null` stops the chain and
 * suppresses the alert.
 */
export function composePlugins(
  plugins: readonly AlertPlugin[],
  logger: Logger = silentLogger(),
): AlertDocumentPlugin {
  const ordered = plugins
    .map((plugin, index) => ({ plugin, index }))
    .sort((a, b) => (a.plugin.priority ?? 100) - (b.plugin.priority ?? 100) || a.index - b.index)
    .map(({ plugin }) => plugin);
  return async (document) => {
    let current: AlertDocument = document;
    for (const plugin of ordered) {
      const registration = plugin.registration ?? '*';
      const wanted = typeof registration === 'string' ? [registration] : registration;
      const terms = registrationTerms(current);
      if (!wanted.some((term) => terms.has(term))) continue;
      try {
        const next = await plugin.onAlert(structuredClone(current));
        if (next === null) {
          logger.info(
            { plugin: plugin.name, classname: current.classname },
            'a plugin suppressed the alert',
          );
          return null;
        }
        current = next;
      } catch (error) {
        logger.warn(
          { plugin: plugin.name, classname: current.classname, err: error },
          'plugin failed; the alert goes on without its change',
        );
      }
    }
    return current;
  };
}

/**
 * Loads plugins named in an installation file: a path (relative to `baseDir`) to an ES module or
 * an installed package name, each default-exporting an {@link AlertPlugin}.
 */
export async function loadPlugins(
  specs: readonly string[],
  baseDir: string,
): Promise<AlertPlugin[]> {
  const plugins: AlertPlugin[] = [];
  for (const spec of specs) {
    const isPath = spec.startsWith('.') || isAbsolute(spec);
    const packageDir = isPath ? undefined : await findInstalledPackage(spec, baseDir);
    if (!isPath && !packageDir)
      throw new AlertkitError(
        'CONFIG_INVALID',
        `plugins: "${spec}" is not installed in ${baseDir}`,
      );
    let module: { default?: unknown };
    try {
      const file = packageDir ? await packageEntry(packageDir) : resolve(baseDir, spec);
      module = (await import(pathToFileURL(file).href)) as { default?: unknown };
    } catch (cause) {
      throw new AlertkitError(
        'CONFIG_INVALID',
        `plugins: cannot load "${spec}": ${(cause as Error).message}`,
        { cause },
      );
    }
    const plugin = module.default as Partial<AlertPlugin> | undefined;
    if (!plugin || typeof plugin.name !== 'string' || typeof plugin.onAlert !== 'function') {
      throw new AlertkitError(
        'CONFIG_INVALID',
        `plugins: "${spec}" must default-export { name, onAlert(alert), registration?, priority? }`,
      );
    }
    plugins.push(plugin as AlertPlugin);
  }
  return plugins;
}
