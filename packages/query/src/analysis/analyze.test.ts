import { describe, expect, it } from 'vitest';
import { analyze, analyzeToTerms } from './analyze.js';
import { javaLowerCase } from './javaLowerCase.js';

describe('analyze (Elasticsearch standard analyser)', () => {
  it("keeps letters joined by . : and ' together, and never splits on _", () => {
    expect(
      analyzeToTerms("test.mozilla.domain sshd:session O'Neil LDaP_InVaLID_CREDeNTiALS pam_unix"),
    ).toEqual([
      'test.mozilla.domain',
      'sshd:session',
      "o'neil",
      'ldap_invalid_credentials',
      'pam_unix',
    ]);
  });

  it('keeps digits joined by . or , together and splits on most other punctuation', () => {
    expect(analyzeToTerms('from 11.22.33.44 port 1,024 at 10:30 (pid=42)')).toEqual([
      'from',
      '11.22.33.44',
      'port',
      '1,024',
      'at',
      '10',
      '30',
      'pid',
      '42',
    ]);
  });

  it('splits e-mail addresses at @ and paths at /', () => {
    expect(analyzeToTerms('foo@mozilla.com /test/abc/def')).toEqual([
      'foo',
      'mozilla.com',
      'test',
      'abc',
      'def',
    ]);
  });

  it('reports offsets in UTF-16 units, positions and Lucene token types', () => {
    expect(analyze('Été 42 日本 😀 ภาษาไทย')).toEqual([
      { token: 'été', start_offset: 0, end_offset: 3, type: '<ALPHANUM>', position: 0 },
      { token: '42', start_offset: 4, end_offset: 6, type: '<NUM>', position: 1 },
      { token: '日', start_offset: 7, end_offset: 8, type: '<IDEOGRAPHIC>', position: 2 },
      { token: '本', start_offset: 8, end_offset: 9, type: '<IDEOGRAPHIC>', position: 3 },
      { token: '😀', start_offset: 10, end_offset: 12, type: '<EMOJI>', position: 4 },
      {
        token: 'ภาษาไทย',
        start_offset: 13,
        end_offset: 20,
        type: '<SOUTHEAST_ASIAN>',
        position: 5,
      },
    ]);
  });

  it('cuts a word longer than 255 UTF-16 units into pieces', () => {
    const tokens = analyze('a'.repeat(600));
    expect(tokens.map((t) => [t.start_offset, t.end_offset])).toEqual([
      [0, 255],
      [255, 510],
      [510, 600],
    ]);
  });

  it('yields nothing for punctuation and whitespace only', () => {
    expect(analyze(' -- !! ... ')).toEqual([]);
  });
});

describe('javaLowerCase (Character.toLowerCase per code point)', () => {
  it('differs from String.prototype.toLowerCase where Java does', () => {
    expect(javaLowerCase('\u0130')).toBe('i'); // JS: 'i\u0307'
    expect(javaLowerCase('ΟΔΟΣ')).toBe('οδοσ'); // JS: final sigma 'οδος'
    expect(javaLowerCase('MiXeD 𝐀 Ǆ')).toBe('mixed 𝐀 ǆ');
  });

  it('lower-cases a slice and leaves a lone surrogate alone', () => {
    expect(javaLowerCase('xxABCxx', 2, 5)).toBe('abc');
    expect(javaLowerCase('A\ud800B')).toBe('a\ud800b');
  });
});
