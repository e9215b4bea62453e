/**
 * Document numbers by `_index` and `_id`: an open-addressing hash table of document numbers
 * whose keys are read back from the documents themselves (the source store keeps every
 * document's `_index` and `_id` anyway). A `Map` per index held a second reference and a hash
 * entry per event: ~8% of ingest time and ~40 bytes of heap per event at 1M events; this table
 * is 8 bytes per event, off the heap.
 *
 * Ids are written by whoever writes the events: the hash is seeded per table, and a run of
 * probes longer than {@link MAX_PROBES} (keys made to collide) moves the table to a `Map`, whose
 * hashing V8 seeds itself, so no file of ids can make loading quadratic.
 */
export class IdTable {
  /** Document number + 1 per slot, 0 when empty. Capacity is a power of two. */
  #slots = new Int32Array(1024);
  #size = 0;
  /** The table once keys collided too much: `index \0 id` -> document. */
  #fallback: Map<string, number> | undefined;
  readonly #indexOf: (doc: number) => string;
  readonly #idOf: (doc: number) => string;
  readonly #hash: (index: string, id: string) => number;

  /**
   * `indexOf` and `idOf` read a stored document's `_index` and `_id`; `hash` replaces the
   * seeded hash (for tests).
   */
  constructor(
    indexOf: (doc: number) => string,
    idOf: (doc: number) => string,
    hash?: (index: string, id: string) => number,
  ) {
    this.#indexOf = indexOf;
    this.#idOf = idOf;
    const seed = (Math.random() * 0x100000000) >>> 0;
    this.#hash = hash ?? ((index, id) => hashOf(seed, index, id));
  }

  /** Whether keys collided enough to move the table to a `Map` (see the class). */
  get degraded(): boolean {
    return this.#fallback !== undefined;
  }

  /** The document stored under `index`/`id`, if any. */
  get(index: string, id: string): number | undefined {
    if (this.#fallback) return this.#fallback.get(`${index}\u0000${id}`);
    const mask = this.#slots.length - 1;
    for (let slot = this.#hash(index, id) & mask; ; slot = (slot + 1) & mask) {
      const entry = this.#slots[slot] as number;
      if (entry === 0) return undefined;
      const doc = entry - 1;
      if (this.#idOf(doc) === id && this.#indexOf(doc) === index) return doc;
    }
  }

  /** Records a document under its `_index`/`_id` (which must not be stored yet). */
  add(index: string, id: string, doc: number): void {
    this.#size++;
    if (this.#fallback) {
      this.#fallback.set(`${index}\u0000${id}`, doc);
      return;
    }
    // At most half full: probes stay short.
    if (this.#size * 2 > this.#slots.length) this.#rehash(this.#slots.length * 2);
    if (!this.#insert(this.#hash(index, id), doc)) this.#degrade();
  }

  /** Makes room for `count` documents at once (a bulk load). */
  reserve(count: number): void {
    if (this.#fallback) return;
    let capacity = this.#slots.length;
    while (count * 2 > capacity) capacity *= 2;
    if (capacity > this.#slots.length) this.#rehash(capacity);
  }

  /** Puts a document in its slot; false (and it is still put) after too long a run of probes. */
  #insert(hash: number, doc: number): boolean {
    const mask = this.#slots.length - 1;
    let slot = hash & mask;
    let probes = 0;
    while (this.#slots[slot] !== 0) {
      slot = (slot + 1) & mask;
      probes++;
    }
    this.#slots[slot] = doc + 1;
    return probes <= MAX_PROBES;
  }

  #rehash(capacity: number): void {
    const old = this.#slots;
    this.#slots = new Int32Array(capacity);
    let clustered = false;
    for (let slot = 0; slot < old.length; slot++) {
      const entry = old[slot] as number;
      if (entry === 0) continue;
      const doc = entry - 1;
      if (!this.#insert(this.#hash(this.#indexOf(doc), this.#idOf(doc)), doc)) clustered = true;
    }
    if (clustered) this.#degrade();
  }

  #degrade(): void {
    const fallback = new Map<string, number>();
    for (const entry of this.#slots)
      if (entry !== 0)
        fallback.set(`${this.#indexOf(entry - 1)}\u0000${this.#idOf(entry - 1)}`, entry - 1);
    this.#fallback = fallback;
    this.#slots = new Int32Array(0);
  }
}

/** Probes past which keys are taken to collide on purpose (see {@link IdTable}). */
export const MAX_PROBES = 256;

/** FNV-1a, from a seed, over the index name, a separator and the id (UTF-16 code units). */
function hashOf(seed: number, index: string, id: string): number {
  let hash = 0x811c9dc5 ^ seed;
  for (let i = 0; i < index.length; i++) hash = Math.imul(hash ^ index.charCodeAt(i), 0x01000193);
  hash = Math.imul(hash ^ 0xffff, 0x01000193);
  for (let i = 0; i < id.length; i++) hash = Math.imul(hash ^ id.charCodeAt(i), 0x01000193);
  return mix(hash);
}

/** FNV-1a, from a seed, over a string's UTF-16 code units (see {@link IdTable}). */
export function hashString(seed: number, text: string): number {
  let hash = 0x811c9dc5 ^ seed;
  for (let i = 0; i < text.length; i++) hash = Math.imul(hash ^ text.charCodeAt(i), 0x01000193);
  return mix(hash);
}

/** Mixes the low bits, which pick the slot (FNV's low bits are weak for short keys). */
function mix(value: number): number {
  let hash = value ^ (value >>> 16);
  hash = Math.imul(hash, 0x85ebca6b);
  hash ^= hash >>> 13;
  return hash >>> 0;
}
