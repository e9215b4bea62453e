/**
 * Time in alert cases, read like promtool's tests: timestamps are placed at offsets from the
 * case's frozen `now` (MozDef's `2017-01-01T01:00:00+00:00` unless the suite sets another).
 * The helpers return {@link Timestamp}s, evaluated when the case builds its events (as MozDef's
 * timestamp lambdas are, inside frozen time), so one case list works with any `now`.
 */
import { isoformat, parseDuration } from '@alertkit/core';

/** MozDef's frozen test clock: every case runs at this instant unless the suite says otherwise. */
export const DEFAULT_NOW = new Date('2017-01-01T01:00:00Z');

const TIMESTAMP = Symbol.for('alertkit.harness.timestamp');

/** A point in time relative to the case's `now`, printed as Python `isoformat()` when the case runs. */
export interface Timestamp {
  readonly [TIMESTAMP]: true;
  /** The ISO timestamp at `now`. */
  at(now: Date): string;
  /** How it was written (`at('-90s')`), for messages. */
  readonly label: string;
}

function timestamp(label: string, at: (now: Date) => Date): Timestamp {
  return { [TIMESTAMP]: true, label, at: (now) => isoformat(at(now)) };
}

/** True for a value made by the time helpers. */
export function isTimestamp(value: unknown): value is Timestamp {
  return (
    typeof value === 'object' && value !== null && (value as Partial<Timestamp>)[TIMESTAMP] === true
  );
}

/** The case's `now` itself (MozDef's `current_timestamp_lambda`). */
export function now(): Timestamp {
  return timestamp('now()', (n) => n);
}

/** An offset from now in duration syntax: `at('-90s')`, `at('-1h30m')`, `at('+1m')` (the future). */
export function at(offset: string): Timestamp {
  const ms = parseDuration(offset);
  return timestamp(`at('${offset}')`, (n) => new Date(n.getTime() + ms));
}

/** `n` seconds before now. */
export function secondsAgo(n: number): Timestamp {
  return timestamp(`secondsAgo(${n})`, (t) => new Date(t.getTime() - n * 1000));
}

/** `n` minutes before now (MozDef's `subtract_from_timestamp_lambda({'minutes': n})`). */
export function minutesAgo(n: number): Timestamp {
  return timestamp(`minutesAgo(${n})`, (t) => new Date(t.getTime() - n * 60_000));
}

/** `n` hours before now. */
export function hoursAgo(n: number): Timestamp {
  return timestamp(`hoursAgo(${n})`, (t) => new Date(t.getTime() - n * 3_600_000));
}

/** `n` days before now. */
export function daysAgo(n: number): Timestamp {
  return timestamp(`daysAgo(${n})`, (t) => new Date(t.getTime() - n * 86_400_000));
}

/** Now's date at a given UTC time of day (MozDef's `create_timestamp_from_now_lambda(hour, minute, second)`). */
export function todayAt(hour: number, minute = 0, second = 0): Timestamp {
  return timestamp(`todayAt(${hour}, ${minute}, ${second})`, (t) => {
    const d = new Date(t.getTime());
    d.setUTCHours(hour, minute, second, 0);
    return d;
  });
}

/**
 * `count` timestamps `step` apart, oldest first, the last one at `end` (default now):
 * `every('10s', 12)` is 110 s ago, 100 s ago, ..., now. Feed it to `events(base, every(...))`.
 */
export function every(step: string, count: number, end: string = '-0s'): Timestamp[] {
  const stepMs = parseDuration(step);
  const endMs = parseDuration(end);
  if (!Number.isInteger(count) || count < 0)
    throw new RangeError(`every: count must be a whole number, got ${count}`);
  return Array.from({ length: count }, (_, i) => {
    const back = (count - 1 - i) * stepMs;
    return timestamp(
      `every('${step}', ${count})[${i}]`,
      (n) => new Date(n.getTime() + endMs - back),
    );
  });
}

/** Resolves a timestamp (or an ISO string, kept as is) at `now`. */
export function resolveTime(value: Timestamp | string, when: Date = DEFAULT_NOW): string {
  return isTimestamp(value) ? value.at(when) : value;
}
