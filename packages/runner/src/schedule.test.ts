import { describe, expect, it } from 'vitest';
import { createTicker, ticksBetween } from './schedule.js';

const at = (iso: string) => new Date(iso);

describe('schedules', () => {
  it('ticks intervals at multiples since the epoch', () => {
    const every = createTicker({ every: '1m' });
    expect(every.next(at('2026-11-01T12:00:30Z'))).toEqual(at('2026-11-01T12:01:00Z'));
    expect(every.next(at('2026-11-01T12:01:00Z'))).toEqual(at('2026-11-01T12:02:00Z'));
    expect(every.text).toBe('every 1m');
  });

  it('ticks cron expressions in UTC', () => {
    const cron = createTicker({ cron: '*/5 * * * *' });
    expect(cron.next(at('2026-11-01T12:02:00Z'))).toEqual(at('2026-11-01T12:05:00Z'));
  });

  it('lists missed ticks oldest first, keeping the newest when over the catch-up limit', () => {
    const every = createTicker({ every: '1m' });
    const all = ticksBetween(every, at('2026-11-01T12:00:00Z'), at('2026-11-01T12:03:30Z'), 10);
    expect(all.ticks.map((t) => t.toISOString())).toEqual([
      '2026-11-01T12:01:00.000Z',
      '2026-11-01T12:02:00.000Z',
      '2026-11-01T12:03:00.000Z',
    ]);
    expect(all.skipped).toBe(0);
    const capped = ticksBetween(every, at('2026-11-01T12:00:00Z'), at('2026-11-01T12:03:30Z'), 2);
    expect(capped.ticks.map((t) => t.toISOString())).toEqual([
      '2026-11-01T12:02:00.000Z',
      '2026-11-01T12:03:00.000Z',
    ]);
    expect(capped.skipped).toBe(1);
  });

  it('refuses bad schedules clearly', () => {
    expect(() => createTicker({ every: 'often' })).toThrow('schedule: not a duration: "often"');
    expect(() => createTicker({ every: '10ms' })).toThrow('at least 1s');
    expect(() => createTicker({ cron: 'every tuesday' })).toThrow(
      'bad cron expression "every tuesday"',
    );
  });
});
