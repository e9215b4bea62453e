/**
 * A column's term dictionary: term ids by term text, as an open-addressing table of ids whose
 * keys are the column's own term list. Interning is the largest single cost of ingest (~30
 * terms an event); a `Map` lookup of a freshly parsed string took ~200 ns there. Terms are
 * written by whoever writes the events: the hash is seeded at random once per process, and a run
 * of probes longer than {@link MAX_PROBES} (keys made to collide) moves the table to a `Map`,
 * whose hashing V8 seeds itself, so no file of events can make loading quadratic. The `_id`
 * lookup uses it too (see `IdTable`).
 */
export class TermTable {
  /**
   * Two entries per slot: the term id + 1 (0 when empty) and the term's hash. Probing compares
   * hashes before texts, so a probe past another key reads no string (in a table of 1M ids,
   * each such read was a cache miss: interning them took ~260 ms, most of it there), and growing
   * rehashes from the kept hashes. Capacity (slots) is a power of two.
   */
  #slots = new Int32Array(32);
  #fallback: Map<string, number> | undefined;
  readonly #terms: readonly string[];
  readonly #hash: (term: string) => number;

  /**
   * `terms`: the term list (id -> text) this table indexes; the caller appends to it. `hash`
   * replaces the seeded hash (for tests).
   */
  constructor(terms: readonly string[], hash?: (term: string) => number) {
    this.#terms = terms;
    this.#hash = hash ?? seededHash;
  }

  /** Whether terms collided enough to move the table to a `Map`. */
  get degraded(): boolean {
    return this.#fallback !== undefined;
  }

  /** The id of a term, or -1. */
  get(term: string): number {
    if (this.#fallback) return this.#fallback.get(term) ?? -1;
    const slots = this.#slots;
    const mask = (slots.length >> 1) - 1;
    const terms = this.#terms;
    const hash = this.#hash(term) | 0;
    for (let slot = hash & mask; ; slot = (slot + 1) & mask) {
      const entry = slots[slot << 1] as number;
      if (entry === 0) return -1;
      if (slots[(slot << 1) + 1] === hash && terms[entry - 1] === term) return entry - 1;
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
    let slots = this.#slots;
    let mask = (slots.length >> 1) - 1;
    const hash = this.#hash(term) | 0;
    let slot = hash & mask;
    let probes = 0;
    for (; ; slot = (slot + 1) & mask, probes++) {
      const entry = slots[slot << 1] as number;
      if (entry === 0) break;
      if (slots[(slot << 1) + 1] === hash && terms[entry - 1] === term) return entry - 1;
    }
    const id = terms.length;
    // At most half full (the new term included).
    if ((id + 1) * 2 > mask + 1) {
      this.#rehash((mask + 1) * 2);
      slots = this.#slots;
      mask = (slots.length >> 1) - 1;
      for (slot = hash & mask; slots[slot << 1] !== 0; slot = (slot + 1) & mask) probes++;
    }
    slots[slot << 1] = id + 1;
    slots[(slot << 1) + 1] = hash;
    if (probes > MAX_PROBES) this.#degrade(term, id);
    return id;
  }

  /**
   * Makes room for `count` terms in all, so that interning up to that many rehashes no more
   * (growing from 16 slots to 2M for 1M ids rehashed every id twice over on the way).
   */
  reserve(count: number): void {
    let capacity = this.#slots.length >> 1;
    if (this.#fallback || count * 2 <= capacity) return;
    while (capacity < count * 2) capacity *= 2;
    this.#rehash(capacity);
  }

  /** Moves every entry to a table of `capacity` slots (by the hashes kept with them). */
  #rehash(capacity: number): void {
    const old = this.#slots;
    const slots = new Int32Array(capacity * 2);
    const mask = capacity - 1;
    for (let i = 0; i < old.length; i += 2) {
      const entry = old[i] as number;
      if (entry === 0) continue;
      const hash = old[i + 1] as number;
      let slot = hash & mask;
      while (slots[slot << 1] !== 0) slot = (slot + 1) & mask;
      slots[slot << 1] = entry;
      slots[(slot << 1) + 1] = hash;
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

/**
 * The process's hash seed, drawn once: unknown to whoever writes the events, as a seed per table
 * was, without a closure and a random draw for each of the ~20 columns of every store (a test
 * case creates one).
 */
const SEED = (Math.random() * 0x100000000) >>> 0;
const seededHash = (term: string): number => hashString(SEED, term);

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
