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
import { compileClause } from './engine/compile.js';
import { EventIndex } from './engine/eventIndex.js';
import { parseMapping } from './engine/mapping.js';
import { parseQueryString } from './queryString/index.js';
import { seededRandom } from '../test/seededRandom.js';

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

/** The fields of the search comparison: `summary` is text, the others keyword (MozDef's shape). */
const SEARCH_FIELDS: Record<string, 'text' | 'keyword'> = {
  summary: 'text',
  hostname: 'keyword',
  'details.username': 'keyword',
  tags: 'keyword',
  source: 'keyword',
};
const SEARCH_MAPPING = {
  properties: {
    summary: { type: 'text' },
    hostname: { type: 'keyword' },
    details: { properties: { username: { type: 'keyword' } } },
    tags: { type: 'keyword' },
    source: { type: 'keyword' },
  },
};
const VOCABULARY = [
  'Failed',
  'password',
  'for',
  'root',
  'from',
  '10.0.0.1',
  '192.168.1.20',
  'sshd:session',
  'test.mozilla.domain',
  'admin@example.com',
  'LDAP_INVALID',
  'Accepted',
  'publickey',
  'session',
  'opened',
  'veth0',
  'vethab12',
  'café',
  'ΟΔΟΣ',
  '日本',
  'port',
  '22',
  'Root',
  'test',
  'conf',
  '/var/log/auth.log',
];
const KEYWORDS = [
  'host1.example.com',
  'web-01',
  'Failed password',
  'root',
  'Root',
  'veth123',
  'admin',
  '',
  'db 2',
  'auth0',
  'ssh',
  'SSH',
  'local1',
  '10.0.0.1',
];
const SEPARATORS_IN_SUMMARY = [' ', ' ', ', ', ' - ', ': ', '/', ' (', ') '];

type Source = Record<string, unknown>;

/** A seeded event: the engine's nested source and the oracle's flat one (dotted names). */
function generateEvent(random: Random): { nested: Source; flat: Source } {
  const flat: Source = {};
  const summary = (): string =>
    repeat(random, 1, 7, () => `${pick(random, VOCABULARY)}${pick(random, SEPARATORS_IN_SUMMARY)}`);
  if (random() < 0.9) flat['summary'] = random() < 0.2 ? [summary(), summary()] : summary();
  for (const field of ['hostname', 'details.username', 'source'])
    if (random() < 0.8) flat[field] = pick(random, KEYWORDS);
  const roll = random();
  if (roll < 0.6)
    flat['tags'] = Array.from({ length: int(random, 1, 3) }, () => pick(random, KEYWORDS));
  else if (roll < 0.7) flat['tags'] = [];
  else if (roll < 0.8) flat['tags'] = null;
  const nested: Source = { ...flat };
  if ('details.username' in flat) {
    nested['details'] = { username: flat['details.username'] };
    delete nested['details.username'];
  }
  return { nested, flat };
}

/** Escapes the classic parser's special characters in a term. */
const escapeTerm = (text: string): string =>
  text.replace(/[+\-!():^[\]"{}~*?\\/&| ]/g, (c) => `\\${c}`);
const randomCase = (random: Random, text: string): string =>
  random() < 0.5
    ? text
    : Array.from(text, (c) => (random() < 0.5 ? c.toUpperCase() : c.toLowerCase())).join('');
const letters = (text: string): string => text.replace(/[^a-z]/gi, '') || 'root';

/** One clause of a generated query string. */
function queryAtom(random: Random): string {
  const field = pick(random, Object.keys(SEARCH_FIELDS));
  const prefix = random() < 0.6 ? `${field}:` : '';
  const word = pick(random, [...VOCABULARY, ...KEYWORDS.filter((k) => k !== '')]);
  const stem = letters(word);
  switch (int(random, 0, 11)) {
    case 0:
    case 1:
      return `${prefix}${escapeTerm(randomCase(random, word))}`;
    case 2:
      return `${prefix}(${escapeTerm(pick(random, VOCABULARY))} ${escapeTerm(pick(random, VOCABULARY))})`;
    case 3:
      return `${escapeTerm(pick(random, VOCABULARY))} ${escapeTerm(pick(random, VOCABULARY))}`;
    case 4:
      return `${prefix}"${repeat(random, 1, 3, () => pick(random, VOCABULARY), ' ').replace(/["\\]/g, '\\$&')}"`;
    case 5:
      return `${prefix}${pick(random, [`${stem.slice(0, 3)}*`, `*${stem.slice(-3)}`, `${stem.slice(0, 2)}?${stem.slice(3)}`, `*${stem.slice(1, 3)}*`])}`;
    case 6:
      // Mixed case: Elasticsearch 8 hands regexps to the field unchanged (see the note below).
      return `${field}:/${pick(random, ['ro.*', 'RO.*', '(root|Admin)', '[a-z]+', `.*${stem.slice(1, 3)}.*`, 'v[a-z]+[0-9]+', stem, 'F.*', '.*o.*&~(root)', 'r@', 'v<1-20>', '(a|#)dmin', '~(.*a.*)'])}/`;
    case 7:
      return `${field}:${pick(random, ['[', '{'])}${pick(random, ['a', 'F', '*', '1'])} TO ${pick(random, ['m', 'R', 'z', '*'])}${pick(random, [']', '}'])}`;
    case 8:
      return random() < 0.5 ? `_exists_:${field}` : `${field}:*`;
    case 9:
      return `${field}:(${queryAtom(random)} ${pick(random, ['OR', 'AND', ''])} ${escapeTerm(
        pick(
          random,
          KEYWORDS.filter((k) => k !== ''),
        ),
      )})`;
    case 10: {
      // Fuzzy terms near a word of the vocabulary: one dropped letter, one swap, or the word.
      const i = int(random, 0, Math.max(0, stem.length - 2));
      const near = pick(random, [
        stem,
        stem.slice(0, i) + stem.slice(i + 1),
        stem.slice(0, i) + (stem[i + 1] ?? '') + (stem[i] ?? '') + stem.slice(i + 2),
      ]);
      return `${prefix}${randomCase(random, near)}${pick(random, ['~', '~', '~1', '~2', '~0'])}`;
    }
    default:
      return `(${generateQuery(random, 2)})`;
  }
}

function generateQuery(random: Random, maxAtoms = 4): string {
  let query = '';
  const count = int(random, 1, maxAtoms);
  for (let i = 0; i < count; i++) {
    const joiner =
      i === 0
        ? ''
        : pick(random, [' ', ' ', ' AND ', ' OR ', ' AND NOT ', ' OR NOT ', ' && ', ' || ']);
    // Two modifiers in a row (`NOT -a`) are a syntax error: keep those rare.
    const modifier =
      joiner.includes('NOT') && random() < 0.9
        ? ''
        : pick(random, ['', '', '', '+', '-', '!', 'NOT ']);
    query += `${joiner}${modifier}${queryAtom(random)}`;
  }
  return query;
}

interface SearchCase {
  query: string;
  defaultOperator: 'OR' | 'AND';
}

const search = (() => {
  const random = seededRandom(7);
  const events = Array.from({ length: 400 }, () => generateEvent(random));
  const cases: SearchCase[] = Array.from({ length: 1500 }, () => ({
    query: generateQuery(random),
    defaultOperator: random() < 0.25 ? 'AND' : 'OR',
  }));
  return { events, cases };
})();

type LuceneToken = [string, number, number, string, number];
type LuceneSearchAnswer = { parsed: string; hits: number[] } | { error: string };
interface OracleAnswer {
  tokens: LuceneToken[][];
  search: LuceneSearchAnswer[];
  tables: Record<string, unknown> & { lowerCase: { pairs: [number, number][] } };
}

const TEXTS = generateTexts(3000, 20240601);
let answer: OracleAnswer;

beforeAll(() => {
  answer = runLuceneOracle({
    analyze: TEXTS,
    tables: true,
    search: {
      fields: SEARCH_FIELDS,
      docs: search.events.map((event) => event.flat),
      queries: search.cases.map(({ query, defaultOperator }) => ({ query, defaultOperator })),
    },
  }) as OracleAnswer;
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

/**
 * Hits of the embedded engine vs Lucene's classic QueryParser set up as Elasticsearch 7's
 * query_string (oracle/OracleSearch.java: `*` = a dis_max over every field, a text that analyses to
 * nothing matches nothing, purely negative booleans get match-all), on text + keyword fields only,
 * where Lucene and Elasticsearch mean the same. ES-only syntax (`f:>v`, `*` = exists) is not
 * generated. The oracle carries Elasticsearch 8's overrides of the classic parser: regexps go to
 * the field unchanged (`summary:/F.*\/` finds nothing on lower-cased text), fuzzy terms are
 * Fuzziness.AUTO for a bare `~` with prefix length 0, 50 expansions and transpositions.
 *
 * Regexps, wildcards and range bounds are generated in mixed case: wildcards and range bounds are
 * normalised (lower-cased on text fields), regexps are not.
 */
describe('query_string on the embedded engine agrees with Lucene (as Elasticsearch runs it)', () => {
  it(`gives the same hits for ${search.cases.length} generated query strings over ${search.events.length} events`, () => {
    const index = new EventIndex(parseMapping(SEARCH_MAPPING));
    search.events.forEach((event, i) =>
      index.add({ _index: 'events', _id: String(i), _source: event.nested as never }),
    );
    const mismatches: string[] = [];
    search.cases.forEach(({ query, defaultOperator }, i) => {
      const lucene = answer.search[i] as LuceneSearchAnswer;
      let ours: number[] | string;
      try {
        const predicate = compileClause(index, { type: 'queryString', query, defaultOperator });
        ours = search.events.map((_, doc) => doc).filter((doc) => predicate(doc));
      } catch (error) {
        ours = `error: ${(error as Error).message}`;
      }
      const theirs = 'error' in lucene ? 'error' : lucene.hits;
      const same =
        typeof ours === 'string'
          ? theirs === 'error'
          : JSON.stringify(ours) === JSON.stringify(theirs);
      if (!same) {
        const ast =
          typeof ours === 'string'
            ? ours
            : JSON.stringify(parseQueryString(query, { defaultOperator }));
        mismatches.push(
          `${show(query)} (${defaultOperator})\n  lucene: ${'error' in lucene ? lucene.error : `${lucene.parsed} -> ${JSON.stringify(lucene.hits)}`}\n  ours: ${ast} -> ${JSON.stringify(ours)}`,
        );
      }
    });
    expect(mismatches.slice(0, 8), `${mismatches.length} of ${search.cases.length} differ`).toEqual(
      [],
    );
  });

  it('generates queries that match something and queries that match nothing', () => {
    const hitCounts = answer.search.map((a) => ('hits' in a ? a.hits.length : -1));
    expect(hitCounts.filter((n) => n > 0).length).toBeGreaterThan(search.cases.length / 4);
    expect(hitCounts.filter((n) => n === 0).length).toBeGreaterThan(search.cases.length / 20);
    expect(hitCounts.filter((n) => n === -1).length).toBeLessThan(search.cases.length / 20);
  });
});
