import {
  ACTION,
  ATTRIBUTE,
  CMAP_RUN_CLASSES,
  CMAP_RUN_START_DELTAS,
  ROW_MAP,
  TRANS,
} from './standardTokenizerTables.js';

/** Lucene's StandardTokenizer token types, indexed by what the tokenizer's rules return. */
export type StandardTokenType =
  | '<ALPHANUM>'
  | '<NUM>'
  | '<SOUTHEAST_ASIAN>'
  | '<IDEOGRAPHIC>'
  | '<HIRAGANA>'
  | '<KATAKANA>'
  | '<HANGUL>'
  | '<EMOJI>';

/**
 * What each DFA action (rule) yields, read from StandardTokenizerImpl.getNextToken's switch:
 * action 1 is the catch-all rule that skips a character; 2..9 return a token type.
 */
const ACTION_TYPES: readonly (StandardTokenType | undefined)[] = [
  undefined,
  undefined,
  '<EMOJI>',
  '<ALPHANUM>',
  '<HANGUL>',
  '<NUM>',
  '<KATAKANA>',
  '<IDEOGRAPHIC>',
  '<HIRAGANA>',
  '<SOUTHEAST_ASIAN>',
];

/** Lucene's default (and Elasticsearch's) max_token_length, the scanner's buffer size. */
const MAX_TOKEN_LENGTH = 255;

const ACCEPTING = 1;
const NO_TRANSITIONS = 8;

const runStarts = new Uint32Array(CMAP_RUN_START_DELTAS.length);
{
  let start = 0;
  CMAP_RUN_START_DELTAS.forEach((delta, i) => {
    start += delta;
    runStarts[i] = start;
  });
}
const runClasses = Uint8Array.from(CMAP_RUN_CLASSES);
const rowMap = Int32Array.from(ROW_MAP);
const trans = Int32Array.from(TRANS);
const attribute = Uint8Array.from(ATTRIBUTE);
const action = Uint8Array.from(ACTION);

/** The character class of every BMP code point (a direct table: the hot path for most text). */
const bmpClasses = new Uint8Array(0x10000);
for (let i = 0; i < runStarts.length; i++) {
  const start = runStarts[i] ?? 0;
  if (start >= 0x10000) break;
  const end = Math.min(runStarts[i + 1] ?? 0x10000, 0x10000);
  bmpClasses.fill(runClasses[i] ?? 0, start, end);
}

/** Character class of a supplementary code point: binary search over the runs. */
function supplementaryClass(codePoint: number): number {
  let low = 0;
  let high = runStarts.length - 1;
  while (low < high) {
    const mid = (low + high + 1) >>> 1;
    if ((runStarts[mid] ?? 0) <= codePoint) low = mid;
    else high = mid - 1;
  }
  return runClasses[low] ?? 0;
}

/**
 * Calls `emit` for each token of `text` as Lucene 8's StandardTokenizer finds it: the longest
 * match of its JFlex rules from each position (the generated DFA in standardTokenizerTables.ts),
 * skipping what the catch-all rule matches. `start`/`end` are UTF-16 offsets; the token text is
 * `text.slice(start, end)`, not yet lower-cased.
 *
 * Like Lucene (whose scanner buffer is max_token_length chars and never grows), a token sees at
 * most 255 UTF-16 units from its start (254 when the 255th is a high surrogate the scanner holds
 * back): a longer word is cut there and scanning resumes after the cut.
 */
export function tokenizeStandard(
  text: string,
  emit: (start: number, end: number, type: StandardTokenType) => void,
): void {
  const length = text.length;
  let start = 0;
  while (start < length) {
    let limit = start + MAX_TOKEN_LENGTH;
    if (limit > length) limit = length;
    else if (isHighSurrogate(text.charCodeAt(limit - 1))) limit--;
    let state = 0;
    let acceptedState = -1;
    let end = start;
    let pos = start;
    while (pos < limit) {
      let codePoint = text.charCodeAt(pos++);
      let cls: number;
      if (codePoint < 0xd800) {
        cls = bmpClasses[codePoint] ?? 0;
      } else {
        // Like Character.codePointAt(buffer, index, limit): a pair only if both halves are inside.
        if (isHighSurrogate(codePoint) && pos < limit) {
          const low = text.charCodeAt(pos);
          if (low >= 0xdc00 && low <= 0xdfff) {
            codePoint = ((codePoint - 0xd800) << 10) + (low - 0xdc00) + 0x10000;
            pos++;
          }
        }
        cls = codePoint < 0x10000 ? (bmpClasses[codePoint] ?? 0) : supplementaryClass(codePoint);
      }
      const next = trans[(rowMap[state] ?? 0) + cls] ?? -1;
      if (next === -1) break;
      state = next;
      const attributes = attribute[state] ?? 0;
      if ((attributes & ACCEPTING) !== 0) {
        acceptedState = state;
        end = pos;
        if ((attributes & NO_TRANSITIONS) !== 0) break;
      }
    }
    if (acceptedState < 0) {
      // Cannot happen with Lucene's grammar (its last rule matches any character); step over
      // one code unit rather than loop forever if the tables were ever regenerated wrongly.
      start++;
      continue;
    }
    const type = ACTION_TYPES[action[acceptedState] ?? 0];
    if (type !== undefined) emit(start, end, type);
    start = end;
  }
}

function isHighSurrogate(unit: number): boolean {
  return unit >= 0xd800 && unit <= 0xdbff;
}
