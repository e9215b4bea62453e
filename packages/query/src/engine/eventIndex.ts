import type { EventRef, JsonObject, StoredEvent } from '@alertkit/core';
import {
  type Column,
  type ColumnSegment,
  MULTI,
  NumericColumn,
  TermColumn,
  isNumericType,
  worthTrimming,
} from './columns.js';
import { type PreparedEvent, eventPreparer } from './ingest.js';
import { type FieldMapping, type IndexMapping, sameField } from './mapping.js';
import { IdTable } from './idTable.js';
import type { SourceCompression } from './blockCodec.js';
import { type SourceSegment, SourceStore, sourceTextOf } from './sourceStore.js';

/**
 * An index's documents as plain data that survives a structured clone, its arrays and
 * compressed blocks transferable: what a worker that indexed part of a load hands back to be
 * appended (see {@link EventIndex.appendSegment}).
 */
export interface IndexSegment {
  /** The segment's whole mapping (its start plus the fields its events mapped), in order. */
  mapping: [string, FieldMapping][];
  columns: [string, ColumnSegment][];
  sources: SourceSegment;
  /**
   * The window fields' time indexes where they are sorted lists (not the column itself), so a
   * store that adopts the segment whole need not sort them again.
   */
  times?: [string, SortedTimes][];
}

/** A time index written out and sorted: `times[i]` is document `docs[i]`'s time. */
export interface SortedTimes {
  times: Float64Array;
  docs: Int32Array;
}

/** The two timestamps a window looks at (MozDef: utctimestamp OR receivedtimestamp). */
export const WINDOW_FIELDS = ['utctimestamp', 'receivedtimestamp'] as const;

/**
 * A date field's values sorted by time, so a window is two binary searches. Built lazily:
 * appends in time order keep it sorted for free; anything else re-sorts on the next window.
 *
 * While every document has one time and they arrive in time order (an events file as logs are
 * written), the column itself is that sorted list (document `i` is entry `i`), and nothing is
 * copied: 12 bytes per event and field saved. The first document out of order (or with no time,
 * or several) writes the list out.
 */
class TimeIndex {
  #times = new Float64Array(0);
  #docs = new Int32Array(0);
  #size = 0;
  /** Entry `i` is document `i`, its time the column's `single[i]`: the arrays are unused. */
  #identity = true;
  #last = -Infinity;
  #sorted = true;
  #stale = false;

  append(doc: number, times: readonly number[], column: NumericColumn | undefined): void {
    if (times.length === 1) {
      this.appendOne(doc, times[0] as number, column);
      return;
    }
    if (this.#stale) return;
    // No time, or several: entry i is no longer document i.
    if (this.#identity) this.#writeOut(column);
    for (const time of times) this.appendOne(doc, time, column);
  }

  /** {@link TimeIndex.append} of a document with one time. */
  appendOne(doc: number, time: number, column: NumericColumn | undefined): void {
    if (this.#stale) return;
    if (this.#identity) {
      if (doc === this.#size && time >= this.#last) {
        this.#last = time;
        this.#size++;
        return;
      }
      this.#writeOut(column);
    }
    if (this.#size === this.#times.length) this.#resize(Math.max(1024, this.#size * 2));
    if (this.#size > 0 && time < (this.#times[this.#size - 1] ?? 0)) this.#sorted = false;
    this.#times[this.#size] = time;
    this.#docs[this.#size] = doc;
    this.#size++;
  }

  /** Leaves identity mode: the list so far, written out from the column. */
  #writeOut(column: NumericColumn | undefined): void {
    this.#identity = false;
    this.#resize(Math.max(1024, this.#size * 2));
    for (let i = 0; i < this.#size; i++) {
      this.#times[i] = column?.single[i] ?? 0;
      this.#docs[i] = i;
    }
  }

  #resize(capacity: number): void {
    const times = new Float64Array(capacity);
    times.set(this.#times.subarray(0, Math.min(this.#size, capacity)));
    this.#times = times;
    const docs = new Int32Array(capacity);
    docs.set(this.#docs.subarray(0, Math.min(this.#size, capacity)));
    this.#docs = docs;
  }

  /** Makes room for `count` times at once. */
  reserve(count: number): void {
    if (!this.#identity && count > this.#times.length) this.#resize(count);
  }

  /** Gives back the room reserved beyond the times held, and sorts them if they are not. */
  fit(): void {
    if (this.#identity || this.#stale) return;
    if (worthTrimming(this.#times.length, this.#size)) this.#resize(this.#size);
    // At the end of a bulk load rather than in the first window query of a run.
    if (!this.#sorted) this.#sort();
  }

  /** The index as a sorted list, if it is one (written out, sorted, not stale). */
  sortedList(): SortedTimes | undefined {
    if (this.#identity || this.#stale || !this.#sorted) return undefined;
    return { times: this.#times.subarray(0, this.#size), docs: this.#docs.subarray(0, this.#size) };
  }

  /** Takes a sorted list (of a segment adopted by an empty store) as this index. */
  adopt(list: SortedTimes): void {
    this.#identity = false;
    this.#stale = false;
    this.#sorted = true;
    this.#size = list.times.length;
    this.#times = list.times as Float64Array<ArrayBuffer>;
    this.#docs = list.docs as Int32Array<ArrayBuffer>;
  }

  /** A document's times changed in place: rebuild from the column on the next window. */
  invalidate(): void {
    this.#stale = true;
  }

  #rebuild(column: NumericColumn | undefined, docCount: number): void {
    this.#size = 0;
    this.#identity = true;
    this.#last = -Infinity;
    this.#times = new Float64Array(0);
    this.#docs = new Int32Array(0);
    this.#sorted = true;
    this.#stale = false;
    if (!column) return;
    for (let doc = 0; doc < docCount; doc++) this.append(doc, column.valuesOf(doc), column);
  }

  #sort(): void {
    const [times, docs] = sortByTime(this.#times, this.#docs, this.#size);
    this.#times = times;
    this.#docs = docs;
    this.#sorted = true;
  }

  #lowerBound(times: Float64Array, time: number): number {
    let lo = 0;
    let hi = this.#size;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((times[mid] ?? 0) < time) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** Pushes the documents with a time in `[from, to]` (both included). */
  collect(
    column: NumericColumn | undefined,
    docCount: number,
    from: number,
    to: number,
    out: number[],
  ): void {
    if (this.#stale) this.#rebuild(column, docCount);
    if (this.#identity) {
      if (!column) return;
      const end = this.#lowerBound(column.single, to + 1);
      for (let i = this.#lowerBound(column.single, from); i < end; i++) out.push(i);
      return;
    }
    if (!this.#sorted) this.#sort();
    const end = this.#lowerBound(this.#times, to + 1);
    for (let i = this.#lowerBound(this.#times, from); i < end; i++) out.push(this.#docs[i] ?? 0);
  }
}

/**
 * Sorts the first `size` entries of `times` (and `docs` with them) by time, stably: a bottom-up
 * merge sort that starts from the runs already in order. Events files are mostly runs of
 * ordered events (one per file or per day), so this is a few merge passes; a sort with a
 * comparator took ~0.5 s over 1M times, in the first window query of a run. The arrays given
 * are reused as scratch: use the ones returned.
 */
export function sortByTime(
  times: Float64Array<ArrayBuffer>,
  docs: Int32Array<ArrayBuffer>,
  size: number,
): [Float64Array<ArrayBuffer>, Int32Array<ArrayBuffer>] {
  // Run starts: i where the order breaks, plus 0 and size.
  let starts: number[] = [0];
  for (let i = 1; i < size; i++)
    if ((times[i] as number) < (times[i - 1] as number)) starts.push(i);
  starts.push(size);
  let fromTimes = times;
  let fromDocs = docs;
  let toTimes = new Float64Array(times.length);
  let toDocs = new Int32Array(docs.length);
  if (starts.length > 3 && concatenateRuns(times, docs, starts, toTimes, toDocs))
    return [toTimes, toDocs];
  while (starts.length > 2) {
    const merged: number[] = [0];
    for (let r = 0; r + 1 < starts.length; r += 2) {
      const lo = starts[r] as number;
      const mid = starts[r + 1] as number;
      const hi = (r + 2 < starts.length ? starts[r + 2] : mid) as number;
      let i = lo;
      let j = mid;
      let k = lo;
      while (i < mid && j < hi) {
        // `<=` keeps equal times in their order: stable.
        if ((fromTimes[i] as number) <= (fromTimes[j] as number)) {
          toTimes[k] = fromTimes[i] as number;
          toDocs[k++] = fromDocs[i++] as number;
        } else {
          toTimes[k] = fromTimes[j] as number;
          toDocs[k++] = fromDocs[j++] as number;
        }
      }
      for (; i < mid; i++, k++) {
        toTimes[k] = fromTimes[i] as number;
        toDocs[k] = fromDocs[i] as number;
      }
      for (; j < hi; j++, k++) {
        toTimes[k] = fromTimes[j] as number;
        toDocs[k] = fromDocs[j] as number;
      }
      merged.push(hi);
    }
    starts = merged;
    [fromTimes, toTimes] = [toTimes, fromTimes];
    [fromDocs, toDocs] = [toDocs, fromDocs];
  }
  return [fromTimes, fromDocs];
}

/**
 * Writes the runs of `times` (starting at `starts`, which ends with the size) into `toTimes` and
 * `toDocs` in time order, and returns true, when they do not overlap: each run's times all come
 * after the run before it in time (files read newest first, or in no particular order). One
 * pass, where merging ~360 runs of days took nine. False, writing nothing, when they overlap.
 */
function concatenateRuns(
  times: Float64Array,
  docs: Int32Array,
  starts: readonly number[],
  toTimes: Float64Array,
  toDocs: Int32Array,
): boolean {
  const runs: number[] = [];
  for (let r = 0; r + 1 < starts.length; r++) runs.push(r);
  const first = (r: number): number => times[starts[r] as number] as number;
  const last = (r: number): number => times[(starts[r + 1] as number) - 1] as number;
  // By first time, then by position: equal times keep their order (the sort is stable).
  runs.sort((a, b) => first(a) - first(b) || a - b);
  for (let i = 1; i < runs.length; i++) {
    const before = runs[i - 1] as number;
    const run = runs[i] as number;
    if (first(run) < last(before) || (first(run) === last(before) && run < before)) return false;
  }
  let k = 0;
  for (const run of runs) {
    const lo = starts[run] as number;
    const hi = starts[run + 1] as number;
    toTimes.set(times.subarray(lo, hi), k);
    toDocs.set(docs.subarray(lo, hi), k);
    k += hi - lo;
  }
  return true;
}

/**
 * The events of a store and their columns. Document numbers are store order (insertion order);
 * re-indexing an event (tagging, or adding an event whose `_index`/`_id` is already there)
 * keeps its number.
 */
export class EventIndex {
  readonly mapping: IndexMapping;
  /** The events' sources (compressed JSON), read back for hits. */
  readonly sources: SourceStore;
  readonly columns = new Map<string, Column>();
  /** Document numbers by `_index` and `_id`. */
  readonly #docs = new IdTable();
  /** The window fields' documents in time order (see TimeIndex). */
  readonly #timeIndexes = new Map<string, TimeIndex>(
    WINDOW_FIELDS.map((field) => [field, new TimeIndex()]),
  );

  /** Parses an event against {@link EventIndex.mapping} (reusing one parser). */
  readonly #prepare: (event: StoredEvent) => PreparedEvent;
  /** The documents the last {@link EventIndex.reserve} made room for. */
  #reserved = 0;

  /** `compression`: how the sources' blocks are compressed (see {@link SourceStore}). */
  constructor(mapping: IndexMapping, compression?: SourceCompression) {
    this.mapping = mapping;
    this.sources = new SourceStore(compression);
    this.#prepare = eventPreparer(mapping);
  }

  /** Number of documents. */
  get size(): number {
    return this.sources.size;
  }

  /** The document number of a stored event. */
  docOf(ref: EventRef): number | undefined {
    return this.#docs.get(ref._index, ref._id);
  }

  /** A stored event (decoded anew on each call; treat it as read-only). */
  event(doc: number): StoredEvent | undefined {
    return this.sources.event(doc);
  }

  /** Every stored event, in store order (decodes them all: for tools over small stores). */
  *allEvents(): Generator<StoredEvent> {
    for (let doc = 0; doc < this.size; doc++) yield this.sources.event(doc) as StoredEvent;
  }

  /**
   * Indexes an event and returns its document number. The store keeps the event's JSON, so later
   * changes to the caller's object do not leak in; `owned` says the caller hands over a freshly
   * parsed object whose source text (see `parseEventJson`) may be kept as it is. Throws
   * `MAPPING_CONFLICT` without changing anything when Elasticsearch would refuse the event. An
   * existing `_index`/`_id` is overwritten in place.
   */
  add(event: StoredEvent, owned = false): number {
    const prepared = this.#prepare(event);
    // The next document number, claimed for the id unless it is stored already.
    const next = this.size;
    const doc = this.#docs.claim(event._index, event._id, next);
    if (doc !== next) {
      const source = owned ? event._source : structuredClone(event._source);
      this.#replace(doc, source, prepared);
      return doc;
    }
    const text = owned ? sourceTextOf(event._source) : undefined;
    this.sources.append(event._index, event._id, event._source, text);
    this.#commit(doc, prepared);
    this.#indexTimes(doc, doc + 1);
    return doc;
  }

  /** Adds documents `from .. to - 1` (just added) to the window fields' time indexes. */
  #indexTimes(from: number, to: number, skip?: ReadonlySet<string>): void {
    for (const field of WINDOW_FIELDS) {
      if (skip?.has(field)) continue;
      const column = this.columns.get(field);
      const index = this.#timeIndexes.get(field);
      if (!(column instanceof NumericColumn) || !index) continue;
      for (let doc = from; doc < to; doc++) {
        // A column is grown only by documents with a value: past its end, this one has none.
        const time = doc < column.single.length ? (column.single[doc] as number) : Number.NaN;
        // One time (the rule): no array for it.
        if (time === MULTI || Number.isNaN(time)) index.append(doc, column.valuesOf(doc), column);
        else index.appendOne(doc, time, column);
      }
    }
  }

  /** Re-indexes a document whose `_source` was changed (e.g. by tagging). */
  reindex(doc: number, source: StoredEvent['_source']): void {
    if (doc < 0 || doc >= this.size) return;
    const updated: StoredEvent = {
      _index: this.sources.indexOf(doc),
      _id: this.sources.idOf(doc),
      _source: source,
    };
    this.#replace(doc, source, this.#prepare(updated));
  }

  #replace(doc: number, source: JsonObject, prepared: PreparedEvent): void {
    const before = WINDOW_FIELDS.map((field) => this.#numbersOf(field, doc).join());
    // The fields the event has again are overwritten (a text's tokens in place, when they fit
    // where they were: tagging an event re-indexes it whole, and appending its tokens again grew
    // the pool of MozDef's summary, ~40 MB at 1M events, by half in the first cycle).
    const again = new Set<string>();
    for (const field of prepared.fields) again.add(field.path);
    for (const [path, column] of this.columns) if (!again.has(path)) column.clear(doc);
    this.sources.replace(doc, source);
    this.#commit(doc, prepared);
    WINDOW_FIELDS.forEach((field, i) => {
      if (this.#numbersOf(field, doc).join() !== before[i])
        this.#timeIndexes.get(field)?.invalidate();
    });
  }

  /**
   * The index as an {@link IndexSegment} and the buffers to transfer with it. The segment
   * shares the index's arrays: the index must not be used once they are transferred.
   */
  async segment(): Promise<{ segment: IndexSegment; transfer: ArrayBuffer[] }> {
    const { segment: sources, transfer } = await this.sources.segment();
    const columns: [string, ColumnSegment][] = [];
    for (const [path, column] of this.columns) {
      const data = column.segment(this.size);
      columns.push([path, data]);
      transfer.push(data.single.buffer as ArrayBuffer);
      if (data.kind === 'terms') {
        transfer.push(data.pool.buffer as ArrayBuffer);
        if (data.positions) transfer.push(data.positions.buffer as ArrayBuffer);
      }
    }
    const times: [string, SortedTimes][] = [];
    for (const [field, index] of this.#timeIndexes) {
      const list = index.sortedList();
      if (!list) continue;
      times.push([field, list]);
      transfer.push(list.times.buffer as ArrayBuffer, list.docs.buffer as ArrayBuffer);
    }
    const mapping = this.mapping.state().fields;
    return { segment: { mapping, columns, sources, times }, transfer: [...new Set(transfer)] };
  }

  /**
   * Appends a segment's documents after this index's, as if its events had been added here
   * in order, and returns true; or returns false and changes nothing when that would not give
   * the same index: an event of the segment has an `_index`/`_id` already here (it would
   * replace that document), a field is mapped differently in each (this index would have
   * refused or converted its values), or the fields of both exceed the total fields limit.
   * The caller then adds the segment's events one by one instead. `adopt`: the segment's
   * arrays may be taken as they are by the columns this index does not have yet.
   */
  appendSegment(segment: IndexSegment, adopt = false): boolean {
    const { sources } = segment;
    const count = sources.ids.length;
    for (let d = 0; d < count; d++) {
      const index = sources.indexNames[sources.indexOf[d] as number] as string;
      if (this.#docs.get(index, sources.ids[d] as string) !== undefined) return false;
    }
    const added: [string, FieldMapping][] = [];
    for (const [path, field] of segment.mapping) {
      const known = this.mapping.get(path);
      if (!known) added.push([path, field]);
      else if (!sameField(known, field)) return false;
    }
    if (this.mapping.fieldCount + added.length > this.mapping.limits.totalFields) return false;
    for (const [path, data] of segment.columns) {
      const column = this.columns.get(path);
      if (column && column instanceof NumericColumn !== (data.kind === 'numbers')) return false;
    }

    if (added.length > 0) this.mapping.add(added);
    const base = this.size;
    this.sources.appendSegment(sources);
    const perIndex = new Array<number>(sources.indexNames.length).fill(0);
    for (let d = 0; d < count; d++) (perIndex[sources.indexOf[d] as number] as number)++;
    perIndex.forEach((n, i) => n > 0 && this.#docs.reserve(sources.indexNames[i] as string, n));
    for (let d = 0; d < count; d++) {
      const index = sources.indexNames[sources.indexOf[d] as number] as string;
      this.#docs.claim(index, sources.ids[d] as string, base + d);
    }
    for (const [path, data] of segment.columns) {
      let column = this.columns.get(path);
      if (!column) {
        column = data.kind === 'numbers' ? new NumericColumn(data.type) : new TermColumn(data.type);
        this.columns.set(path, column);
      }
      if (data.kind === 'numbers' && column instanceof NumericColumn)
        column.append(data, base, count, adopt);
      else if (data.kind === 'terms' && column instanceof TermColumn)
        column.append(data, base, count, adopt);
    }
    // Read back whole (the index cache): its sorted time lists as they are; sorting them again
    // was ~0.2 s of reading 1M events back.
    const adopted = new Set<string>();
    if (adopt && base === 0)
      for (const [field, list] of segment.times ?? []) {
        const index = this.#timeIndexes.get(field);
        if (!index || list.times.length !== list.docs.length) continue;
        index.adopt(list);
        adopted.add(field);
      }
    this.#indexTimes(base, base + count, adopted);
    return true;
  }

  #numbersOf(field: string, doc: number): number[] {
    const column = this.columns.get(field);
    return column instanceof NumericColumn ? column.valuesOf(doc) : [];
  }

  #commit(doc: number, prepared: PreparedEvent): void {
    if (prepared.newMappings.length > 0) this.mapping.add(prepared.newMappings);
    for (const field of prepared.fields) {
      let column = this.columns.get(field.path);
      if (!column) {
        const type = this.mapping.get(field.path)?.type ?? 'keyword';
        column = isNumericType(type) ? new NumericColumn(type) : new TermColumn(type);
        this.columns.set(field.path, column);
        // A field first met during a reserved bulk load: room for the whole load at once, as
        // the columns there were got. Growing it step by step from here copied and refilled
        // its arrays ~30 times: ~0.3 s of a 1M-event load whose fields keep appearing.
        if (this.#reserved > doc) column.reserveFor(this.#reserved, doc);
      }
      if (field.kind === 'numbers' && column instanceof NumericColumn)
        column.set(doc, field.numbers);
      else if (field.kind === 'terms' && column instanceof TermColumn) {
        const terms = field.terms;
        // Most fields hold one term: no array of ids for them.
        if (terms.length === 1) column.setTerm(doc, column.intern(terms[0] as string));
        else {
          const ids: number[] = new Array<number>(terms.length);
          for (let t = 0; t < terms.length; t++) ids[t] = column.intern(terms[t] as string);
          column.set(doc, ids, field.positions);
        }
      }
    }
  }

  /**
   * Makes room for `docCount` documents in the columns there are (and their term pools, at the
   * rate of the documents so far), so a bulk load of that many allocates each array once.
   * Growing step by step instead copies each array a dozen times on the way to 1M events, and
   * glibc's malloc keeps most freed copies in the process (it raises its mmap threshold each
   * time a large block is freed): ~100 MB more resident at 1M events.
   */
  reserve(docCount: number): number {
    if (docCount <= this.size) return this.size;
    // The arrays get a thirty-second more than asked, which `fit` keeps (see `fitted`): an
    // estimate a little short (984,076 for a 1M-event file, from its first lines) otherwise
    // grew every column by half at the end of the load, and trimmed it again: ~0.35 s of
    // copying. The id table gets no more than asked: it doubles at each power of two.
    const room = docCount + Math.ceil(docCount / 32);
    this.#reserved = room;
    for (const column of this.columns.values())
      if (column instanceof TermColumn) column.reserveFor(room, this.size);
      else column.reserveFor(room);
    for (const [field, times] of this.#timeIndexes) {
      const column = this.columns.get(field);
      const perDoc = column instanceof NumericColumn && this.size > 0 ? 1 : 0;
      times.reserve(room * perDoc);
    }
    this.sources.reserve(room);
    // Ids: when one `_index` holds them all so far (an events file usually is one index),
    // room for the rest there; several indexes would each take room for all.
    const indexes = [...this.#docs.indexes()];
    if (indexes.length === 1) this.#docs.reserve(indexes[0] as string, docCount - this.size);
    return room;
  }

  /**
   * Gives back the room the columns reserved for more documents (up to half again what they
   * hold) and sorts the time indexes: for the end of a large ingest. Adding more later simply
   * grows them again.
   */
  fit(): void {
    this.#reserved = 0;
    for (const column of this.columns.values()) column.fit(this.size);
    for (const times of this.#timeIndexes.values()) times.fit();
  }

  /** A field's column with room for every document (so predicates read no holes). */
  column(path: string): Column | undefined {
    const column = this.columns.get(path);
    column?.reserve(this.size);
    return column;
  }

  /**
   * The documents whose `utctimestamp` or `receivedtimestamp` lies in `[from, to]`, in store
   * order, without duplicates.
   */
  windowDocs(from: number, to: number): Int32Array {
    const found: number[] = [];
    for (const field of WINDOW_FIELDS) {
      const column = this.columns.get(field);
      this.#timeIndexes
        .get(field)
        ?.collect(column instanceof NumericColumn ? column : undefined, this.size, from, to, found);
    }
    const docs = Int32Array.from(found).sort();
    let unique = 0;
    for (let i = 0; i < docs.length; i++) {
      if (i === 0 || docs[i] !== docs[i - 1]) docs[unique++] = docs[i] ?? 0;
    }
    return docs.subarray(0, unique);
  }
}
