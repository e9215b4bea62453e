/**
 * Differential tests against real Lucene 8 (Debian's liblucene8-java, what Elasticsearch 7 runs):
 * seeded generated texts are analysed by Lucene's StandardAnalyzer and by `analyze`, and seeded
 * events and query strings are searched by Lucene's classic QueryParser (configured as
 * Elasticsearch's query_string) and by the embedded engine. One JVM per run (oracle/*.java).
 *
 * Without Java or the Lucene jars the suite FAILS, naming the apt packages to install.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { runLuceneOracle } from '../oracle/luceneOracle.mjs';
import { analyze } from './analysis/analyze.js';
import * as tables from './analysis/standardTokenizerTables.js';

/** mulberry32: a small seeded PRNG, so every run generates the same corpus. */
function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type Random = () => number;
const pick = <T>(random: Random, items: ArrayLike<T>): T =>
  items[Math.floor(random() * items.length)] as T;
const int = (random: Random, min: number, max: number): number =>
  min + Math.floor(random() * (max - min + 1));
const repeat = (
  random: Random,
  min: number,
  max: number,
  make: () => string,
  joiner = '',
): string => Array.from({ length: int(random, min, max) }, make).join(joiner);

const LOWER = 'abcdefghijklmnopqrstuvwxyz';
const LETTERS = `${LOWER}${LOWER.toUpperCase()}`;
const DIGITS = '0123456789';
const PUNCTUATION = '!"#$%&\'()*+,-./:;<=>?@[\\]^_`{|}~';
const SEPARATORS = [
  ' ',
  ' ',
  ' ',
  '  ',
  '\t',
  '\n',
  '\r\n',
  '',
  ', ',
  '; ',
  ' - ',
  '/',
  '|',
  '=',
  ':',
  '.',
];

const word = (random: Random): string => repeat(random, 1, 10, () => pick(random, LETTERS));
const digits = (random: Random): string => repeat(random, 1, 4, () => pick(random, DIGITS));
const ipv4 = (random: Random): string =>
  repeat(random, 4, 4, () => String(int(random, 0, 255)), '.');
const hex = (random: Random): string =>
  repeat(random, 1, 4, () => pick(random, '0123456789abcdefABCDEF'));

const ACCENTED = [
  'café',
  'naïve',
  'Ærøskøbing',
  'ŞİŞLİ',
  'İstanbul',
  'straße',
  'ÉCOLE',
  'Ångström',
  'ĳssel',
  'Łódź',
];
const GREEK_CYRILLIC = ['ΟΔΟΣ', 'Σίσυφος', 'ΣΑΣ', 'Москва', 'ПРИВЕТ', 'ёЖиК', 'Ǆemal', 'ǅ'];
const CJK = [
  '日本語',
  'ひらがな',
  'カタカナ',
  'ｶﾀｶﾅ',
  '한국어',
  '中文字',
  '漢字かな',
  'ー',
  'ア・イ',
  '〆',
];
const SOUTHEAST_ASIAN = ['ภาษาไทย', 'ພາສາລາວ', 'ភាសាខ្មែរ', 'မြန်မာ'];
const EMOJI = [
  '😀',
  '👍🏽',
  '👨‍👩‍👧',
  '🇫🇷',
  '🇫🇷🇩🇪',
  '1️⃣',
  '#️⃣',
  '❤️',
  '©',
  '™',
  '☺',
  '🏴󠁧󠁢󠁳󠁣󠁴󠁿',
  '👩‍💻',
  '✈︎',
  '🤷‍♀️',
];
const MARKS = ['\u0301', '\u200d', '\u200b', '\u00ad', '\ufe0f', '\u2060', '\u0308', '\u20e3'];

/** One piece of text of one of the kinds the issue names. */
function piece(random: Random): string {
  switch (int(random, 0, 19)) {
    case 0:
    case 1:
      return word(random);
    case 2:
      return repeat(random, 1, 4, () => digits(random), pick(random, ['.', ',', '.', ',', '']));
    case 3:
      return repeat(
        random,
        2,
        4,
        () => word(random),
        pick(random, ['.', ':', "'", '_', '::', '._']),
      );
    case 4:
      return `${word(random)}.${word(random)}@${repeat(random, 2, 3, () => word(random), '.')}`;
    case 5:
      return pick(random, [
        ipv4(random),
        `${ipv4(random)}:${digits(random)}`,
        `${ipv4(random)}/${int(random, 0, 32)}`,
      ]);
    case 6:
      return pick(random, [
        `${hex(random)}:${hex(random)}::${hex(random)}`,
        `fe80::${hex(random)}%eth0`,
      ]);
    case 7:
      return `https://${word(random)}.example.com:${digits(random)}/${word(random)}/${word(random)}.php?a=${digits(random)}&b=${word(random)}#${word(random)}`;
    case 8:
      return pick(random, [
        `/${repeat(random, 1, 4, () => word(random), '/')}`,
        `C:\\${word(random)}\\${word(random)}.exe`,
      ]);
    case 9:
      return pick(random, ACCENTED);
    case 10:
      return pick(random, GREEK_CYRILLIC);
    case 11:
      return pick(random, CJK);
    case 12:
      return pick(random, SOUTHEAST_ASIAN);
    case 13:
      return pick(random, EMOJI);
    case 14:
      return repeat(random, 1, 3, () => pick(random, PUNCTUATION));
    case 15:
      return `${word(random)}${pick(random, MARKS)}${word(random)}`;
    case 16:
      return `${digits(random)}${word(random)}${pick(random, ['_', '', '.'])}${digits(random)}`;
    case 17:
      return randomCodePoints(random);
    case 18:
      return `${word(random)}${pick(random, [...CJK, ...EMOJI, ...SOUTHEAST_ASIAN])}${digits(random)}`;
    default:
      return `"${word(random)}" (${word(random)}) [${digits(random)}] {${word(random)}}`;
  }
}

/** Random code points over the whole range (weighted to the BMP), now and then a lone surrogate. */
function randomCodePoints(random: Random): string {
  return repeat(random, 1, 6, () => {
    const roll = random();
    if (roll < 0.05) return String.fromCharCode(int(random, 0xd800, 0xdfff));
    if (roll < 0.6) return String.fromCodePoint(int(random, 0x20, 0x3000));
    if (roll < 0.85) return String.fromCodePoint(int(random, 0x3000, 0xffff));
    return String.fromCodePoint(int(random, 0x10000, 0x1ffff));
  });
}

/** Words longer than the 255-unit buffer, some with surrogate pairs around the cut. */
function longRun(random: Random): string {
  const length = int(random, 240, 620);
  let out = '';
  // Only characters that keep a word together (letters, digits, _, supplementary letters).
  while (out.length < length)
    out += random() < 0.05 ? pick(random, ['𝐀', '𝐀', '_', '1']) : pick(random, LETTERS);
  return out;
}

function generateTexts(count: number, seed: number): string[] {
  const random = seededRandom(seed);
  const texts: string[] = [];
  for (let i = 0; i < count; i++) {
    if (i % 50 === 49) {
      texts.push(`${word(random)} ${longRun(random)} ${word(random)}`);
      continue;
    }
    texts.push(repeat(random, 1, 12, () => `${piece(random)}${pick(random, SEPARATORS)}`));
  }
  // The 255-unit buffer edge with a surrogate pair across it, before it and after it.
  for (const before of [252, 253, 254, 255, 256]) {
    texts.push(`${'a'.repeat(before)}𝐀bc`, `x ${'B'.repeat(before)}😀c`, `${'1'.repeat(before)}𝐀2`);
  }
  texts.push('', ' ', '\u0130', 'ΟΔΟΣ σοφός', 'LDaP_InVaLID_CREDeNTiALS', 'test.mozilla.domain');
  return texts;
}

type LuceneToken = [string, number, number, string, number];
interface OracleAnswer {
  tokens: LuceneToken[][];
  tables: Record<string, unknown> & { lowerCase: { pairs: [number, number][] } };
}

const TEXTS = generateTexts(3000, 20240601);
let answer: OracleAnswer;

beforeAll(() => {
  answer = runLuceneOracle({ analyze: TEXTS, tables: true }) as OracleAnswer;
}, 120_000);

/** Escapes a text so a failure message shows invisible and non-ASCII characters. */
const show = (text: string): string =>
  JSON.stringify(text).replace(
    /[^\x20-\x7e]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );

describe('analyze agrees with Lucene 8 StandardAnalyzer', () => {
  it(`gives the same tokens, offsets, types and positions for ${TEXTS.length} generated texts`, () => {
    const mismatches: string[] = [];
    TEXTS.forEach((text, i) => {
      const ours = analyze(text).map((t) => [
        t.token,
        t.start_offset,
        t.end_offset,
        t.type,
        t.position,
      ]);
      const lucene = answer.tokens[i];
      if (JSON.stringify(ours) !== JSON.stringify(lucene)) {
        mismatches.push(
          `${show(text)}\n  lucene: ${show(JSON.stringify(lucene))}\n  ours:   ${show(JSON.stringify(ours))}`,
        );
      }
    });
    expect(mismatches.slice(0, 10)).toEqual([]);
  });

  it('runs on tables generated from the installed Lucene (else: node oracle/generateTokenizerTables.mjs)', () => {
    const lucene = answer.tables as unknown as {
      cmapRuns: [number, number][];
      rowMap: number[];
      trans: number[];
      attribute: number[];
      action: number[];
    };
    let start = 0;
    const ourRuns = tables.CMAP_RUN_START_DELTAS.map((delta, i) => {
      start += delta;
      return [start, tables.CMAP_RUN_CLASSES[i]];
    });
    expect(ourRuns).toEqual(lucene.cmapRuns);
    expect(tables.ROW_MAP).toEqual(lucene.rowMap);
    expect(tables.TRANS).toEqual(lucene.trans);
    expect(tables.ATTRIBUTE).toEqual(lucene.attribute);
    expect(tables.ACTION).toEqual(lucene.action);
    let codePoint = 0;
    const ourLower = tables.LOWER_CASE_FROM_DELTAS.map((delta, i) => {
      codePoint += delta;
      return [codePoint, codePoint + (tables.LOWER_CASE_OFFSETS[i] ?? 0)];
    });
    expect(ourLower).toEqual(answer.tables.lowerCase.pairs);
  });
});
