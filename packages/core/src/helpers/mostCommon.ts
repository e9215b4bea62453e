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
  for (const document of documents) {
    for (const [keys, value] of leaves(document, [])) {
      if (!sameSet(keys, wanted)) continue;
      const identity = JSON.stringify(value);
      const seen = counts.get(identity);
      if (seen) seen.count += 1;
      else counts.set(identity, { value, count: 1 });
    }
  }
  // Array.prototype.sort is stable, so equal counts keep first-seen order.
  return [...counts.values()].sort((a, b) => b.count - a.count);
}

function sameSet(keys: readonly string[], wanted: ReadonlySet<string>): boolean {
  const set = new Set(keys);
  if (set.size !== wanted.size) return false;
  for (const key of set) if (!wanted.has(key)) return false;
  return true;
}

/** Every leaf (a value that is not a plain object) with the keys leading to it, in key order. */
function* leaves(node: unknown, keys: string[]): Generator<[string[], JsonValue]> {
  if (node === null || typeof node !== 'object' || Array.isArray(node)) return;
  for (const [key, value] of Object.entries(node as Record<string, unknown>)) {
    if (value !== null && typeof value === 'object' && !Array.isArray(value))
      yield* leaves(value, [...keys, key]);
    else if (value !== undefined) yield [[...keys, key], value as JsonValue];
  }
}
