import { TermTable } from './termTable.js';

/** One `_index`'s ids: a term table over them, and the document each stands for. */
interface IndexIds {
  ids: string[];
  table: TermTable;
  docs: Int32Array;
}

/**
 * Document numbers by `_index` and `_id`: per index, a {@link TermTable} over its ids (the
 * term dictionaries' open-addressing table, with its seeded hash and its fallback when keys are
 * made to collide) and the document at each id's position. A `Map` per index held a hash entry
 * per event: ~40 bytes of heap per event at 1M events; this is ~20, mostly off the heap.
 */
export class IdTable {
  readonly #byIndex = new Map<string, IndexIds>();
  readonly #hash: ((id: string) => number) | undefined;

  /** `hash` replaces the tables' seeded hash (for tests). */
  constructor(hash?: (id: string) => number) {
    this.#hash = hash;
  }

  /** Whether any index's ids collided enough to move its table to a `Map`. */
  get degraded(): boolean {
    for (const { table } of this.#byIndex.values()) if (table.degraded) return true;
    return false;
  }

  /** The document stored under `index`/`id`, if any. */
  get(index: string, id: string): number | undefined {
    const ids = this.#byIndex.get(index);
    const at = ids ? ids.table.get(id) : -1;
    return at < 0 ? undefined : ids?.docs[at];
  }

  /**
   * Makes room for `count` more ids in `index`, so that adding them allocates the table and its
   * documents once (a bulk load or an appended segment knows how many come).
   */
  reserve(index: string, count: number): void {
    const ids = this.#idsOf(index);
    const total = ids.ids.length + count;
    ids.table.reserve(total);
    if (total > ids.docs.length) {
      const docs = new Int32Array(total);
      docs.set(ids.docs);
      ids.docs = docs;
    }
  }

  /** The `_index` names that hold ids. */
  indexes(): IterableIterator<string> {
    return this.#byIndex.keys();
  }

  #idsOf(index: string): IndexIds {
    let ids = this.#byIndex.get(index);
    if (!ids) {
      const list: string[] = [];
      ids = { ids: list, table: new TermTable(list, this.#hash), docs: new Int32Array(64) };
      this.#byIndex.set(index, ids);
    }
    return ids;
  }

  /**
   * The document stored under `index`/`id`; if there is none, records `doc` under it and returns
   * `doc`. One lookup where a {@link IdTable.get} and then recording it would hash the id twice.
   */
  claim(index: string, id: string, doc: number): number {
    const ids = this.#idsOf(index);
    const at = ids.table.intern(id);
    if (at < ids.ids.length) return ids.docs[at] as number;
    ids.ids.push(id);
    if (at >= ids.docs.length) {
      const docs = new Int32Array(ids.docs.length * 2);
      docs.set(ids.docs);
      ids.docs = docs;
    }
    ids.docs[at] = doc;
    return doc;
  }
}
