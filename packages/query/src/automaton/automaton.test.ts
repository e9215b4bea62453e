import { isAlertkitError } from '@alertkit/core';
import { describe, expect, it } from 'vitest';
import {
  compilePrefix,
  compileRegexp,
  compileWildcard,
  fuzzyDistance,
  fuzzyEdits,
} from './index.js';

const full = (pattern: string, text: string, caseInsensitive = false): boolean =>
  compileRegexp(pattern, { caseInsensitive }).matches(text);

function errorOf(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    if (isAlertkitError(error) && error.code === 'QUERY_INVALID') return error.message;
    throw error;
  }
  throw new Error('no error');
}

describe('compileRegexp: Lucene 9 RegExp syntax with RegExp.ALL, as Elasticsearch 8 runs it', () => {
  it('anchors to the whole term', () => {
    expect(full('.*\\.(exe|sh)', 'test.exe')).toBe(true);
    expect(full('.*\\.(exe|sh)', 'test.exe.abcd')).toBe(false);
    expect(full('.*\\.(exe|sh)', 'testexe')).toBe(false);
    expect(full('(host1|host2.*).*', 'host2.example')).toBe(true);
    expect(full('', '')).toBe(true);
    expect(full('', 'a')).toBe(false);
  });

  it('reads classes, repeats and a backslash as "next character literally"', () => {
    expect(full('[0-9a-fA-F]{1,4}.*', 'fe80::1')).toBe(true);
    expect(full('[0-9a-fA-F]{1,4}.*', 'zz')).toBe(false);
    expect(full('[^a-c]+', 'xyz')).toBe(true);
    expect(full('[^a-c]+', 'xaz')).toBe(false);
    expect(full('a{2}b?', 'aa')).toBe(true);
    expect(full('a{2,}', 'aaaa')).toBe(true);
    expect(full('a{2,3}', 'aaaa')).toBe(false);
    expect(full('a{3,2}', 'aa')).toBe(false);
    expect(full('a+(b|c)*', 'abcbc')).toBe(true);
    expect(full('\\.', '.')).toBe(true);
    expect(full('\\\\', '\\')).toBe(true);
    expect(full('[]]', ']')).toBe(true);
    expect(full('x{3}{2}', 'xxxxxx')).toBe(true);
  });

  it("has Lucene 9's predefined classes, and refuses other escaped letters", () => {
    expect(full('\\d+', '2026')).toBe(true);
    expect(full('\\d', 'd')).toBe(false);
    expect(full('\\D', 'd')).toBe(true);
    expect(full('\\w+', 'ab_1')).toBe(true);
    expect(full('\\W', '-')).toBe(true);
    expect(full('a\\sb', 'a\tb')).toBe(true);
    expect(full('\\S', ' ')).toBe(false);
    expect(full('[\\d.]+', '10.0.0.1')).toBe(true);
    expect(errorOf(() => compileRegexp('\\n'))).toBe(
      'regexp /\\n/ is invalid: invalid character class \\n',
    );
  });

  it('reads Lucene extras: strings, @, #, intervals, empty groups, & and ~', () => {
    expect(full('"a.b"c', 'a.bc')).toBe(true);
    expect(full('"a.b"c', 'axbc')).toBe(false);
    expect(full('ab@', 'abanything')).toBe(true);
    expect(full('#', '')).toBe(false);
    expect(full('a()b', 'ab')).toBe(true);
    expect(full('(a|b)&a', 'a')).toBe(true);
    expect(full('a&b', 'a')).toBe(false);
    expect(full('.*x.*&.*y.*', 'axbyc')).toBe(true);
    expect(full('.*x.*&.*y.*', 'axbc')).toBe(false);
    expect(full('~(a)', 'b')).toBe(true);
    expect(full('~(a)', 'a')).toBe(false);
    expect(full('~(a)', '')).toBe(true);
    expect(full('a~b', 'ac')).toBe(true);
    expect(full('a~b', 'ab')).toBe(false);
    expect(full('~~a', 'a')).toBe(true);
    expect(full('root&~(ro.*)', 'root')).toBe(false);
  });

  it('matches numeric intervals as Lucene does (checked against Lucene 8.7)', () => {
    const accepted = (pattern: string, values: string[]): string[] =>
      values.filter((v) => full(pattern, v));
    const values = [
      '',
      '0',
      '00',
      '3',
      '03',
      '003',
      '5',
      '05',
      '7',
      '12',
      '012',
      '0012',
      '13',
      '100',
      '0100',
      '99',
      '010',
      '10',
    ];
    expect(accepted('<0-5>', values)).toEqual(['0', '3', '5']);
    expect(accepted('<5-12>', values)).toEqual(['5', '05', '7', '12', '012', '0012', '010', '10']);
    expect(accepted('<05-12>', values)).toEqual(['05', '12', '10']);
    expect(accepted('<0-100>', values)).toEqual(values.filter((v) => v !== ''));
    expect(accepted('<12-5>', values)).toEqual(accepted('<5-12>', values));
    expect(full('port<20-25>', 'port22')).toBe(true);
    expect(full('port<20-25>', 'port26')).toBe(false);
    expect(full('<0-2147483647>', '2147483647')).toBe(true);
  });

  it("keeps Lucene's reading of characters that cannot start anything else", () => {
    expect(full('|a', '|a')).toBe(true);
    expect(full('*a', '*a')).toBe(true);
    expect(full(')', ')')).toBe(true);
    expect(full('&a', '&a')).toBe(true);
    expect(full('a||b', '|b')).toBe(true);
    expect(full('a|*', '*')).toBe(true);
  });

  it('matches whole code points with . and reads a lone surrogate as U+FFFD', () => {
    expect(full('.', '\u{1F600}')).toBe(true);
    expect(full('..', '\u{1F600}')).toBe(false);
    expect(full('.', '\n')).toBe(true);
    expect(full('a$b^c/d', 'a$b^c/d')).toBe(true);
    expect(full('\uFFFD', '\uD800')).toBe(true);
    expect(full('[é-ü]+', 'éü')).toBe(true);
  });

  it('folds ASCII letters of characters and strings only with case_insensitive (ranges stay)', () => {
    expect(full('root', 'ROOT')).toBe(false);
    expect(full('root', 'ROOT', true)).toBe(true);
    expect(full('"ro"ot', 'RoOt', true)).toBe(true);
    expect(full('[a-c]', 'B', true)).toBe(false);
    expect(full('[abc]', 'B', true)).toBe(true);
    expect(full('[^a]', 'A', true)).toBe(false);
    expect(full('é', 'É', true)).toBe(false);
  });

  it('names the pattern and what is wrong, with Lucene messages', () => {
    expect(errorOf(() => compileRegexp('(ab'))).toBe(
      "regexp /(ab/ is invalid: expected ')' at position 3",
    );
    expect(errorOf(() => compileRegexp('[abc'))).toMatch(/expected '\]' at position 4/);
    expect(errorOf(() => compileRegexp('a{x}'))).toMatch(/integer expected at position 2/);
    expect(errorOf(() => compileRegexp('a|'))).toMatch(/unexpected end-of-string/);
    expect(errorOf(() => compileRegexp('~'))).toMatch(/unexpected end-of-string/);
    expect(errorOf(() => compileRegexp('[a-]'))).toMatch(
      /invalid range: from \(97\) cannot be > to \(93\)/,
    );
    expect(errorOf(() => compileRegexp('<1-2'))).toMatch(/expected '>'/);
    expect(errorOf(() => compileRegexp('<a-b>'))).toMatch(/interval syntax error/);
    expect(errorOf(() => compileRegexp('<foo>'))).toMatch(/'foo' not found/);
    expect(errorOf(() => compileRegexp('a)'))).toMatch(/end-of-string expected at position 1/);
  });

  it('refuses what Elasticsearch refuses: over 1,000 characters, over 10,000 states', () => {
    expect(errorOf(() => compileRegexp('a'.repeat(1001)))).toMatch(
      /^regexp \/a{80}…\/ is refused: the length of regex \[1001\] has exceeded the allowed maximum of \[1000\]/,
    );
    expect(compileRegexp('a'.repeat(1000)).matches('a'.repeat(1000))).toBe(true);
    expect(errorOf(() => compileRegexp('.*a.{20}'))).toBe(
      "regexp /.*a.{20}/ is too complex: determinizing it would need more than 10000 states (Elasticsearch's max_determinized_states)",
    );
    expect(errorOf(() => compileRegexp('a{20000}'))).toMatch(/is too complex/);
    expect(errorOf(() => compileRegexp('((a{999}){999}){999}'))).toMatch(/is too complex/);
    expect(errorOf(() => compileRegexp('~(.*a.{20})'))).toMatch(/is too complex/);
  });

  it('nests groups 499 deep (about the deepest a 1,000-character pattern allows) without overflowing', () => {
    const deep = `${'('.repeat(499)}a${')'.repeat(499)}`;
    expect(compileRegexp(deep).matches('a')).toBe(true);
  });

  it('answers patterns that make backtracking engines explode, on long terms', () => {
    expect(full('(a+)+b', `${'a'.repeat(30)}c`)).toBe(false);
    expect(full('.*.*.*.*.*x', 'a'.repeat(32766))).toBe(false);
    expect(full('(a|aa)*b', 'a'.repeat(32766))).toBe(false);
    expect(full('(.*a){10}', 'a'.repeat(32766))).toBe(true);
  });
});

describe('compileWildcard and compilePrefix', () => {
  it('* is any run, ? one character, \\ escapes, everything else literal', () => {
    const w = (pattern: string, text: string, ci = false): boolean =>
      compileWildcard(pattern, { caseInsensitive: ci }).matches(text);
    expect(w('te*', 'test')).toBe(true);
    expect(w('te?t', 'text')).toBe(true);
    expect(w('te?t', 'tet')).toBe(false);
    expect(w('a.b*', 'axb')).toBe(false);
    expect(w('a\\*', 'a*')).toBe(true);
    expect(w('a\\*', 'ab')).toBe(false);
    expect(w('a\\', 'a\\')).toBe(true);
    expect(w('delete:*member*', 'delete:member')).toBe(true);
    expect(w('*a*a*a*a*a*a*a*b', 'a'.repeat(32766))).toBe(false);
    expect(w('*', '')).toBe(true);
    expect(w('Ro*', 'root', true)).toBe(true);
    expect(w('\\Ro*', 'root', true)).toBe(false);
  });

  it('prefix matches the start, literally', () => {
    expect(compilePrefix('a*b').matches('a*bc')).toBe(true);
    expect(compilePrefix('a*b').matches('axb')).toBe(false);
    expect(compilePrefix('ROO', { caseInsensitive: true }).matches('root')).toBe(true);
  });
});

describe('fuzzy terms', () => {
  const cp = (s: string): number[] => Array.from(s, (c) => c.codePointAt(0) ?? 0);
  it('AUTO is 0 edits for 1-2 code points, 1 for 3-5, 2 above; ~N is min(2, N)', () => {
    expect(['ab', 'abc', 'abcde', 'abcdef', '日本'].map((t) => fuzzyEdits(t))).toEqual([
      0, 1, 1, 2, 0,
    ]);
    expect(fuzzyEdits('abcdef', '1')).toBe(1);
    expect(fuzzyEdits('ab', '5')).toBe(2);
    expect(fuzzyEdits('ab', '1.7')).toBe(1);
  });

  it('counts an adjacent transposition as one edit (optimal string alignment)', () => {
    expect(fuzzyDistance(cp('root'), cp('roto'), 1)).toBe(1);
    expect(fuzzyDistance(cp('root'), cp('rot'), 1)).toBe(1);
    expect(fuzzyDistance(cp('root'), cp('rooot'), 1)).toBe(1);
    expect(fuzzyDistance(cp('root'), cp('boot'), 1)).toBe(1);
    expect(fuzzyDistance(cp('root'), cp('toor'), 1)).toBeUndefined();
    expect(fuzzyDistance(cp('ca'), cp('abc'), 2)).toBeUndefined();
    expect(fuzzyDistance(cp('password'), cp('passwrod'), 2)).toBe(1);
    expect(fuzzyDistance(cp('admin'), cp('admin'), 2)).toBe(0);
    expect(fuzzyDistance(cp('😀ab'), cp('ab'), 1)).toBe(1);
  });
});
