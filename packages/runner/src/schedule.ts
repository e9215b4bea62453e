import { Cron } from 'croner';
import { AlertkitError, parseDuration, type Schedule } from '@alertkit/core';

/**
 * A schedule that can list its ticks: `{ every: '1m' }` ticks at the multiples of the interval
 * since the Unix epoch (so every runner agrees on tick times), `{ cron }` as croner reads the
 * expression, in UTC.
 */
export interface Ticker {
  /** The first tick strictly after `after`. */
  next(after: Date): Date;
  /** Human text, e.g. `every 1m` or `cron 0 * * * *`. */
  readonly text: string;
}

/** A ticker for a schedule; a bad interval or cron expression is a clear error. */
export function createTicker(schedule: Schedule): Ticker {
  if (schedule.every !== undefined) {
    let ms: number;
    try {
      ms = parseDuration(schedule.every);
    } catch (cause) {
      throw new AlertkitError('ALERT_INVALID', `schedule: ${(cause as Error).message}`, { cause });
    }
    if (ms < 1000)
      throw new AlertkitError(
        'ALERT_INVALID',
        `schedule: every must be at least 1s, got "${schedule.every}"`,
      );
    return {
      text: `every ${schedule.every}`,
      next: (after) => new Date((Math.floor(after.getTime() / ms) + 1) * ms),
    };
  }
  const expression = schedule.cron;
  let cron: Cron;
  try {
    cron = new Cron(expression, { timezone: 'UTC', paused: true });
  } catch (cause) {
    throw new AlertkitError(
      'ALERT_INVALID',
      `schedule: bad cron expression "${expression}": ${(cause as Error).message}`,
      { cause },
    );
  }
  return {
    text: `cron ${expression}`,
    next: (after) => {
      const next = cron.nextRun(after);
      if (!next)
        throw new AlertkitError(
          'ALERT_INVALID',
          `schedule: cron "${expression}" never fires after ${after.toISOString()}`,
        );
      return next;
    },
  };
}

/**
 * The ticks in `(after, until]`, oldest first, at most `max` of them (the newest `max`: when a
 * runner was down longer than its catch-up allows, the oldest missed ticks are given up).
 * `skipped` says how many were dropped.
 */
export function ticksBetween(
  ticker: Ticker,
  after: Date,
  until: Date,
  max: number,
): { ticks: Date[]; skipped: number } {
  const ticks: Date[] = [];
  let skipped = 0;
  for (let t = ticker.next(after); t.getTime() <= until.getTime(); t = ticker.next(t)) {
    ticks.push(t);
    if (ticks.length > max) {
      ticks.shift();
      skipped++;
    }
  }
  return { ticks, skipped };
}
