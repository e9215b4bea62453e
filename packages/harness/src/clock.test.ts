import { describe, expect, it } from 'vitest';
import { DEFAULT_NOW, at, isoformat, minutesAgo } from './clock.js';

describe('frozen clock helpers', () => {
  it('print timestamps as Python isoformat()', () => {
    expect(isoformat(DEFAULT_NOW)).toBe('2017-01-01T01:00:00+00:00');
    expect(isoformat(new Date('2017-01-01T00:59:59.250Z'))).toBe('2017-01-01T00:59:59.250000+00:00');
  });
  it('place events at offsets from the frozen now', () => {
    expect(at('-90s')).toBe('2017-01-01T00:58:30+00:00');
    expect(minutesAgo(3)).toBe('2017-01-01T00:57:00+00:00');
    expect(at('+1m', new Date('2020-02-29T23:59:30Z'))).toBe('2020-03-01T00:00:30+00:00');
  });
});
