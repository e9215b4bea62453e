import { javaLowerCase } from './javaLowerCase.js';
import { type StandardTokenType, tokenizeStandard } from './standardTokenizer.js';

/**
 * One token of an analysed text: the entries of Elasticsearch's `_analyze` answer. Offsets are
 * in UTF-16 code units of the input.
 */
export interface AnalyzedToken {
  token: string;
  start_offset: number;
  end_offset: number;
  /** Lucene's token type: `<ALPHANUM>`, `<NUM>`, `<IDEOGRAPHIC>`, ... */
  type: StandardTokenType;
  position: number;
}

/**
 * Elasticsearch's `standard` analyser: Lucene 8's StandardTokenizer (its own UAX#29 word-break
 * grammar, Unicode 9.0, with emoji sequences; words longer than 255 UTF-16 units are cut) and
 * LowerCaseFilter (Java's per-code-point lower case), no stop words. Checked token for token
 * against Lucene itself by `src/oracle.test.ts`.
 */
export function analyze(text: string): AnalyzedToken[] {
  const out: AnalyzedToken[] = [];
  tokenizeStandard(text, (start, end, type) => {
    out.push({
      token: javaLowerCase(text, start, end),
      start_offset: start,
      end_offset: end,
      type,
      position: out.length,
    });
  });
  return out;
}

/**
 * Only the lower-cased token texts of {@link analyze}, in position order: what ingest and `match`
 * need, without an object per token.
 */
export function analyzeToTerms(text: string): string[] {
  const out: string[] = [];
  tokenizeStandard(text, (start, end) => {
    out.push(javaLowerCase(text, start, end));
  });
  return out;
}
