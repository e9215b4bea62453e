import type { JsonValue } from '../event.js';

/**
 * The value at a dotted path (`details.sourceipaddress`), or `undefined` when a key is missing
 * or something on the way is not an object. Arrays are not traversed.
 */
export function valueByPath(document: unknown, path: string): JsonValue | undefined {
  let current: unknown = document;
  for (const key of path.split('.')) {
    if (current === null || typeof current !== 'object' || Array.isArray(current)) return undefined;
    if (!Object.hasOwn(current, key)) return undefined;
    current = (current as Record<string, unknown>)[key];
  }
  return current as JsonValue | undefined;
}

/**
 * MozDef's `getValueByPath(dict, 'a.b')`, exactly: a missing key (or a non-object on the way)
 * yields `{}` rather than `undefined`, which is what ported conditions like
 * `if getValueByPath(...)` expect (an empty dict is falsy in Python: test with {@link isPyTruthy}).
 */
export function getValueByPath(document: unknown, path: string): JsonValue {
  const value = valueByPath(document, path);
  return value === undefined ? {} : value;
}

/** Python truthiness of a JSON value: `None`, `False`, `0`, `''`, `[]` and `{}` are false. */
export function isPyTruthy(value: unknown): boolean {
  if (value === null || value === undefined || value === false || value === 0 || value === '')
    return false;
  if (Number.isNaN(value)) return false;
  if (Array.isArray(value)) return value.length > 0;
  if (typeof value === 'object') return Object.keys(value).length > 0;
  return true;
}
