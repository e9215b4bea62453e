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
    [{ cron: '* * * *' }, 'must have 5 fields (minute hour day-of-month month day-of-week) or 6 (seconds first), got 4'],
    [{ cron: '60 * * * *' }, 'minute field "60": "60" is not a minute (0-59)'],
    [{ cron: '* 24 * * *' }, 'hour field "24": "24" is not a hour (0-23)'],
    [{ cron: '* * 0 * *' }, 'day of month field "0"'],
    [{ cron: '* * * foo *' }, 'month field "foo": "foo" is not a month (1-12 or a name)'],
    [{ cron: '*/0 * * * *' }, 'step "0" must be a positive integer'],
    [{ cron: '10-5 * * * *' }, 'range "10-5" runs backwards'],
    [{ cron: '1/2/3 * * * *' }, 'more than one "/"'],
  ])('rejects %o', (schedule, message) => {
    expect(scheduleProblem(schedule)).toContain(message);
  });
});
