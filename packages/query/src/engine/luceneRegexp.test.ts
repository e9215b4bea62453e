import { describe, expect, it } from 'vitest';
import { luceneRegexpToRegExp, wildcardToRegExp } from './luceneRegexp.js';

const full = (pattern: string, text: string): boolean => luceneRegexpToRegExp(pattern).test(text);

describe('luceneRegexpToRegExp', () => {
  it('anchors to the whole term', () => {
    expect(full('.*\\.(exe|sh)', 'test.exe')).toBe(true);
    expect(full('.*\\.(exe|sh)', 'test.exe.abcd')).toBe(false);
    expect(full('.*\\.(exe|sh)', 'testexe')).toBe(false);
    expect(full('(host1|host2.*).*', 'host2.example')).toBe(true);
  });

  it('reads classes, repeats and a backslash as "next character literally"', () => {
    expect(full('[0-9a-fA-F]{1,4}.*', 'fe80::1')).toBe(true);
    expect(full('[0-9a-fA-F]{1,4}.*', 'zz')).toBe(false);
    expect(full('[^a-c]+', 'xyz')).toBe(true);
    expect(full('[^a-c]+', 'xaz')).toBe(false);
    expect(full('\\d', 'd')).toBe(true);
    expect(full('\\d', '1')).toBe(false);
    expect(full('a{2}b?', 'aa')).toBe(true);
    expect(full('a+(b|c)*', 'abcbc')).toBe(true);
  });

  it('reads Lucene extras: quoted strings, @ (any string), # (nothing), <n-m> intervals, empty groups', () => {
    expect(full('"a.b"c', 'a.bc')).toBe(true);
    expect(full('"a.b"c', 'axbc')).toBe(false);
    expect(full('ab@', 'abanything')).toBe(true);
    expect(full('#', '')).toBe(false);
    expect(full('port<20-25>', 'port22')).toBe(true);
    expect(full('port<20-25>', 'port26')).toBe(false);
    expect(full('x<1-10>', 'x007')).toBe(true);
    expect(full('a()b', 'ab')).toBe(true);
  });

  it('matches JavaScript-special characters literally and whole code points with .', () => {
    expect(full('a$b^c/d', 'a$b^c/d')).toBe(true);
    expect(full('.', '\u{1F600}')).toBe(true);
    expect(full('.', '\n')).toBe(true);
  });

  it('names the pattern and position of what it cannot read', () => {
    expect(() => luceneRegexpToRegExp('(ab')).toThrow(
      'regexp /(ab/ at position 0: unclosed group (',
    );
    expect(() => luceneRegexpToRegExp('a|*')).toThrow(/position 2: "\*" repeats nothing/);
    expect(() => luceneRegexpToRegExp('[abc')).toThrow(/unclosed character class/);
    expect(() => luceneRegexpToRegExp('~a')).toThrow(/complement operator ~ is not supported/);
    expect(() => luceneRegexpToRegExp('a&b')).toThrow(/intersection operator & is not supported/);
    expect(() => luceneRegexpToRegExp('a{x}')).toThrow(/a repeat must be/);
  });
});

describe('wildcardToRegExp', () => {
  it('* is any run, ? one character, \\ escapes, everything else literal', () => {
    expect(wildcardToRegExp('te*').test('test')).toBe(true);
    expect(wildcardToRegExp('te?t').test('text')).toBe(true);
    expect(wildcardToRegExp('te?t').test('tet')).toBe(false);
    expect(wildcardToRegExp('a.b*').test('axb')).toBe(false);
    expect(wildcardToRegExp('a\\*').test('a*')).toBe(true);
    expect(wildcardToRegExp('a\\*').test('ab')).toBe(false);
    expect(wildcardToRegExp('delete:*member*').test('delete:member')).toBe(true);
  });
});
