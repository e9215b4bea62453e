import { AlertkitError } from './errors.js';

/** A time span as MozDef's `SearchQuery(**timedelta)` takes it, e.g. `{ minutes: 2 }`. */
export interface Duration {
  weeks?: number;
  days?: number;
  hours?: number;
  minutes?: number;
  seconds?: number;
  milliseconds?: number;
}

const UNIT_MS = {
  weeks: 7 * 24 * 3600_000,
  days: 24 * 3600_000,
  hours: 3600_000,
  minutes: 60_000,
  seconds: 1000,
  milliseconds: 1,
} as const satisfies Record<keyof Duration, number>;

const SUFFIX: Record<string, keyof Duration> = {
  w: 'weeks',
  d: 'days',
  h: 'hours',
  m: 'minutes',
  s: 'seconds',
  ms: 'milliseconds',
};

/** The length of a duration in milliseconds. */
export function durationToMs(duration: Duration): number {
  let total = 0;
  for (const [unit, factor] of Object.entries(UNIT_MS) as [keyof Duration, number][]) {
    const value = duration[unit];
    if (value === undefined) continue;
    if (!Number.isFinite(value) || value < 0) {
      throw new AlertkitError(
        'QUERY_INVALID',
        `duration ${unit} must be a non-negative number, got ${String(value)}`,
      );
    }
    total += value * factor;
  }
  return total;
}

/**
 * Parses a short duration such as `90s`, `2m`, `1h30m`, `7d` (also `-90s` for offsets into the
 * past, returned as a negative number of milliseconds).
 */
export function parseDuration(text: string): number {
  const match = /^\s*([+-])?((?:\d+(?:\.\d+)?(?:ms|w|d|h|m|s)\s*)+)$/.exec(text);
  if (!match?.[2]) {
    throw new AlertkitError(
      'QUERY_INVALID',
      `not a duration: "${text}" (expected e.g. 90s, 2m, 1h30m, 7d)`,
    );
  }
  let ms = 0;
  for (const part of match[2].matchAll(/(\d+(?:\.\d+)?)(ms|w|d|h|m|s)/g)) {
    const unit = SUFFIX[part[2] as string] as keyof Duration;
    ms += Number(part[1]) * UNIT_MS[unit];
  }
  return match[1] === '-' ? -ms : ms;
}
