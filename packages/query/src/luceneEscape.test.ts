import { describe, expect, it } from 'vitest';
import { luceneEscape, luceneQuote, luceneRangeBound } from './luceneEscape.js';

describe('luceneEscape', () => {
  it('turns operators, wildcards, field separators and spaces into literal characters', () => {
    expect(luceneEscape('a:b OR *')).toBe('a\\:b\\ OR\\ \\*');
    expect(luceneEscape('+-=&|><!(){}[]^"~*?:\\/')).toBe('\\+\\-\\=\\&\\|\\>\\<\\!\\(\\)\\{\\}\\[\\]\\^\\"\\~\\*\\?\\:\\\\\\/');
    expect(luceneEscape('tab\there')).toBe('tab\\\there');
  });
  it('leaves ordinary text, dots, underscores and @ alone', () => {
    expect(luceneEscape('details.sourceipaddress')).toBe('details.sourceipaddress');
    expect(luceneEscape('ldap_count_entries')).toBe('ldap_count_entries');
    expect(luceneEscape('foo@mozilla.com')).toBe('foo@mozilla.com');
  });
});

describe('luceneQuote and luceneRangeBound', () => {
  it('quotes with only " and \\ escaped', () => {
    expect(luceneQuote('say "hi" \\ *')).toBe('"say \\"hi\\" \\\\ *"');
  });
  it('writes addresses and timestamps raw and quotes anything that could end a range bound', () => {
    expect(luceneRangeBound('10.0.0.0')).toBe('10.0.0.0');
    expect(luceneRangeBound('2001:db8::')).toBe('2001:db8::');
    expect(luceneRangeBound('2017-01-01T00:00:00+00:00')).toBe('2017-01-01T00:00:00+00:00');
    expect(luceneRangeBound('a b')).toBe('"a b"');
    expect(luceneRangeBound('x]')).toBe('"x]"');
    expect(luceneRangeBound('TO')).toBe('"TO"');
    expect(luceneRangeBound('*')).toBe('"*"');
    expect(luceneRangeBound('')).toBe('""');
  });
});
