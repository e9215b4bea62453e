/**
 * One token of an analysed text: the entries of Elasticsearch's `_analyze` answer. Offsets are
 * in UTF-16 code units of the input.
 */
export interface AnalyzedToken {
  token: string;
  start_offset: number;
  end_offset: number;
  /** Lucene's token type: `<ALPHANUM>`, `<NUM>`, `<IDEOGRAPHIC>`, ... */
  type: string;
  position: number;
}

const MAX_TOKEN_LENGTH = 255;

/**
 * Elasticsearch's `standard` analyser: Unicode word segmentation (UAX#29) and lower-casing, no
 * stop words.
 *
 * First version on `Intl.Segmenter`; to be made exact against Lucene's StandardTokenizer (the
 * oracle decides), which differs from ICU in places.
 */
export function analyze(text: string): AnalyzedToken[] {
  const out: AnalyzedToken[] = [];
  const segmenter = new Intl.Segmenter('und', { granularity: 'word' });
  let position = 0;
  for (const segment of segmenter.segment(text)) {
    if (!segment.isWordLike) continue;
    for (let start = 0; start < segment.segment.length; start += MAX_TOKEN_LENGTH) {
      const piece = segment.segment.slice(start, start + MAX_TOKEN_LENGTH);
      out.push({
        token: piece.toLowerCase(),
        start_offset: segment.index + start,
        end_offset: segment.index + start + piece.length,
        type: /^\d+$/.test(piece) ? '<NUM>' : '<ALPHANUM>',
        position: position++,
      });
    }
  }
  return out;
}
