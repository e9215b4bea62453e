/**
 * Fuzzy terms (query_string `term~`, `term~N`), as Lucene's FuzzyQuery matches them with
 * Elasticsearch's defaults: Damerau–Levenshtein distance in its "optimal string alignment" form
 * (what Lucene's Levenshtein automata accept with transpositions on: an adjacent swap is one
 * edit), over code points, prefix length 0. Lucene compiles a Levenshtein automaton per query; a
 * band of 2k+1 cells per character of the candidate is the same test in the same linear time
 * (k <= 2), without building one.
 */

/** Elasticsearch's `Fuzziness.AUTO` for a term: 0 edits for 1-2 code points, 1 for 3-5, 2 above. */
export function fuzzyEdits(term: string, written?: string): number {
  if (written !== undefined && written !== '') {
    // `~N`: Fuzziness's asDistance = min(2, (int) N) (negative stays negative: the parser
    // refuses it); an unreadable N falls back to the classic parser's default (2 edits).
    const n = Number(written);
    if (!Number.isFinite(n)) return 2;
    return Math.min(2, Math.trunc(n));
  }
  const length = Array.from(term).length;
  return length < 3 ? 0 : length < 6 ? 1 : 2;
}

/**
 * The OSA distance between `query` and `candidate` (code point arrays) if it is at most
 * `maxEdits`, else `undefined`. Cost O(candidate length * (2 * maxEdits + 1)).
 */
export function fuzzyDistance(
  query: readonly number[],
  candidate: readonly number[],
  maxEdits: number,
): number | undefined {
  const n = query.length;
  const m = candidate.length;
  if (Math.abs(n - m) > maxEdits) return undefined;
  const INF = maxEdits + 1;
  // Three rows (j - 2, j - 1, j) of the DP over query positions 0..n, only inside the band.
  let before = new Int32Array(n + 1).fill(INF);
  let previous = new Int32Array(n + 1).fill(INF);
  let row = new Int32Array(n + 1).fill(INF);
  for (let i = 0; i <= Math.min(n, maxEdits); i++) previous[i] = i;
  for (let j = 1; j <= m; j++) {
    row.fill(INF);
    const lo = Math.max(0, j - maxEdits);
    const hi = Math.min(n, j + maxEdits);
    if (lo === 0) row[0] = j;
    const c = candidate[j - 1] as number;
    let best = lo === 0 ? j : INF;
    for (let i = Math.max(1, lo); i <= hi; i++) {
      const q = query[i - 1] as number;
      let d = Math.min(
        (previous[i - 1] as number) + (q === c ? 0 : 1),
        (previous[i] as number) + 1,
        (row[i - 1] as number) + 1,
      );
      if (i > 1 && j > 1 && q === candidate[j - 2] && query[i - 2] === c)
        d = Math.min(d, (before[i - 2] as number) + 1);
      row[i] = Math.min(d, INF);
      if (d < best) best = d;
    }
    if (best > maxEdits) return undefined;
    [before, previous, row] = [previous, row, before];
  }
  const distance = previous[n] as number;
  return distance <= maxEdits ? distance : undefined;
}
