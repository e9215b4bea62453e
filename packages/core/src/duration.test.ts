import { describe, expect, it } from 'vitest';
import { durationToMs, parseDuration } from './duration.js';

describe('durations', () => {
  it('sum timedelta-style parts', () => {
    expect(durationToMs({ minutes: 2 })).toBe(120_000);
    expect(durationToMs({ days: 1, hours: 1, seconds: 1 })).toBe(90_001_000);
  });
  it('parse short forms and offsets', () => {
    expect(parseDuration('90s')).toBe(90_000);
    expect(parseDuration('1h30m')).toBe(5_400_000);
    expect(parseDuration('-2m')).toBe(-120_000);
    expect(() => parseDuration('soon')).toThrow('not a duration: "soon"');
  });
});
