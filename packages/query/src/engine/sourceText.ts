import type { JsonObject } from '@alertkit/core';
import { SOURCE_TEXT, type SourceText, sourceTextOf } from './sourceStore.js';

/**
 * Number literals of an event whose JSON source text differs from JavaScript's
 * `String(number)` (`1.0`, `1e3`, `12345678901234567890`): by field path, then by the value's
 * position among that field's values. A keyword field indexes that text, as Elasticsearch does.
 */
export type NumberSourceTexts = Map<string, Map<number, string>>;

/**
 * Keeping the JSON source text of numbers. Elasticsearch indexes a number in a keyword (or
 * text) field as the text the event carried (`1.0` stays `1.0`, `1e3` stays `1e3`), while
 * `JSON.parse` keeps only the double. Most lines have no such number, so a cheap test of the
 * raw line picks the few that need the exact scan.
 */

/**
 * A number literal that may print differently than it was written: a fraction or exponent,
 * 16 digits or more (beyond doubles' exact integers), or minus zero. Only where a value starts
 * (after `":`, `[` or `,`), so timestamps and addresses inside strings rarely trigger it; a
 * false positive only costs the exact scan.
 */
const MAYBE_ALTERED_NUMBER = /(?:"\s*:|[[,])\s*-?(?:\d+[.eE]|\d{16}|0\s*[,\]}])/;

function isNumberStart(c: number): boolean {
  return c === 45 /* - */ || (c >= 48 && c <= 57);
}

/**
 * The number literals of a JSON text whose source differs from `String(Number(text))`, by field
 * path (object keys joined by `.`; arrays keep their field's path) and position among the
 * field's values (strings, numbers and booleans, in document order, as the indexer sees them).
 * Iterative: any depth is fine. The text must be valid JSON (parse it first).
 */
export function numberSourceTexts(json: string): NumberSourceTexts | undefined {
  let found: NumberSourceTexts | undefined;
  const counts = new Map<string, number>();
  // One entry per open container: its field path, and whether it is an object.
  const paths: string[] = [];
  const isObject: boolean[] = [];
  let key = '';
  let expectKey = false;
  const valuePath = (): string => {
    const top = paths.length - 1;
    if (top < 0) return '';
    if (!isObject[top]) return paths[top] as string;
    const parent = paths[top] as string;
    return parent === '' ? key : `${parent}.${key}`;
  };
  const leaf = (path: string): number => {
    const position = counts.get(path) ?? 0;
    counts.set(path, position + 1);
    return position;
  };
  const length = json.length;
  let i = 0;
  while (i < length) {
    const c = json.charCodeAt(i);
    if (c === 34 /* " */) {
      let end = i + 1;
      let escaped = false;
      for (; end < length; end++) {
        const d = json.charCodeAt(end);
        if (d === 92 /* \ */) {
          escaped = true;
          end++;
        } else if (d === 34) break;
      }
      if (expectKey) {
        key = escaped ? (JSON.parse(json.slice(i, end + 1)) as string) : json.slice(i + 1, end);
        expectKey = false;
      } else leaf(valuePath());
      i = end + 1;
    } else if (c === 123 /* { */ || c === 91 /* [ */) {
      paths.push(valuePath());
      isObject.push(c === 123);
      expectKey = c === 123;
      i++;
    } else if (c === 125 /* } */ || c === 93 /* ] */) {
      paths.pop();
      isObject.pop();
      i++;
    } else if (c === 44 /* , */) {
      expectKey = isObject[isObject.length - 1] === true;
      i++;
    } else if (isNumberStart(c)) {
      let end = i + 1;
      while (end < length && /[0-9.eE+-]/.test(json[end] as string)) end++;
      const text = json.slice(i, end);
      const path = valuePath();
      const position = leaf(path);
      if (String(Number(text)) !== text) {
        found ??= new Map();
        let byPosition = found.get(path);
        if (!byPosition) found.set(path, (byPosition = new Map<number, string>()));
        byPosition.set(position, text);
      }
      i = end;
    } else if (c === 116 /* t */ || c === 102 /* f */) {
      leaf(valuePath());
      i += c === 116 ? 4 : 5;
    } else if (c === 110 /* n */) {
      i += 4; // null: no value
    } else i++; // whitespace, ':'
  }
  return found;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** `texts` under `prefix.` (the `_source` of a full document), re-keyed without it. */
function under(texts: NumberSourceTexts, prefix: string): NumberSourceTexts | undefined {
  let out: NumberSourceTexts | undefined;
  for (const [path, byPosition] of texts) {
    if (!path.startsWith(`${prefix}.`)) continue;
    (out ??= new Map()).set(path.slice(prefix.length + 1), byPosition);
  }
  return out;
}

/**
 * `JSON.parse` for one event (a bare event or `{_index, _id, _source}`) that keeps the line,
 * attached to the event's source object (non-enumerable: not part of the event's JSON): the
 * embedded store keeps that text rather than the object, and the indexer reads the source text
 * of numbers from it. Throws as `JSON.parse`. `bytes`: the UTF-8 the line was decoded from, if
 * the caller has it, kept with the line so the store copies the bytes rather than encoding
 * the line again (they must not change until the event is ingested).
 */
export function parseEventJson(line: string, bytes?: Uint8Array): unknown {
  const value: unknown = JSON.parse(line);
  if (!isRecord(value)) return value;
  const source = value._source;
  const wrapped = isRecord(source);
  const text: SourceText = bytes ? { text: line, wrapped, bytes } : { text: line, wrapped };
  Object.defineProperty(wrapped ? source : value, SOURCE_TEXT, { value: text, enumerable: false });
  return value;
}

/**
 * The source texts of the numbers of a parsed event's source (see {@link parseEventJson}) that
 * `String(number)` would print differently; `undefined` when there are none or the source was
 * not read from text.
 */
export function numberTextsOfSource(source: JsonObject): NumberSourceTexts | undefined {
  const text = sourceTextOf(source);
  if (!text || !MAYBE_ALTERED_NUMBER.test(text.text)) return undefined;
  const texts = numberSourceTexts(text.text);
  return texts && text.wrapped ? under(texts, '_source') : texts;
}
