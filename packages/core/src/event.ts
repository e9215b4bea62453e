/** Any JSON value, as events and alert documents hold them. */
export type JsonValue =
  string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

/** A JSON object. */
export type JsonObject = { [key: string]: JsonValue };

/**
 * An event's `_source` in MozDef's event schema. The named fields are the ones MozDef's mapping
 * types explicitly; anything else is allowed (most live under `details`).
 */
export type EventSource = JsonObject;

/** A stored event: where it lives (`_index`, `_id`) and the document itself. */
export interface StoredEvent<TSource extends JsonObject = EventSource> {
  _index: string;
  _id: string;
  _source: TSource;
}

/** A reference to a stored event. */
export interface EventRef {
  _index: string;
  _id: string;
}

/**
 * The value at a dotted path (`details.sourceipaddress`) inside a document, or `undefined`.
 * Arrays on the way are not traversed (use the engine for multi-valued semantics).
 */
export function valueAtPath(document: JsonValue | undefined, path: string): JsonValue | undefined {
  let current: JsonValue | undefined = document;
  for (const key of path.split('.')) {
    if (current === null || typeof current !== 'object' || Array.isArray(current)) return undefined;
    current = current[key];
  }
  return current;
}
