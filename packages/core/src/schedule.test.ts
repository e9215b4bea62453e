import { describe, expect, it } from 'vitest';
import { scheduleProblem } from './schedule.js';

describe('scheduleProblem', () => {
  it.each([
    { every: '1m' },
    { every: '30s' },
    { every: '1h30m' },
    { cron: '*/5 * * * *' },
    { cron: '0 0 * * mon-fri' },
    { cron: '0,30 8-18/2 1 jan,JUL 0' },
    { cron: '0 */10 * * * *' },
    { cron: '0 0 ? * 7' },
  ])('accepts %o', (schedule) => {
    expect(scheduleProblem(schedule)).toBeUndefined();
  });

  it.each([
    [{ every: '0s' }, 'schedule.every must be longer than zero'],
    [{ every: 'often' }, 'schedule.every: not a duration: "often"'],
    [{ every: 60 }, 'schedule.every must be a string'],
    [{ every: '1m', cron: '* * * * *' }, 'exactly one of "every" or "cron"'],
    [{}, 'exactly one of "every" or "cron"'],
    ['1m', 'schedule must be { every: "1m" } or { cron: "*/5 * * * *" }'],
    [{ cron: '* * * *' }, 'schedule.cron "* * * *": invalid configuration format'],
    [{ cron: '60 * * * *' }, 'schedule.cron "60 * * * *": Invalid value for minute: 60'],
    [{ cron: '* 24 * * *' }, 'Invalid value for hour: 24'],
    [{ cron: '* * 0 * *' }, 'Invalid value for day'],
    [{ cron: '* * * foo *' }, '(foo) contains illegal characters'],
    [{ cron: '*/0 * * * *' }, 'illegal stepping: 0'],
    [{ cron: '10-5 * * * *' }, "From value is larger than to value: '10-5'"],
    [{ cron: '1/2/3 * * * *' }, "illegal stepping: '1/2/3'"],
  ])('rejects %o', (schedule, message) => {
    expect(scheduleProblem(schedule)).toContain(message);
  });
});
