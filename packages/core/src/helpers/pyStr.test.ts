import { describe, expect, it } from 'vitest';
import { isoformat } from './isoformat.js';
import { pyFormat, pyFormatNamed } from './pyFormat.js';
import { pyNumber, pyRepr, pyStr } from './pyStr.js';

describe('isoformat', () => {
  it('prints Python isoformat() with +00:00 and microseconds only when non-zero', () => {
    expect(isoformat(new Date('2017-01-01T01:00:00Z'))).toBe('2017-01-01T01:00:00+00:00');
    expect(isoformat(new Date('2017-01-01T00:59:59.250Z'))).toBe(
      '2017-01-01T00:59:59.250000+00:00',
    );
    expect(isoformat(Date.UTC(2017, 0, 1) * 1000 + 316450)).toBe(
      '2017-01-01T00:00:00.316450+00:00',
    );
    expect(isoformat(-1)).toBe('1969-12-31T23:59:59.999999+00:00');
    expect(() => isoformat(new Date('nope'))).toThrow('not a valid instant');
    expect(isoformat(new Date('2017-01-01T00:59:59.001Z'))).toBe(
      '2017-01-01T00:59:59.001000+00:00',
    );
    expect(() => isoformat(new Date('nope'))).toThrow('not a valid instant');
  });
});

describe('pyStr / pyRepr', () => {
  it('prints scalars as Python does', () => {
    expect(pyStr(null)).toBe('None');
    expect(pyStr(undefined)).toBe('None');
    expect(pyStr(true)).toBe('True');
    expect(pyStr(false)).toBe('False');
    expect(pyStr('text')).toBe('text');
    expect(pyStr(new Date('2017-01-01T01:00:00Z'))).toBe('2017-01-01 01:00:00+00:00');
  });

  it('prints floats as Python repr', () => {
    expect(pyNumber(42)).toBe('42');
    expect(pyNumber(0.1)).toBe('0.1');
    expect(pyNumber(1.5)).toBe('1.5');
    expect(pyNumber(0.0001)).toBe('0.0001');
    expect(pyNumber(0.00001)).toBe('1e-05');
    expect(pyNumber(1.5e-7)).toBe('1.5e-07');
    expect(pyNumber(1.5e16)).toBe('1.5e+16');
    expect(pyNumber(9999999999999998)).toBe('9999999999999998');
    expect(pyNumber(1234567890123456.8)).toBe('1234567890123456.8');
    expect(pyNumber(1.2345678901234566e17)).toBe('1.2345678901234566e+17');
    expect(pyNumber(2.5e300)).toBe('2.5e+300');
    expect(pyNumber(-0.5)).toBe('-0.5');
    expect(pyNumber(Number.NaN)).toBe('nan');
    expect(pyNumber(-Infinity)).toBe('-inf');
  });

  it('prints containers in repr form with Python quoting', () => {
    expect(pyStr(['a', 1, null, true])).toBe("['a', 1, None, True]");
    expect(pyStr({ user: 'bob', n: 2.5, tags: [] })).toBe("{'user': 'bob', 'n': 2.5, 'tags': []}");
    expect(pyRepr("it's")).toBe('"it\'s"');
    expect(pyRepr('say "hi" it\'s')).toBe("'say \"hi\" it\\'s'");
    expect(pyRepr('a\\b\n\u0001')).toBe("'a\\\\b\\n\\x01'");
    expect(pyStr({})).toBe('{}');
  });
});

describe('pyFormat', () => {
  it('fills auto, numbered and keyword fields', () => {
    expect(pyFormat('{0} ({1})', '10.2.3.4', 'host.example')).toBe('10.2.3.4 (host.example)');
    expect(pyFormat('{} ssh bruteforce attempts by {}', 3, '1.2.3.4')).toBe(
      '3 ssh bruteforce attempts by 1.2.3.4',
    );
    expect(pyFormatNamed("Deadman check failed for '{description}'", { description: 'bro' })).toBe(
      "Deadman check failed for 'bro'",
    );
    expect(pyFormat('{0} and {0}', None())).toBe('None and None');
    expect(pyFormat('{{literal}} {0}', [1, 'a'])).toBe("{literal} [1, 'a']");
  });

  it('reads attributes and items, and applies conversions and specs', () => {
    expect(
      pyFormat('{0.details.user} {0[hostname]}', { details: { user: 'bob' }, hostname: 'h' }),
    ).toBe('bob h');
    expect(pyFormat('{0!r} {0!s}', 'x')).toBe("'x' x");
    expect(pyFormat('{:>5}|{:<4}|{:^7}|', 'ab', 'c', 'mid')).toBe('   ab|c   |  mid  |');
    expect(pyFormat('{:05d} {:,} {:.2f} {:+d} {:.1%}', 42, 1234567, 3.14159, 7, 0.256)).toBe(
      '00042 1,234,567 3.14 +7 25.6%',
    );
    expect(pyFormat('{:.3}', 'abcdef')).toBe('abc');
    expect(pyFormat('{:e} {:g} {:g}', 12345.678, 0.00001234, 1234567)).toBe(
      '1.234568e+04 1.234e-05 1.23457e+06',
    );
    expect(pyFormat('{:*^9}', 'x')).toBe('****x****');
    expect(pyFormat('{:g}', 999999.5)).toBe('1e+06');
  });

  it('fails like Python on bad templates, naming the problem', () => {
    expect(() => pyFormat('{0} {1}', 'a')).toThrow(
      'replacement index 1 out of range for 1 argument(s)',
    );
    expect(() => pyFormat('{name}')).toThrow('no keyword argument "name"');
    expect(() => pyFormat('oops }')).toThrow("single '}' at position 5");
    expect(() => pyFormat('{0', 1)).toThrow("unclosed '{'");
    expect(() => pyFormat('{0:d}', 'x')).toThrow("format code 'd' needs a number");
    expect(() => pyFormat('{0[missing]}', {})).toThrow('no key "missing"');
  });
});

function None(): null {
  return null;
}
