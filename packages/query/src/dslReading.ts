import { AlertkitError, type Scalar } from '@alertkit/core';

// Reading JSON from outside (Elasticsearch DSL) with errors that name the JSON path of the
// problem. Shared by fromElasticsearch.ts and criteriaFromElasticsearch.ts.

/** A JSON object as read from outside (values not yet checked). */
export type JsonRecord = Record<string, unknown>;

/** True for a JSON object (not an array, not null). */
export function isRecord(value: unknown): value is JsonRecord {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** A value as an error message shows it. */
export function show(value: unknown): string {
  return value === undefined ? 'nothing' : (JSON.stringify(value) ?? typeof value);
}

/** Every reading error names the JSON path of what is wrong (`query.bool.must[1].multi_match`). */
export function dslError(path: string, message: string): AlertkitError {
  return new AlertkitError('QUERY_INVALID', `${path}: ${message}`, { details: { path } });
}

/** Options every clause accepts and alertkit ignores (no scoring, no named queries). */
export const IGNORED = new Set(['boost', '_name']);

/** A string, finite number or boolean, or an error at `path`. */
export function scalar(value: unknown, path: string): Scalar {
  if (typeof value === 'string' || typeof value === 'boolean') return value;
  if (typeof value === 'number' && Number.isFinite(value)) return value;
  throw dslError(path, `expected a string, number or boolean, got ${show(value)}`);
}

/** A string, or an error at `path`. */
export function string(value: unknown, path: string): string {
  if (typeof value !== 'string') throw dslError(path, `expected a string, got ${show(value)}`);
  return value;
}

/** A boolean, or an error at `path`. */
export function boolean(value: unknown, path: string): boolean {
  if (typeof value !== 'boolean')
    throw dslError(path, `expected true or false, got ${show(value)}`);
  return value;
}

/** One of `allowed` (case-insensitive), as spelled in `allowed`, or an error at `path`. */
export function oneOf<T extends string>(value: unknown, allowed: readonly T[], path: string): T {
  const lower = typeof value === 'string' ? value.toLowerCase() : value;
  const found = allowed.find((a) => a.toLowerCase() === lower);
  if (found === undefined)
    throw dslError(path, `expected one of ${allowed.join(', ')}, got ${show(value)}`);
  return found;
}

/** Options that are accepted only at their default value (anything else would change the answer). */
export function onlyDefault(value: unknown, expected: unknown, path: string): void {
  const same =
    typeof expected === 'string' && typeof value === 'string'
      ? value.toLowerCase() === expected.toLowerCase()
      : value === expected;
  if (!same) throw dslError(path, `only ${show(expected)} is supported, got ${show(value)}`);
}

/**
 * A field-level clause in its short form (`{"term": {"f": "v"}}`) or object form
 * (`{"term": {"f": {"value": "v", ...options}}}`). Returns the field, the value and the options.
 */
export function fieldLevel(
  body: unknown,
  path: string,
  valueKeys: readonly string[],
  options: readonly string[],
): { field: string; value: unknown; options: JsonRecord; at: string } {
  if (!isRecord(body)) throw dslError(path, `expected {"<field>": ...}, got ${show(body)}`);
  const fields = Object.keys(body).filter((k) => !IGNORED.has(k));
  if (fields.length !== 1)
    throw dslError(
      path,
      fields.length === 0
        ? 'names no field'
        : `names ${String(fields.length)} fields (${fields.join(', ')}); one clause takes one field`,
    );
  const field = fields[0] as string;
  const at = `${path}.${field}`;
  const inner = body[field];
  if (!isRecord(inner)) return { field, value: inner, options: {}, at };
  const found: JsonRecord = {};
  let value: unknown;
  for (const [key, v] of Object.entries(inner)) {
    if (valueKeys.includes(key)) value = v;
    else if (options.includes(key)) found[key] = v;
    else if (!IGNORED.has(key)) throw dslError(`${at}.${key}`, `unsupported option "${key}"`);
  }
  if (value === undefined) throw dslError(at, `needs "${valueKeys[0] ?? 'value'}"`);
  return { field, value, options: found, at };
}

/** An object whose keys are all in `allowed` (or ignored), or an error naming the first other key. */
export function noOptions(
  body: unknown,
  path: string,
  allowed: readonly string[] = [],
): JsonRecord {
  if (!isRecord(body)) throw dslError(path, `expected an object, got ${show(body)}`);
  for (const key of Object.keys(body)) {
    if (!IGNORED.has(key) && !allowed.includes(key))
      throw dslError(`${path}.${key}`, `unsupported option "${key}"`);
  }
  return body;
}
