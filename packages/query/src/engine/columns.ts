import type { FieldType } from './mapping.js';
import { TermTable } from './termTable.js';

/**
 * Column storage of indexed values, one column per field, indexed by document number (store
 * order). Compiled predicates read these arrays directly, so a query costs a few typed-array
 * loads per event and no object walks.
 */

/** `single[doc]` when the document has no value for the field. */
export const ABSENT = -1;

/**
 * `array`, or a copy with room for `needed` entries. Capacity grows by half: the term pools of
 * 1M events run to tens of millions of entries, where doubling left up to half of them unused.
 */
function grow<T extends Int32Array | Float64Array>(
  array: T,
  needed: number,
  fill: number,
  exact = false,
): T {
  if (needed <= array.length) return array;
  let capacity = Math.max(16, array.length);
  if (exact) capacity = needed;
  while (capacity < needed) capacity = Math.ceil(capacity * 1.5);
  const bigger = new (array.constructor as new (n: number) => T)(capacity);
  bigger.set(array);
  bigger.fill(fill, array.length);
  return bigger;
}

/**
 * Whether an array of `capacity` entries, `used` of them in use, is worth trimming: up to a
 * sixteenth to spare is kept. A bulk load reserves a little more than it expects (see
 * `EventIndex.reserve`), and trimming that copied every column of a 1M-event load (~0.1 s)
 * to give back a few megabytes.
 */
export function worthTrimming(capacity: number, used: number): boolean {
  return capacity - used > used >>> 4;
}

/** `array`, or a copy of its first `used` entries when it is {@link worthTrimming}. */
function fitted<T extends Int32Array | Float64Array>(array: T, used: number): T {
  return worthTrimming(array.length, used) ? (array.slice(0, used) as T) : array;
}

/**
 * A column as plain data that survives a structured clone, its typed arrays transferable: a
 * worker that indexed part of a load hands its columns over this way (see
 * `EventIndex.segment`). Term ids are the segment's own; appending remaps them.
 */
export type ColumnSegment =
  | {
      kind: 'terms';
      type: FieldType;
      terms: string[];
      single: Int32Array;
      pool: Int32Array;
      positions: Int32Array | undefined;
    }
  | { kind: 'numbers'; type: FieldType; single: Float64Array; multi: [number, Float64Array][] };

/**
 * Values that are terms: keyword values, text tokens, IPs (by display form), booleans
 * (`"true"`/`"false"`) and geo points (by text, for `exists` only). Each distinct term gets an
 * id; a document holds its term ids.
 *
 * Layout: `single[doc]` is the term id when the document has exactly one term, {@link ABSENT}
 * when it has no value, and `-2 - offset` otherwise, where `pool[offset]` is the number of
 * terms n and `pool[offset + 1 .. offset + n]` are the term ids. A present value with no terms
 * (a text value with no tokens) is a pool entry with n = 0, so `exists` still sees it.
 *
 * Token positions of a text field: a document's tokens are at positions 0, 1, 2 ... in pool
 * order unless the field has several values (the next value starts 100 positions further on).
 * Until a document of the column has such positions, `positions` is `undefined` and a token's
 * position is its index among the document's tokens: for single-valued text (MozDef's
 * `summary`) that saves 4 bytes per token; from the first such document on, `positions` holds
 * every token's position, parallel to `pool`.
 */
export class TermColumn {
  readonly type: FieldType;
  /** Term text by id. */
  readonly terms: string[] = [];
  readonly #ids = new TermTable(this.terms);
  #lastTerm: string | undefined;
  #lastId = -1;
  single = new Int32Array(0);
  pool = new Int32Array(0);
  /** Token positions, parallel to `pool`; `undefined` while every document's are 0, 1, 2 ... */
  positions: Int32Array | undefined;
  #poolSize = 0;

  constructor(type: FieldType) {
    this.type = type;
  }

  /** The id of a term, or -1 if no document holds it. */
  idOf(term: string): number {
    return this.#ids.get(term);
  }

  /** The id of a term, created if new. */
  intern(term: string): number {
    // Many fields repeat the last event's value (severity, category, a host's name): a string
    // compare is cheaper than a hash lookup in a large map.
    if (term === this.#lastTerm) return this.#lastId;
    const id = this.#ids.intern(term);
    if (id === this.terms.length) this.terms.push(term);
    this.#lastTerm = term;
    this.#lastId = id;
    return id;
  }

  /** Makes room for documents `0 .. docCount - 1`. */
  reserve(docCount: number): void {
    this.single = grow(this.single, docCount, ABSENT);
  }

  /**
   * Makes room for `docCount` documents at once, and pool room for them at the rate of the
   * documents so far: growing step by step copies every array a dozen times on the way to a
   * million events, and each freed copy stays in the process's memory (see EventIndex.reserve).
   */
  reserveFor(docCount: number, docsSoFar: number): void {
    this.single = grow(this.single, docCount, ABSENT, true);
    if (docsSoFar <= 0 || this.#poolSize === 0) return;
    const entries = Math.ceil((this.#poolSize / docsSoFar) * docCount);
    this.pool = grow(this.pool, entries, 0, true);
    if (this.positions) this.positions = grow(this.positions, entries, 0, true);
  }

  /** Gives back the room reserved beyond documents `0 .. docCount - 1` and the pool in use. */
  fit(docCount: number): void {
    this.reserve(docCount);
    this.single = fitted(this.single, docCount);
    this.pool = fitted(this.pool, this.#poolSize);
    if (this.positions) this.positions = fitted(this.positions, this.#poolSize);
  }

  /** Sets a document's one term (replacing any it had). */
  setTerm(doc: number, termId: number): void {
    if (doc >= this.single.length) this.reserve(doc + 1);
    this.single[doc] = termId;
  }

  /** Sets a document's terms (replacing any it had). */
  set(doc: number, termIds: readonly number[], positions?: readonly number[]): void {
    if (termIds.length === 1 && termIds[0] !== undefined) {
      this.setTerm(doc, termIds[0]);
      return;
    }
    this.reserve(doc + 1);
    if (!this.positions && positions && !isSequence(positions)) this.#explicitPositions();
    const held = this.single[doc] as number;
    // As many terms as it held (re-indexing the same text): written where they were. (Not
    // fewer: the pool is walked entry by entry, so an entry keeps its length.)
    if (held <= -2 && this.pool[-2 - held] === termIds.length) {
      this.#write(-2 - held, termIds, positions);
      return;
    }
    const offset = this.#poolSize;
    this.#poolSize += termIds.length + 1;
    this.pool = grow(this.pool, this.#poolSize, 0);
    if (this.positions) this.positions = grow(this.positions, this.#poolSize, 0);
    this.#write(offset, termIds, positions);
    this.single[doc] = -2 - offset;
  }

  /** Writes a pool entry at `offset` (its room checked by the caller). */
  #write(offset: number, termIds: readonly number[], positions?: readonly number[]): void {
    this.pool[offset] = termIds.length;
    this.pool.set(termIds, offset + 1);
    if (this.positions) {
      if (positions) this.positions.set(positions, offset + 1);
      else for (let k = 0; k < termIds.length; k++) this.positions[offset + 1 + k] = k;
    }
  }

  /**
   * The column's first `docCount` documents as a {@link ColumnSegment}: views of its arrays,
   * not copies (fitting them would allocate and free a copy of each only for it to be read once).
   */
  segment(docCount: number): ColumnSegment {
    this.reserve(docCount);
    return {
      kind: 'terms',
      type: this.type,
      terms: this.terms,
      single: this.single.subarray(0, docCount),
      pool: this.pool.subarray(0, this.#poolSize),
      positions: this.positions?.subarray(0, this.#poolSize),
    };
  }

  /**
   * Appends a segment's documents as documents `base ..`: its terms are interned here and its
   * ids remapped, its pool entries copied after this column's. With `adopt` (the segment's
   * arrays are the caller's to give) an empty column takes them as they are.
   */
  append(
    segment: Extract<ColumnSegment, { kind: 'terms' }>,
    base: number,
    docCount: number,
    adopt = false,
  ): void {
    const empty = base === 0 && this.terms.length === 0 && this.#poolSize === 0;
    const remap = new Int32Array(segment.terms.length);
    let same = true;
    for (let t = 0; t < segment.terms.length; t++) {
      remap[t] = this.intern(segment.terms[t] as string);
      same &&= remap[t] === t;
    }
    if (adopt && empty && same) {
      // Its ids are this column's: nothing to remap or copy (a load read back whole). A
      // segment's arrays are never shared memory (they are copied or transferred to get here).
      this.single = segment.single.subarray(0, docCount) as Int32Array<ArrayBuffer>;
      this.pool = segment.pool as Int32Array<ArrayBuffer>;
      this.#poolSize = segment.pool.length;
      this.positions = segment.positions;
      return;
    }
    // Exactly the room the segment needs, if there is not enough: an append is the end of a
    // load (a worker's part, or the index cache), and growing by half there only to trim it
    // again copied each column twice.
    this.single = grow(this.single, base + docCount, ABSENT, true);
    const offset = this.#poolSize;
    const from = segment.pool;
    const size = from.length;
    this.pool = grow(this.pool, offset + size, 0, true);
    const pool = this.pool;
    for (let o = 0; o < size;) {
      const count = from[o] as number;
      pool[offset + o] = count;
      for (let k = 1; k <= count; k++)
        pool[offset + o + k] = remap[from[o + k] as number] as number;
      o += count + 1;
    }
    this.#poolSize += size;
    if (segment.positions && !this.positions) this.#explicitPositions();
    if (this.positions) {
      this.positions = grow(this.positions, this.#poolSize, 0, true);
      if (segment.positions) this.positions.set(segment.positions.subarray(0, size), offset);
      else this.#implicitPositions(this.positions, offset, this.#poolSize);
    }
    const single = this.single;
    const singles = segment.single;
    for (let d = 0; d < docCount; d++) {
      const s = singles[d] as number;
      // A pool entry's `-2 - o` moves by the offset its entry moved by.
      single[base + d] = s >= 0 ? (remap[s] as number) : s === ABSENT ? ABSENT : s - offset;
    }
  }

  /** Switches to explicit positions: the implicit ones of the documents so far, written out. */
  #explicitPositions(): void {
    const positions = new Int32Array(this.pool.length);
    this.#implicitPositions(positions, 0, this.#poolSize);
    this.positions = positions;
  }

  /** Writes the implicit positions (0, 1, 2 ...) of the pool entries in `[from, to)`. */
  #implicitPositions(positions: Int32Array, from: number, to: number): void {
    for (let offset = from; offset < to; offset += (this.pool[offset] ?? 0) + 1)
      for (let k = 1; k <= (this.pool[offset] ?? 0); k++) positions[offset + k] = k - 1;
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
    if (s === ABSENT) return [];
    const offset = -2 - s;
    const count = this.pool[offset] ?? 0;
    if (!this.positions) return Array.from({ length: count }, (_, k) => k);
    return Array.from(this.positions.subarray(offset + 1, offset + 1 + count));
  }
}

/** Whether positions are 0, 1, 2 ... */
function isSequence(positions: readonly number[]): boolean {
  for (let k = 0; k < positions.length; k++) if (positions[k] !== k) return false;
  return true;
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

  /** Makes room for `docCount` documents at once (see TermColumn.reserveFor). */
  reserveFor(docCount: number): void {
    this.single = grow(this.single, docCount, Number.NaN, true);
  }

  /** Gives back the room reserved beyond documents `0 .. docCount - 1`. */
  fit(docCount: number): void {
    this.reserve(docCount);
    this.single = fitted(this.single, docCount);
  }

  /** The column's first `docCount` documents as a {@link ColumnSegment}. */
  segment(docCount: number): ColumnSegment {
    this.reserve(docCount);
    return {
      kind: 'numbers',
      type: this.type,
      single: this.single.subarray(0, docCount),
      multi: [...this.multi],
    };
  }

  /** Appends a segment's documents as documents `base ..`. */
  append(
    segment: Extract<ColumnSegment, { kind: 'numbers' }>,
    base: number,
    docCount: number,
    adopt = false,
  ): void {
    if (adopt && base === 0 && this.single.length === 0 && this.multi.size === 0) {
      this.single = segment.single.subarray(0, docCount) as Float64Array<ArrayBuffer>;
      for (const [doc, values] of segment.multi) this.multi.set(doc, values);
      return;
    }
    this.single = grow(this.single, base + docCount, Number.NaN, true); // as TermColumn.append
    this.single.set(segment.single.subarray(0, docCount), base);
    for (const [doc, values] of segment.multi) this.multi.set(base + doc, values);
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
