import type { FieldType } from './mapping.js';

/**
 * Column storage of indexed values, one column per field, indexed by document number (store
 * order). Compiled predicates read these arrays directly, so a query costs a few typed-array
 * loads per event and no object walks.
 */

/** `single[doc]` when the document has no value for the field. */
export const ABSENT = -1;

function grow<T extends Int32Array | Float64Array>(array: T, needed: number, fill: number): T {
  if (needed <= array.length) return array;
  let capacity = Math.max(16, array.length);
  while (capacity < needed) capacity *= 2;
  const bigger = new (array.constructor as new (n: number) => T)(capacity);
  bigger.set(array);
  bigger.fill(fill, array.length);
  return bigger;
}

/**
 * Values that are terms: keyword values, text tokens, IPs (by display form), booleans
 * (`"true"`/`"false"`) and geo points (by text, for `exists` only). Each distinct term gets an
 * id; a document holds its term ids.
 *
 * Layout: `single[doc]` is the term id when the document has exactly one term, {@link ABSENT}
 * when it has no value, and `-2 - offset` otherwise, where `pool[offset]` is the number of
 * terms n and `pool[offset + 1 .. offset + n]` are the term ids (`positions` holds, at the same
 * offsets, the token positions of a text field). A present value with no terms (a text value
 * with no tokens) is a pool entry with n = 0, so `exists` still sees it.
 */
export class TermColumn {
  readonly type: FieldType;
  /** Term text by id. */
  readonly terms: string[] = [];
  readonly #ids = new Map<string, number>();
  #lastTerm: string | undefined;
  #lastId = -1;
  single = new Int32Array(0);
  pool = new Int32Array(0);
  /** Token positions, parallel to `pool` (text fields only). */
  positions: Int32Array | undefined;
  #poolSize = 0;

  constructor(type: FieldType) {
    this.type = type;
    if (type === 'text') this.positions = new Int32Array(0);
  }

  /** The id of a term, or -1 if no document holds it. */
  idOf(term: string): number {
    return this.#ids.get(term) ?? -1;
  }

  /** The id of a term, created if new. */
  intern(term: string): number {
    // Many fields repeat the last event's value (severity, category, a host's name): a string
    // compare is cheaper than a hash lookup in a large map.
    if (term === this.#lastTerm) return this.#lastId;
    let id = this.#ids.get(term);
    if (id === undefined) {
      id = this.terms.length;
      this.terms.push(term);
      this.#ids.set(term, id);
    }
    this.#lastTerm = term;
    this.#lastId = id;
    return id;
  }

  /** Makes room for documents `0 .. docCount - 1`. */
  reserve(docCount: number): void {
    this.single = grow(this.single, docCount, ABSENT);
  }

  /** Sets a document's terms (replacing any it had). */
  set(doc: number, termIds: readonly number[], positions?: readonly number[]): void {
    this.reserve(doc + 1);
    if (termIds.length === 1 && termIds[0] !== undefined) {
      this.single[doc] = termIds[0];
      return;
    }
    const offset = this.#poolSize;
    this.#poolSize += termIds.length + 1;
    this.pool = grow(this.pool, this.#poolSize, 0);
    this.pool[offset] = termIds.length;
    this.pool.set(termIds, offset + 1);
    if (this.positions) {
      this.positions = grow(this.positions, this.#poolSize, 0);
      if (positions) this.positions.set(positions, offset + 1);
    }
    this.single[doc] = -2 - offset;
  }

  /** Removes a document's values (re-indexing). */
  clear(doc: number): void {
    if (doc < this.single.length) this.single[doc] = ABSENT;
  }

  /** Whether the document has a value. */
  has(doc: number): boolean {
    return doc < this.single.length && this.single[doc] !== ABSENT;
  }

  /** The document's term ids, in indexing order (empty when absent). */
  termIdsOf(doc: number): number[] {
    const s = doc < this.single.length ? (this.single[doc] ?? ABSENT) : ABSENT;
    if (s >= 0) return [s];
    if (s === ABSENT) return [];
    const offset = -2 - s;
    return Array.from(this.pool.subarray(offset + 1, offset + 1 + (this.pool[offset] ?? 0)));
  }

  /** The document's token positions, parallel to {@link TermColumn.termIdsOf}. */
  positionsOf(doc: number): number[] {
    const s = doc < this.single.length ? (this.single[doc] ?? ABSENT) : ABSENT;
    if (s >= 0) return [0];
    if (s === ABSENT || !this.positions) return [];
    const offset = -2 - s;
    return Array.from(this.positions.subarray(offset + 1, offset + 1 + (this.pool[offset] ?? 0)));
  }
}

/** `single[doc]` of a numeric column when the document has several values. */
export const MULTI = -Infinity;

/**
 * Values that are numbers: dates (epoch milliseconds) and numeric fields. `single[doc]` is
 * the value, `NaN` when absent, {@link MULTI} when the values are in `multi`.
 */
export class NumericColumn {
  readonly type: FieldType;
  single = new Float64Array(0);
  readonly multi = new Map<number, Float64Array>();

  constructor(type: FieldType) {
    this.type = type;
  }

  /** Makes room for documents `0 .. docCount - 1`. */
  reserve(docCount: number): void {
    this.single = grow(this.single, docCount, Number.NaN);
  }

  /** Sets a document's values (replacing any it had). */
  set(doc: number, values: readonly number[]): void {
    this.reserve(doc + 1);
    this.multi.delete(doc);
    if (values.length === 1 && values[0] !== undefined) {
      this.single[doc] = values[0];
    } else if (values.length === 0) {
      this.single[doc] = Number.NaN;
    } else {
      this.single[doc] = MULTI;
      this.multi.set(doc, Float64Array.from(values));
    }
  }

  /** Removes a document's values (re-indexing). */
  clear(doc: number): void {
    if (doc < this.single.length) this.single[doc] = Number.NaN;
    this.multi.delete(doc);
  }

  /** Whether the document has a value. */
  has(doc: number): boolean {
    return doc < this.single.length && !Number.isNaN(this.single[doc]);
  }

  /** The document's values (empty when absent). */
  valuesOf(doc: number): number[] {
    const v = doc < this.single.length ? (this.single[doc] ?? Number.NaN) : Number.NaN;
    if (Number.isNaN(v)) return [];
    if (v === MULTI) return Array.from(this.multi.get(doc) ?? []);
    return [v];
  }
}

/** A field's column. */
export type Column = TermColumn | NumericColumn;

/** Whether a field type is stored in a {@link NumericColumn}. */
export function isNumericType(type: FieldType): boolean {
  return (
    type !== 'text' &&
    type !== 'keyword' &&
    type !== 'ip' &&
    type !== 'boolean' &&
    type !== 'geo_point' &&
    type !== 'object'
  );
}
