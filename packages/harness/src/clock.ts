import { parseDuration } from '@alertkit/core';

/** MozDef's frozen test clock: every case runs at this instant unless told otherwise. */
export const DEFAULT_NOW = new Date('2017-01-01T01:00:00Z');

/** Python's `isoformat()` of a UTC instant, as MozDef stores timestamps: `2017-01-01T01:00:00+00:00` (microseconds only when non-zero). */
export function isoformat(instant: Date): string {
  const iso = instant.toISOString(); // 2017-01-01T01:00:00.000Z
  const ms = instant.getUTCMilliseconds();
  const base = iso.slice(0, 19);
  return ms === 0 ? `${base}+00:00` : `${base}.${String(ms * 1000).padStart(6, '0')}+00:00`;
}

/** The timestamp at an offset from `now`, e.g. `at('-90s')`, `at('+1m')`, in MozDef's ISO form. */
export function at(offset: string, now: Date = DEFAULT_NOW): string {
  return isoformat(new Date(now.getTime() + parseDuration(offset)));
}

/** The timestamp `n` minutes before `now`. */
export function minutesAgo(n: number, now: Date = DEFAULT_NOW): string {
  return isoformat(new Date(now.getTime() - n * 60_000));
}
