import { ABSENT, MULTI, type NumericColumn, type TermColumn } from './columns.js';

/**
 * The building blocks compiled queries are made of: small closures over a column's typed
 * arrays, created once per query. Each is a test of one document and, for the common ones,
 * also a `filter` that narrows a whole list of candidate documents in one tight loop (a search
 * runs filters clause after clause, so the hot loops are monomorphic and need no call per
 * document).
 */

/** Narrows `docs[0 .. count)` (ascending) in place to the matching ones; returns their count. */
export type DocFilter = (docs: Int32Array, count: number) => number;

/** A compiled query: does document `doc` match? Optionally with a batch {@link DocFilter}. */
export interface Predicate {
  (doc: number): boolean;
  filter?: DocFilter;
}

/** A predicate with its batch filter. */
export function withFilter(test: (doc: number) => boolean, filter: DocFilter): Predicate {
  const predicate: Predicate = test;
  predicate.filter = filter;
  return predicate;
}

/** Narrows `docs[0 .. count)` to the documents matching `predicate`; returns their count. */
export function filterDocs(predicate: Predicate, docs: Int32Array, count: number): number {
  if (predicate.filter) return predicate.filter(docs, count);
  let kept = 0;
  for (let i = 0; i < count; i++) {
    const doc = docs[i] as number;
    if (predicate(doc)) docs[kept++] = doc;
  }
  return kept;
}

/** Matches nothing (recognised by identity when composing). */
export const MATCH_NONE: Predicate = withFilter(
  () => false,
  () => 0,
);
/** Matches everything (recognised by identity when composing). */
export const MATCH_ALL: Predicate = withFilter(
  () => true,
  (_docs, count) => count,
);

/** The document holds term `termId` (a term no document holds matches nothing). */
export function hasTerm(column: TermColumn, termId: number): Predicate {
  if (termId < 0) return MATCH_NONE;
  const { single, pool } = column;
  return withFilter(
    (doc) => {
      const s = single[doc] as number;
      if (s >= 0) return s === termId;
      if (s === ABSENT) return false;
      const offset = -2 - s;
      const end = offset + (pool[offset] as number);
      for (let i = offset + 1; i <= end; i++) if (pool[i] === termId) return true;
      return false;
    },
    (docs, count) => {
      let kept = 0;
      for (let i = 0; i < count; i++) {
        const doc = docs[i] as number;
        const s = single[doc] as number;
        if (s === termId) {
          docs[kept++] = doc;
          continue;
        }
        if (s > -2) continue;
        const offset = -2 - s;
        const end = offset + (pool[offset] as number);
        for (let j = offset + 1; j <= end; j++) {
          if (pool[j] === termId) {
            docs[kept++] = doc;
            break;
          }
        }
      }
      return kept;
    },
  );
}

/** A per-term yes/no answer, computed at most once per distinct term. */
export type TermTest = (termId: number) => boolean;

/** A {@link TermTest} from a test on the term's text, memoised per term id. */
export function memoTermTest(column: TermColumn, test: (term: string) => boolean): TermTest {
  const { terms } = column;
  const memo = new Uint8Array(terms.length); // 0 unknown, 1 yes, 2 no
  return (termId) => {
    const known = memo[termId];
    if (known) return known === 1;
    const yes = test(terms[termId] ?? '');
    memo[termId] = yes ? 1 : 2;
    return yes;
  };
}

/**
 * The document holds one of the terms `termIds` (ids below 0, terms no document holds, are
 * left out). The set is a byte per term id read inline: through a {@link TermTest} closure the
 * shared loop of {@link hasTermWhere} made a call per document that V8 could not inline.
 */
export function hasTermIn(column: TermColumn, termIds: readonly number[]): Predicate {
  const marks = new Uint8Array(column.terms.length);
  for (const id of termIds) if (id >= 0) marks[id] = 1;
  const { single, pool } = column;
  return withFilter(
    (doc) => {
      const s = single[doc] as number;
      if (s >= 0) return marks[s] === 1;
      if (s === ABSENT) return false;
      const offset = -2 - s;
      const end = offset + (pool[offset] as number);
      for (let i = offset + 1; i <= end; i++) if (marks[pool[i] as number] === 1) return true;
      return false;
    },
    (docs, count) => {
      let kept = 0;
      for (let i = 0; i < count; i++) {
        const doc = docs[i] as number;
        const s = single[doc] as number;
        if (s >= 0) {
          if (marks[s] === 1) docs[kept++] = doc;
          continue;
        }
        if (s === ABSENT) continue;
        const offset = -2 - s;
        const end = offset + (pool[offset] as number);
        for (let j = offset + 1; j <= end; j++) {
          if (marks[pool[j] as number] === 1) {
            docs[kept++] = doc;
            break;
          }
        }
      }
      return kept;
    },
  );
}

/** The document holds at least one term passing the test. */
export function hasTermWhere(column: TermColumn, test: TermTest): Predicate {
  const { single, pool } = column;
  return withFilter(
    (doc) => {
      const s = single[doc] as number;
      if (s >= 0) return test(s);
      if (s === ABSENT) return false;
      const offset = -2 - s;
      const end = offset + (pool[offset] as number);
      for (let i = offset + 1; i <= end; i++) if (test(pool[i] as number)) return true;
      return false;
    },
    (docs, count) => {
      let kept = 0;
      for (let i = 0; i < count; i++) {
        const doc = docs[i] as number;
        const s = single[doc] as number;
        if (s >= 0) {
          if (test(s)) docs[kept++] = doc;
          continue;
        }
        if (s === ABSENT) continue;
        const offset = -2 - s;
        const end = offset + (pool[offset] as number);
        for (let j = offset + 1; j <= end; j++) {
          if (test(pool[j] as number)) {
            docs[kept++] = doc;
            break;
          }
        }
      }
      return kept;
    },
  );
}

/** The document has a value for the field (also one with no terms, such as `""` on text). */
export function hasAnyValue(column: TermColumn | NumericColumn): Predicate {
  if ('pool' in column) {
    const { single } = column;
    return withFilter(
      (doc) => single[doc] !== ABSENT,
      (docs, count) => {
        let kept = 0;
        for (let i = 0; i < count; i++) {
          const doc = docs[i] as number;
          if (single[doc] !== ABSENT) docs[kept++] = doc;
        }
        return kept;
      },
    );
  }
  const { single } = column;
  return (doc) => {
    const v = single[doc] as number;
    return v === v; // NaN = absent
  };
}

/** The document holds a number in `[low, high]` (bounds already adjusted for strictness). */
export function numberBetween(column: NumericColumn, low: number, high: number): Predicate {
  if (low > high) return MATCH_NONE;
  const { single, multi } = column;
  const test = (doc: number): boolean => {
    const v = single[doc] as number;
    if (v === MULTI) {
      const values = multi.get(doc);
      if (!values) return false;
      for (const x of values) if (x >= low && x <= high) return true;
      return false;
    }
    return v >= low && v <= high; // false for NaN (absent)
  };
  return withFilter(test, (docs, count) => {
    let kept = 0;
    for (let i = 0; i < count; i++) {
      const doc = docs[i] as number;
      const v = single[doc] as number;
      if (v >= low && v <= high ? true : v === MULTI && test(doc)) docs[kept++] = doc;
    }
    return kept;
  });
}

/** The document holds a number passing the test (absent values never reach it). */
export function numberWhere(column: NumericColumn, test: (value: number) => boolean): Predicate {
  const { single, multi } = column;
  return (doc) => {
    const v = single[doc] as number;
    if (v !== v) return false;
    if (v === MULTI) {
      const values = multi.get(doc);
      return values !== undefined && values.some(test);
    }
    return test(v);
  };
}

/** The number of the given query terms (with repeats) the document holds. */
function countHeld(column: TermColumn, doc: number, termIds: readonly number[]): number {
  const s = column.single[doc] as number;
  if (s === ABSENT) return 0;
  let count = 0;
  for (const id of termIds) {
    if (id < 0) continue;
    if (s >= 0) {
      if (s === id) count++;
      continue;
    }
    const offset = -2 - s;
    const end = offset + (column.pool[offset] as number);
    for (let i = offset + 1; i <= end; i++) {
      if (column.pool[i] === id) {
        count++;
        break;
      }
    }
  }
  return count;
}

/** The document holds at least `required` of the query terms (Elasticsearch `match` clauses). */
export function holdsAtLeast(
  column: TermColumn,
  termIds: readonly number[],
  required: number,
): Predicate {
  if (required <= 0) return MATCH_ALL;
  if (required > termIds.length) return MATCH_NONE;
  if (required === 1) {
    const present = termIds.filter((id) => id >= 0);
    if (present.length === 0) return MATCH_NONE;
    return present.length === 1 ? hasTerm(column, present[0] ?? -1) : hasTermIn(column, present);
  }
  return (doc) => countHeld(column, doc, termIds) >= required;
}

/**
 * The document holds the phrase: terms `termIds` at relative positions `offsets`, within
 * `slop` moves (Lucene's sloppy phrase: the spread of `position - offset` over the chosen
 * occurrences is at most `slop`, and no two phrase terms use the same position).
 */
export function holdsPhrase(
  column: TermColumn,
  termIds: readonly number[],
  offsets: readonly number[],
  slop: number,
): Predicate {
  if (termIds.some((id) => id < 0)) return MATCH_NONE;
  if (termIds.length === 1) return hasTerm(column, termIds[0] ?? -1);
  const { single, pool } = column;
  if (termIds.length === 2 && slop === 0)
    return holdsPair(
      column,
      termIds[0] ?? -1,
      termIds[1] ?? -1,
      (offsets[1] ?? 1) - (offsets[0] ?? 0),
    );
  const first = termIds[0] ?? -1;
  return (doc) => {
    const s = single[doc] as number;
    if (s > -2) return false; // absent, or one token: a phrase of several cannot fit
    // Read at each call: the column switches to explicit positions when it first needs them.
    const positions = column.positions;
    const offset = -2 - s;
    const end = offset + (pool[offset] as number);
    if (slop === 0) {
      for (let i = offset + 1; i <= end; i++) {
        if (pool[i] !== first) continue;
        const start = positionAt(positions, i, offset + 1) - (offsets[0] as number);
        if (phraseAt(pool, positions, offset + 1, end, termIds, offsets, start)) return true;
      }
      return false;
    }
    return sloppyPhrase(pool, positions, offset + 1, end, termIds, offsets, slop);
  };
}

/** A token's position: explicit, or (see TermColumn) its index among its document's tokens. */
function positionAt(positions: Int32Array | undefined, i: number, from: number): number {
  return positions ? (positions[i] as number) : i - from;
}

function phraseAt(
  pool: Int32Array,
  positions: Int32Array | undefined,
  from: number,
  to: number,
  termIds: readonly number[],
  offsets: readonly number[],
  start: number,
): boolean {
  for (let t = 1; t < termIds.length; t++) {
    const want = start + (offsets[t] as number);
    const id = termIds[t];
    let found = false;
    for (let i = from; i <= to; i++) {
      if (pool[i] === id && positionAt(positions, i, from) === want) {
        found = true;
        break;
      }
    }
    if (!found) return false;
  }
  return true;
}

function sloppyPhrase(
  pool: Int32Array,
  positions: Int32Array | undefined,
  from: number,
  to: number,
  termIds: readonly number[],
  offsets: readonly number[],
  slop: number,
): boolean {
  const candidates = termIds.map((id) => {
    const found: number[] = [];
    for (let i = from; i <= to; i++) if (pool[i] === id) found.push(positionAt(positions, i, from));
    return found;
  });
  if (candidates.some((list) => list.length === 0)) return false;
  const used: number[] = [];
  const search = (t: number, min: number, max: number): boolean => {
    if (t === termIds.length) return true;
    for (const position of candidates[t] ?? []) {
      if (used.includes(position)) continue;
      const relative = position - (offsets[t] as number);
      const lo = Math.min(min, relative);
      const hi = Math.max(max, relative);
      if (hi - lo > slop) continue;
      used.push(position);
      if (search(t + 1, lo, hi)) return true;
      used.pop();
    }
    return false;
  };
  return search(0, Infinity, -Infinity);
}

/** The common phrase: two terms, `b` exactly `distance` positions after `a`. */
function holdsPair(column: TermColumn, a: number, b: number, distance: number): Predicate {
  const { single, pool } = column;
  const test = (doc: number): boolean => {
    const s = single[doc] as number;
    if (s > -2) return false;
    const offset = -2 - s;
    const end = offset + (pool[offset] as number);
    const positions = column.positions;
    if (!positions) {
      // Positions are token indexes: `b` is exactly `distance` tokens on.
      for (let i = Math.max(offset + 1, offset + 1 - distance); i + distance <= end; i++)
        if (pool[i] === a && pool[i + distance] === b) return true;
      return false;
    }
    for (let i = offset + 1; i <= end; i++) {
      if (pool[i] !== a) continue;
      const want = (positions[i] as number) + distance;
      for (let j = offset + 1; j <= end; j++)
        if (pool[j] === b && positions[j] === want) return true;
    }
    return false;
  };
  return withFilter(test, (docs, count) => {
    let kept = 0;
    if (column.positions) {
      for (let i = 0; i < count; i++) {
        const doc = docs[i] as number;
        if (test(doc)) docs[kept++] = doc;
      }
      return kept;
    }
    // Implicit positions (the common case, see TermColumn): the scan inline, no call per doc.
    const from = Math.max(1, 1 - distance);
    for (let i = 0; i < count; i++) {
      const doc = docs[i] as number;
      const s = single[doc] as number;
      if (s > -2) continue;
      const offset = -2 - s;
      const end = offset + (pool[offset] as number) - distance;
      for (let k = offset + from; k <= end; k++) {
        if (pool[k] === a && pool[k + distance] === b) {
          docs[kept++] = doc;
          break;
        }
      }
    }
    return kept;
  });
}
