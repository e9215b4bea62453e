import { Cron } from 'croner';
import { parseDuration } from './duration.js';

/** When an alert runs: every N (`'1m'`, `'30s'`) or a cron expression, evaluated in UTC. */
export type Schedule = { every: string; cron?: never } | { cron: string; every?: never };

/**
 * Why a schedule is not valid, or `undefined` when it is. Intervals use duration syntax
 * (`30s`, `1m`, `1h30m`) and must be longer than zero; cron expressions are what croner reads
 * (five fields, or six with seconds first; names, ranges, steps and lists).
 */
export function scheduleProblem(schedule: unknown): string | undefined {
  if (schedule === null || typeof schedule !== 'object')
    return 'schedule must be { every: "1m" } or { cron: "*/5 * * * *" }';
  const keys = Object.keys(schedule).filter(
    (key) => (schedule as Record<string, unknown>)[key] !== undefined,
  );
  if (keys.length !== 1 || (keys[0] !== 'every' && keys[0] !== 'cron')) {
    return `schedule must have exactly one of "every" or "cron", got ${JSON.stringify(keys)}`;
  }
  const value: unknown = (schedule as Record<string, unknown>)[keys[0]];
  if (typeof value !== 'string') return `schedule.${keys[0]} must be a string`;
  if (keys[0] === 'every') {
    let ms: number;
    try {
      ms = parseDuration(value);
    } catch {
      return `schedule.every: not a duration: "${value}" (expected e.g. 30s, 1m, 1h30m)`;
    }
    return ms > 0 ? undefined : `schedule.every must be longer than zero, got "${value}"`;
  }
  return cronProblem(value);
}

/** Cron expressions are read by croner, the library the runner schedules with, so both agree. */
function cronProblem(expression: string): string | undefined {
  try {
    new Cron(expression, { paused: true, timezone: 'UTC' });
    return undefined;
  } catch (error) {
    return `schedule.cron "${expression}": ${(error as Error).message.replace(/^CronPattern: /, '')}`;
  }
}

/**
 * The average time between runs of a schedule, in ms (a cron schedule over its next ten runs);
 * `undefined` for a schedule that is not valid.
 */
export function scheduleIntervalMs(schedule: Schedule): number | undefined {
  if (scheduleProblem(schedule) !== undefined) return undefined;
  if (schedule.every !== undefined) return parseDuration(schedule.every);
  const runs = new Cron(schedule.cron, { paused: true, timezone: 'UTC' }).nextRuns(
    11,
    new Date('2026-01-05T00:00:00Z'),
  );
  const [first, last] = [runs[0], runs[runs.length - 1]];
  return first && last && runs.length > 1
    ? (last.getTime() - first.getTime()) / (runs.length - 1)
    : undefined;
}
