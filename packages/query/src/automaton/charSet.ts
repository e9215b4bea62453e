/**
 * Sets of Unicode code points as sorted, disjoint, non-adjacent ranges `[lo0, hi0, lo1, hi1, ...]`:
 * the labels of automaton transitions (Lucene's automata are over code points too).
 */
export type CharSet = readonly number[];

/** The largest code point (Java's `Character.MAX_CODE_POINT`). */
export const MAX_CODE_POINT = 0x10ffff;

/** Every code point (Lucene's `.` and the alphabet a complement is taken over). */
export const ANY_CHAR: CharSet = [0, MAX_CODE_POINT];

/** The set `[from, to]`. */
export function charRange(from: number, to: number): CharSet {
  return [from, to];
}

/** The union of sets, normalised (sorted, disjoint, adjacent ranges merged). */
export function unionCharSets(sets: readonly CharSet[]): CharSet {
  const pairs: [number, number][] = [];
  for (const set of sets)
    for (let i = 0; i < set.length; i += 2) pairs.push([set[i] as number, set[i + 1] as number]);
  pairs.sort((a, b) => a[0] - b[0]);
  const out: number[] = [];
  for (const [lo, hi] of pairs) {
    const last = out.length - 1;
    if (last > 0 && lo <= (out[last] as number) + 1) out[last] = Math.max(out[last] as number, hi);
    else out.push(lo, hi);
  }
  return out;
}

/** Every code point not in `set`. */
export function complementCharSet(set: CharSet): CharSet {
  const out: number[] = [];
  let next = 0;
  for (let i = 0; i < set.length; i += 2) {
    if ((set[i] as number) > next) out.push(next, (set[i] as number) - 1);
    next = (set[i + 1] as number) + 1;
  }
  if (next <= MAX_CODE_POINT) out.push(next, MAX_CODE_POINT);
  return out;
}
