import { describe, expect, it } from 'vitest';
import { pythonIsoformat } from './isoformat.js';

describe('pythonIsoformat', () => {
  it('writes +00:00 and microseconds only when not zero', () => {
    expect(pythonIsoformat(new Date('2017-01-01T00:55:00Z'))).toBe('2017-01-01T00:55:00+00:00');
    expect(pythonIsoformat(new Date('2017-01-01T00:55:00.123Z'))).toBe(
      '2017-01-01T00:55:00.123000+00:00',
    );
    expect(pythonIsoformat(Date.UTC(2017, 0, 1) * 1000 + 316450)).toBe(
      '2017-01-01T00:00:00.316450+00:00',
    );
    expect(pythonIsoformat(-1)).toBe('1969-12-31T23:59:59.999999+00:00');
  });
  it('refuses an invalid date', () => {
    expect(() => pythonIsoformat(new Date('nope'))).toThrow('not a valid instant');
  });
});
