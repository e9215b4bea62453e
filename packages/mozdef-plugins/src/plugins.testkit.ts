// Test support: an embedded store with events, a base alert, and a plugin run the way the runner
// runs it (config parsed with the plugin's schema, registration, priority, the store search).
import type { AlertDocument, JsonObject } from '@alertkit/core';
import { createEmbeddedStore, type EmbeddedStore } from '@alertkit/query';
import { composePlugins, configurePlugin, createLogger, type AlertPlugin } from '@alertkit/runner';

/** The run's `now` in every test. */
export const NOW = new Date('2026-11-01T12:00:00Z');

/** `hours` before {@link NOW}, as an ISO timestamp. */
export function hoursAgo(hours: number): string {
  return new Date(NOW.getTime() - hours * 3_600_000).toISOString();
}

/** An embedded store (MozDef's events mapping) holding these `_source`s as events `e0`, `e1`, ... */
export function storeWith(sources: readonly JsonObject[]): EmbeddedStore {
  const store = createEmbeddedStore();
  const report = store.ingest(
    sources.map((source, i) => ({ _index: 'events', _id: `e${i}`, _source: source })),
  );
  if (report.rejected.length > 0)
    throw new Error(`test events refused: ${report.rejected[0]?.error.message ?? ''}`);
  return store;
}

/** An alert document with the given fields over a plain one. */
export function alertWith(fields: Partial<AlertDocument> & JsonObject = {}): AlertDocument {
  return {
    utctimestamp: NOW.toISOString(),
    severity: 'NOTICE',
    summary: 'test summary',
    category: 'test',
    tags: [],
    events: [],
    channel: null,
    notify_mozdefbot: false,
    status: 'manual',
    classname: 'AlertTest',
    ...fields,
  };
}

/** An alert event whose source has these details (what the port-scan plugins read). */
export function eventWith(documentsource: JsonObject): AlertDocument['events'][number] {
  return { documentindex: 'events', documentid: 'x', documentsource };
}

/**
 * Runs one plugin as the runner does, with `config` as written in an installation file. A
 * plugin error (which the runner logs and survives) fails the test instead.
 */
export async function runPlugin<T>(
  plugin: AlertPlugin<T>,
  alert: AlertDocument,
  options: { store?: EmbeddedStore; config?: unknown } = {},
): Promise<AlertDocument | null> {
  const lines: string[] = [];
  const logger = createLogger({
    level: 'warn',
    destination: { write: (line: string) => void lines.push(line) },
  });
  const config = plugin.config ? plugin.config.parse(options.config ?? {}) : undefined;
  const chain = composePlugins(
    [configurePlugin(plugin, config)],
    logger,
    options.store ? { store: options.store } : {},
  );
  const out = await chain(structuredClone(alert), { now: NOW, alertId: 'test-alert' });
  if (lines.length > 0) throw new Error(`the plugin failed: ${lines.join('')}`);
  return out;
}
