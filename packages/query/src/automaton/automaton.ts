import { ANY_CHAR, type CharSet, MAX_CODE_POINT } from './charSet.js';

/**
 * Finite automata over Unicode code points, as Lucene builds them for `regexp`, `wildcard` and
 * `prefix` queries: a Thompson NFA is built from the pattern, determinised by subset construction
 * with a cap on the number of states (Elasticsearch's `max_determinized_states`, 10,000), and the
 * DFA is packed into tables. Matching a term is one table step per character: time linear in the
 * term's length, whatever the pattern (never a backtracking JavaScript `RegExp`).
 */

/** Elasticsearch's default `max_determinized_states` (Lucene's `DEFAULT_DETERMINIZE_WORK_LIMIT`). */
export const MAX_DETERMINIZED_STATES = 10_000;
/** A bound on the NFA a pattern expands to (repeats copy their operand). */
const MAX_NFA_STATES = 200_000;
/** A bound on subset-construction work (NFA states visited), so no pattern stalls compilation. */
const MAX_DETERMINIZE_WORK = 20_000_000;

/** A pattern whose automaton would exceed the limits: the caller turns it into an error naming it. */
export class AutomatonTooComplex extends Error {
  override readonly name = 'AutomatonTooComplex';
  constructor(readonly reason: string) {
    super(reason);
  }
}

interface Edge {
  set: CharSet;
  to: number;
}

/** A fragment of an NFA under construction: one start state, one end (accepting) state. */
export interface Fragment {
  start: number;
  end: number;
}

/** A nondeterministic automaton with epsilon moves, built fragment by fragment. */
export class Nfa {
  readonly epsilons: number[][] = [];
  readonly edges: Edge[][] = [];

  get size(): number {
    return this.edges.length;
  }

  state(): number {
    if (this.edges.length >= MAX_NFA_STATES)
      throw new AutomatonTooComplex(`its automaton needs more than ${MAX_NFA_STATES} NFA states`);
    this.epsilons.push([]);
    this.edges.push([]);
    return this.edges.length - 1;
  }

  epsilon(from: number, to: number): void {
    (this.epsilons[from] as number[]).push(to);
  }

  edge(from: number, set: CharSet, to: number): void {
    if (set.length > 0) (this.edges[from] as Edge[]).push({ set, to });
  }

  /** Matches one character of `set`. */
  chars(set: CharSet): Fragment {
    const start = this.state();
    const end = this.state();
    this.edge(start, set, end);
    return { start, end };
  }

  /** Matches the empty string only. */
  emptyString(): Fragment {
    const start = this.state();
    const end = this.state();
    this.epsilon(start, end);
    return { start, end };
  }

  /** Matches nothing. */
  nothing(): Fragment {
    return { start: this.state(), end: this.state() };
  }

  /** Any string (`@`, wildcard `*`). */
  anyString(): Fragment {
    const start = this.state();
    this.edge(start, ANY_CHAR, start);
    const end = this.state();
    this.epsilon(start, end);
    return { start, end };
  }

  concat(parts: readonly Fragment[]): Fragment {
    if (parts.length === 0) return this.emptyString();
    for (let i = 1; i < parts.length; i++)
      this.epsilon((parts[i - 1] as Fragment).end, (parts[i] as Fragment).start);
    return { start: (parts[0] as Fragment).start, end: (parts.at(-1) as Fragment).end };
  }

  union(parts: readonly Fragment[]): Fragment {
    const start = this.state();
    const end = this.state();
    for (const part of parts) {
      this.epsilon(start, part.start);
      this.epsilon(part.end, end);
    }
    return { start, end };
  }

  optional(part: Fragment): Fragment {
    const start = this.state();
    const end = this.state();
    this.epsilon(start, part.start);
    this.epsilon(part.end, end);
    this.epsilon(start, end);
    return { start, end };
  }

  star(part: Fragment): Fragment {
    const start = this.state();
    const end = this.state();
    this.epsilon(start, part.start);
    this.epsilon(part.end, part.start);
    this.epsilon(part.end, end);
    this.epsilon(start, end);
    return { start, end };
  }

  /** A DFA (from intersection or complement) as a fragment of this NFA. */
  embed(dfa: Dfa): Fragment {
    const base = this.size;
    for (let s = 0; s < dfa.accept.length; s++) this.state();
    const end = this.state();
    dfa.transitions.forEach((ranges, s) => {
      for (let i = 0; i < ranges.length; i += 3)
        this.edge(
          base + s,
          [ranges[i] as number, ranges[i + 1] as number],
          base + (ranges[i + 2] as number),
        );
      if (dfa.accept[s]) this.epsilon(base + s, end);
    });
    return { start: base, end };
  }
}

/**
 * A deterministic automaton under construction: state 0 starts; per state a flat list of
 * `[lo, hi, target]` triples, sorted and disjoint. Missing characters go nowhere (reject).
 */
export interface Dfa {
  accept: boolean[];
  transitions: number[][];
}

function tooManyStates(): AutomatonTooComplex {
  return new AutomatonTooComplex(
    `determinizing it would need more than ${MAX_DETERMINIZED_STATES} states (Elasticsearch's max_determinized_states)`,
  );
}

/** Subset construction from `fragment` of `nfa`, capped at {@link MAX_DETERMINIZED_STATES}. */
export function determinize(nfa: Nfa, fragment: Fragment): Dfa {
  const mark = new Int32Array(nfa.size).fill(-1);
  let generation = 0;
  let work = 0;
  const close = (seeds: readonly number[]): number[] => {
    generation++;
    const out: number[] = [];
    const stack = [...seeds];
    while (stack.length > 0) {
      const s = stack.pop() as number;
      if (mark[s] === generation) continue;
      mark[s] = generation;
      out.push(s);
      for (const t of nfa.epsilons[s] as number[]) if (mark[t] !== generation) stack.push(t);
    }
    work += out.length;
    if (work > MAX_DETERMINIZE_WORK) throw tooManyStates();
    return out.sort((a, b) => a - b);
  };
  const ids = new Map<string, number>();
  const sets: number[][] = [];
  const dfa: Dfa = { accept: [], transitions: [] };
  const idOf = (set: number[]): number => {
    const key = set.join(',');
    let id = ids.get(key);
    if (id === undefined) {
      id = sets.length;
      if (id >= MAX_DETERMINIZED_STATES) throw tooManyStates();
      ids.set(key, id);
      sets.push(set);
      dfa.accept.push(set.includes(fragment.end));
      dfa.transitions.push([]);
    }
    return id;
  };
  idOf(close([fragment.start]));
  for (let current = 0; current < sets.length; current++) {
    // Sweep the edges' range boundaries: between two boundaries the same edges apply.
    const starts: [number, number][] = [];
    const ends: [number, number][] = [];
    for (const s of sets[current] as number[]) {
      for (const { set, to } of nfa.edges[s] as Edge[]) {
        for (let i = 0; i < set.length; i += 2) {
          starts.push([set[i] as number, to]);
          ends.push([(set[i + 1] as number) + 1, to]);
        }
      }
    }
    if (starts.length === 0) continue;
    starts.sort((a, b) => a[0] - b[0]);
    ends.sort((a, b) => a[0] - b[0]);
    const points = [...new Set([...starts.map((e) => e[0]), ...ends.map((e) => e[0])])].sort(
      (a, b) => a - b,
    );
    const active = new Map<number, number>();
    const out = dfa.transitions[current] as number[];
    let si = 0;
    let ei = 0;
    for (let p = 0; p < points.length - 1; p++) {
      const point = points[p] as number;
      while (ei < ends.length && (ends[ei] as [number, number])[0] <= point) {
        const to = (ends[ei++] as [number, number])[1];
        const n = (active.get(to) ?? 0) - 1;
        if (n > 0) active.set(to, n);
        else active.delete(to);
      }
      while (si < starts.length && (starts[si] as [number, number])[0] <= point) {
        const to = (starts[si++] as [number, number])[1];
        active.set(to, (active.get(to) ?? 0) + 1);
      }
      if (active.size === 0) continue;
      const target = idOf(close([...active.keys()]));
      const hi = (points[p + 1] as number) - 1;
      const n = out.length;
      if (n > 0 && out[n - 1] === target && (out[n - 2] as number) + 1 === point) out[n - 2] = hi;
      else out.push(point, hi, target);
    }
  }
  return dfa;
}

/** Every missing character leads to a (rejecting) dead state. */
function complete(dfa: Dfa): Dfa {
  const accept = [...dfa.accept, false];
  const dead = dfa.accept.length;
  const transitions = [...dfa.transitions, [0, MAX_CODE_POINT, dead]].map((ranges, s) => {
    if (s === dead) return ranges;
    const out: number[] = [];
    let next = 0;
    for (let i = 0; i < ranges.length; i += 3) {
      if ((ranges[i] as number) > next) out.push(next, (ranges[i] as number) - 1, dead);
      out.push(ranges[i] as number, ranges[i + 1] as number, ranges[i + 2] as number);
      next = (ranges[i + 1] as number) + 1;
    }
    if (next <= MAX_CODE_POINT) out.push(next, MAX_CODE_POINT, dead);
    return out;
  });
  if (accept.length > MAX_DETERMINIZED_STATES) throw tooManyStates();
  return { accept, transitions };
}

/** The strings `dfa` rejects (Lucene's `~`). */
export function complementDfa(dfa: Dfa): Dfa {
  const full = complete(dfa);
  return { accept: full.accept.map((a) => !a), transitions: full.transitions };
}

/** The strings both accept (Lucene's `&`), by product construction. */
export function intersectDfa(a: Dfa, b: Dfa): Dfa {
  const ids = new Map<number, number>();
  const pairs: [number, number][] = [];
  const out: Dfa = { accept: [], transitions: [] };
  const width = b.accept.length;
  const idOf = (x: number, y: number): number => {
    const key = x * width + y;
    let id = ids.get(key);
    if (id === undefined) {
      id = pairs.length;
      if (id >= MAX_DETERMINIZED_STATES) throw tooManyStates();
      ids.set(key, id);
      pairs.push([x, y]);
      out.accept.push((a.accept[x] ?? false) && (b.accept[y] ?? false));
      out.transitions.push([]);
    }
    return id;
  };
  idOf(0, 0);
  for (let current = 0; current < pairs.length; current++) {
    const [x, y] = pairs[current] as [number, number];
    const ra = a.transitions[x] as number[];
    const rb = b.transitions[y] as number[];
    const ranges = out.transitions[current] as number[];
    let i = 0;
    let j = 0;
    while (i < ra.length && j < rb.length) {
      const lo = Math.max(ra[i] as number, rb[j] as number);
      const hi = Math.min(ra[i + 1] as number, rb[j + 1] as number);
      if (lo <= hi) ranges.push(lo, hi, idOf(ra[i + 2] as number, rb[j + 2] as number));
      if ((ra[i + 1] as number) < (rb[j + 1] as number)) i += 3;
      else j += 3;
    }
  }
  return out;
}

const ASCII = 128;
const DEAD = -1;

/**
 * A packed DFA that answers "does this whole term match?" in one pass over the term: an ASCII
 * table per state, and sorted ranges (binary search) for other code points. States from which no
 * accepting state can be reached are dead, so a term that cannot match stops early.
 */
export class TermAutomaton {
  /** Number of DFA states. */
  readonly states: number;
  readonly #accept: Uint8Array;
  readonly #ascii: Int32Array;
  /** Per state, the first index in the range arrays (state + 1: the end). */
  readonly #rangeStart: Int32Array;
  readonly #lo: Int32Array;
  readonly #hi: Int32Array;
  readonly #to: Int32Array;
  /** True when the automaton accepts every string (a bare `*`): no term needs reading. */
  readonly acceptsEverything: boolean;

  constructor(dfa: Dfa) {
    const n = dfa.accept.length;
    this.states = n;
    const live = liveStates(dfa);
    this.#accept = new Uint8Array(n);
    this.#ascii = new Int32Array(n * ASCII).fill(DEAD);
    this.#rangeStart = new Int32Array(n + 1);
    let total = 0;
    for (const ranges of dfa.transitions) total += ranges.length / 3;
    this.#lo = new Int32Array(total);
    this.#hi = new Int32Array(total);
    this.#to = new Int32Array(total);
    let k = 0;
    for (let s = 0; s < n; s++) {
      this.#accept[s] = dfa.accept[s] ? 1 : 0;
      this.#rangeStart[s] = k;
      if (!live[s]) continue;
      const ranges = dfa.transitions[s] as number[];
      for (let i = 0; i < ranges.length; i += 3) {
        const to = ranges[i + 2] as number;
        if (!live[to]) continue;
        const lo = ranges[i] as number;
        const hi = ranges[i + 1] as number;
        for (let c = lo; c <= Math.min(hi, ASCII - 1); c++) this.#ascii[s * ASCII + c] = to;
        if (hi >= ASCII) {
          this.#lo[k] = Math.max(lo, ASCII);
          this.#hi[k] = hi;
          this.#to[k] = to;
          k++;
        }
      }
    }
    this.#rangeStart[n] = k;
    const start = dfa.transitions[0] ?? [];
    this.acceptsEverything =
      n === 1 &&
      dfa.accept[0] === true &&
      start.length === 3 &&
      start[0] === 0 &&
      start[1] === MAX_CODE_POINT;
  }

  #step(state: number, codePoint: number): number {
    let lo = this.#rangeStart[state] as number;
    let hi = (this.#rangeStart[state + 1] as number) - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      if (codePoint < (this.#lo[mid] as number)) hi = mid - 1;
      else if (codePoint > (this.#hi[mid] as number)) lo = mid + 1;
      else return this.#to[mid] as number;
    }
    return DEAD;
  }

  /**
   * Whether the whole term matches. Code points as Lucene indexes them: a lone surrogate (which
   * UTF-8 cannot hold) is read as U+FFFD, as the UTF-8 conversion at indexing replaces it.
   */
  matches(term: string): boolean {
    const ascii = this.#ascii;
    let state = 0;
    const length = term.length;
    for (let i = 0; i < length; i++) {
      let c = term.charCodeAt(i);
      if (c < ASCII) {
        state = ascii[state * ASCII + c] as number;
      } else {
        if (c >= 0xd800 && c <= 0xdfff) {
          const next = term.charCodeAt(i + 1);
          if (c <= 0xdbff && next >= 0xdc00 && next <= 0xdfff) {
            c = 0x10000 + ((c - 0xd800) << 10) + (next - 0xdc00);
            i++;
          } else {
            c = 0xfffd;
          }
        }
        state = this.#step(state, c);
      }
      if (state === DEAD) return false;
    }
    return this.#accept[state] === 1;
  }
}

/** States from which an accepting state is reachable (reverse breadth-first search). */
function liveStates(dfa: Dfa): Uint8Array {
  const n = dfa.accept.length;
  const reverse: number[][] = Array.from({ length: n }, () => []);
  dfa.transitions.forEach((ranges, s) => {
    for (let i = 2; i < ranges.length; i += 3) (reverse[ranges[i] as number] as number[]).push(s);
  });
  const live = new Uint8Array(n);
  const stack: number[] = [];
  dfa.accept.forEach((a, s) => {
    if (a) {
      live[s] = 1;
      stack.push(s);
    }
  });
  while (stack.length > 0) {
    for (const from of reverse[stack.pop() as number] as number[]) {
      if (!live[from]) {
        live[from] = 1;
        stack.push(from);
      }
    }
  }
  return live;
}
