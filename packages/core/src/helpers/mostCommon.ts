import type { JsonValue } from '../event.js';

/** One distinct value and how often it occurred. */
export interface ValueCount<T = JsonValue> {
  value: T;
  count: number;
}

/**
 * MozDef's `mostCommon(listofdicts, 'a.b.c')`: the values found along a dotted path in each
 * document, with their counts, most common first; ties keep the order in which each value was
 * first seen (Python's `Counter.most_common()`).
 *
 * Kept MozDef quirk (semantics §8.22): a leaf is collected when the SET of key names on its path
 * equals the set of the path's components, so `_source.hostname` also matches
 * `hostname._source`. Documents are usually whole events (`_source.details.sourceipaddress`) or
 * sources. Values compare by their JSON text, so `443` and `"443"` stay apart as in Python.
 */
export function mostCommon(documents: readonly unknown[], path: string): ValueCount[] {
  const wanted = new Set(path.split('.'));
  const counts = new Map<string, ValueCount>();
  // How often each key occurs on the path being walked. Only keys of `wanted` ever get here (a
  // key outside it can never make the sets equal, so its subtree is skipped), hence the key
  // sets are equal when as many distinct keys are on the path as `wanted` has. (This walk runs
  // in the reaction of aggregation alerts, once per group, over every event of the group.)
  const onPath = new Map<string, number>();
  const walk = (node: Record<string, unknown>): void => {
    for (const key of Object.keys(node)) {
      if (!wanted.has(key)) continue;
      const value = node[key];
      if (value === undefined) continue;
      const before = onPath.get(key) ?? 0;
      onPath.set(key, before + 1);
      if (value !== null && typeof value === 'object' && !Array.isArray(value))
        walk(value as Record<string, unknown>);
      else if (onPath.size === wanted.size) {
        const identity = JSON.stringify(value);
        const seen = counts.get(identity);
        if (seen) seen.count += 1;
        else counts.set(identity, { value: value as JsonValue, count: 1 });
      }
      if (before === 0) onPath.delete(key);
      else onPath.set(key, before);
    }
  };
  for (const document of documents)
    if (document !== null && typeof document === 'object' && !Array.isArray(document))
      walk(document as Record<string, unknown>);
  // Array.prototype.sort is stable, so equal counts keep first-seen order.
  return [...counts.values()].sort((a, b) => b.count - a.count);
}
