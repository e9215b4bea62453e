import { describe, expect, it } from 'vitest';
import {
  DEFAULT_NOW,
  at,
  daysAgo,
  every,
  hoursAgo,
  isoformat,
  minutesAgo,
  now,
  resolveTime,
  secondsAgo,
  todayAt,
} from './index.js';

describe('frozen clock helpers', () => {
  it('print timestamps as Python isoformat() (isoformat comes from core)', () => {
    expect(isoformat(DEFAULT_NOW)).toBe('2017-01-01T01:00:00+00:00');
    expect(isoformat(new Date('2017-01-01T00:59:59.250Z'))).toBe(
      '2017-01-01T00:59:59.250000+00:00',
    );
  });

  it('place events at offsets from the frozen now, evaluated when the case runs', () => {
    expect(resolveTime(at('-90s'))).toBe('2017-01-01T00:58:30+00:00');
    expect(resolveTime(minutesAgo(3))).toBe('2017-01-01T00:57:00+00:00');
    expect(resolveTime(secondsAgo(1))).toBe('2017-01-01T00:59:59+00:00');
    expect(resolveTime(hoursAgo(2))).toBe('2016-12-31T23:00:00+00:00');
    expect(resolveTime(daysAgo(1))).toBe('2016-12-31T01:00:00+00:00');
    expect(resolveTime(now())).toBe('2017-01-01T01:00:00+00:00');
    expect(resolveTime(todayAt(14, 30))).toBe('2017-01-01T14:30:00+00:00');
    const leap = new Date('2020-02-29T23:59:30Z');
    expect(resolveTime(at('+1m'), leap)).toBe('2020-03-01T00:00:30+00:00');
    expect(resolveTime('2017-01-01T00:00:00+00:00')).toBe('2017-01-01T00:00:00+00:00');
  });

  it('spreads a series evenly, oldest first, ending at now or a given offset', () => {
    expect(every('10s', 3).map((t) => resolveTime(t))).toEqual([
      '2017-01-01T00:59:40+00:00',
      '2017-01-01T00:59:50+00:00',
      '2017-01-01T01:00:00+00:00',
    ]);
    expect(every('1m', 2, '-5m').map((t) => resolveTime(t))).toEqual([
      '2017-01-01T00:54:00+00:00',
      '2017-01-01T00:55:00+00:00',
    ]);
    expect(every('1m', 0)).toEqual([]);
    expect(() => every('1m', 1.5)).toThrow('count must be a whole number');
    expect(() => at('soon')).toThrow('not a duration');
  });
});
