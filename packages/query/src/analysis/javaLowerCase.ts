import { LOWER_CASE_FROM_DELTAS, LOWER_CASE_OFFSETS } from './standardTokenizerTables.js';

/**
 * Lower case per code point as Lucene's LowerCaseFilter does it (`Character.toLowerCase(int)`):
 * not locale-aware and never context-sensitive, unlike `String.prototype.toLowerCase` (which
 * maps U+0130 to two characters and a word-final Σ to ς). The table is Java's, generated.
 */
const bmpLower = new Uint16Array(0x10000);
const supplementaryLower = new Map<number, number>();
{
  for (let unit = 0; unit < 0x10000; unit++) bmpLower[unit] = unit;
  let codePoint = 0;
  LOWER_CASE_FROM_DELTAS.forEach((delta, i) => {
    codePoint += delta;
    const lower = codePoint + (LOWER_CASE_OFFSETS[i] ?? 0);
    if (codePoint < 0x10000 && lower < 0x10000) bmpLower[codePoint] = lower;
    else supplementaryLower.set(codePoint, lower);
  });
}

/** Java's `Character.toLowerCase(codePoint)`. */
export function javaLowerCaseCodePoint(codePoint: number): number {
  if (codePoint < 0x10000) return bmpLower[codePoint] ?? codePoint;
  return supplementaryLower.get(codePoint) ?? codePoint;
}

/** `text.slice(start, end)` lower-cased code point by code point, as LowerCaseFilter does. */
export function javaLowerCase(text: string, start = 0, end = text.length): string {
  // Fast path: most tokens need no change; only build a new string from the first change on.
  let i = start;
  for (; i < end; i++) {
    const unit = text.charCodeAt(i);
    if (unit >= 0xd800 && unit <= 0xdbff) break;
    if (bmpLower[unit] !== unit) break;
  }
  if (i === end) return text.slice(start, end);
  let out = text.slice(start, i);
  while (i < end) {
    const codePoint = text.codePointAt(i) ?? 0;
    // A lone high surrogate stays as it is (codePointAt returns the unit itself).
    const isPair = codePoint > 0xffff && i + 1 < end;
    const lower = isPair
      ? javaLowerCaseCodePoint(codePoint)
      : (bmpLower[codePoint & 0xffff] ?? codePoint);
    out += String.fromCodePoint(lower);
    i += isPair ? 2 : 1;
  }
  return out;
}
