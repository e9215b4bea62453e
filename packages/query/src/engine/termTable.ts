/**
 * A column's term dictionary: term ids by term text, as an open-addressing table of ids whose
 * keys are the column's own term list. Interning is the largest single cost of ingest (~30
 * terms an event); a `Map` lookup of a freshly parsed string took ~200 ns there. Terms are
 * written by whoever writes the events: the hash is seeded per table, and a run of probes longer
 * than {@link MAX_PROBES} (keys made to collide) moves the table to a `Map`, whose hashing V8
 * seeds itself, so no file of events can make loading quadratic. The `_id` lookup uses it too
 * (see `IdTable`).
 */
export class TermTable {
  /** Term id + 1 per slot, 0 when empty. Capacity is a power of two. */
  #slots = new Int32Array(16);
  #fallback: Map<string, number> | undefined;
  readonly #terms: readonly string[];
  readonly #hash: (term: string) => number;

  /**
   * `terms`: the term list (id -> text) this table indexes; the caller appends to it. `hash`
   * replaces the seeded hash (for tests).
   */
  constructor(terms: readonly string[], hash?: (term: string) => number) {
    this.#terms = terms;
    const seed = (Math.random() * 0x100000000) >>> 0;
    this.#hash = hash ?? ((term) => hashString(seed, term));
  }

  /** Whether terms collided enough to move the table to a `Map`. */
  get degraded(): boolean {
    return this.#fallback !== undefined;
  }

  /** The id of a term, or -1. */
  get(term: string): number {
    if (this.#fallback) return this.#fallback.get(term) ?? -1;
    const mask = this.#slots.length - 1;
    const terms = this.#terms;
    for (let slot = this.#hash(term) & mask; ; slot = (slot + 1) & mask) {
      const entry = this.#slots[slot] as number;
      if (entry === 0) return -1;
      if (terms[entry - 1] === term) return entry - 1;
    }
  }

  /**
   * The id of a term: its slot's, or `terms.length` after recording it there (the caller then
   * pushes the term, so that id is its index).
   */
  intern(term: string): number {
    if (this.#fallback) {
      const known = this.#fallback.get(term);
      if (known !== undefined) return known;
      this.#fallback.set(term, this.#terms.length);
      return this.#terms.length;
    }
    const terms = this.#terms;
    let mask = this.#slots.length - 1;
    const hash = this.#hash(term);
    let slot = hash & mask;
    let probes = 0;
    for (; ; slot = (slot + 1) & mask, probes++) {
      const entry = this.#slots[slot] as number;
      if (entry === 0) break;
      if (terms[entry - 1] === term) return entry - 1;
    }
    const id = terms.length;
    // At most half full (the new term included).
    if ((id + 1) * 2 > this.#slots.length) {
      this.#rehash(this.#slots.length * 2);
      mask = this.#slots.length - 1;
      for (slot = hash & mask; this.#slots[slot] !== 0; slot = (slot + 1) & mask) probes++;
    }
    this.#slots[slot] = id + 1;
    if (probes > MAX_PROBES) this.#degrade(term, id);
    return id;
  }

  #rehash(capacity: number): void {
    const terms = this.#terms;
    const slots = new Int32Array(capacity);
    const mask = capacity - 1;
    for (let id = 0; id < terms.length; id++) {
      let slot = this.#hash(terms[id] as string) & mask;
      while (slots[slot] !== 0) slot = (slot + 1) & mask;
      slots[slot] = id + 1;
    }
    this.#slots = slots;
  }

  /** Moves to a `Map`; `pending` (id `id`) is not in the term list yet. */
  #degrade(pending: string, id: number): void {
    const fallback = new Map<string, number>();
    this.#terms.forEach((term, known) => fallback.set(term, known));
    fallback.set(pending, id);
    this.#fallback = fallback;
    this.#slots = new Int32Array(0);
  }
}

/** Probes past which keys are taken to collide on purpose (see {@link TermTable}). */
export const MAX_PROBES = 256;

/** FNV-1a, from a seed, over a string's UTF-16 code units, low bits mixed. */
function hashString(seed: number, text: string): number {
  let hash = 0x811c9dc5 ^ seed;
  for (let i = 0; i < text.length; i++) hash = Math.imul(hash ^ text.charCodeAt(i), 0x01000193);
  // FNV's low bits, which pick the slot, are weak for short keys.
  hash ^= hash >>> 16;
  hash = Math.imul(hash, 0x85ebca6b);
  hash ^= hash >>> 13;
  return hash >>> 0;
}
