import { AlertkitError } from '@alertkit/core';

const pad = (n: number, width = 2): string => String(n).padStart(width, '0');

/**
 * A UTC instant as Python's `datetime.isoformat()` writes an aware UTC datetime, which is how
 * MozDef's timestamps reach Elasticsearch: `2017-01-01T00:55:00+00:00`, with `.ffffff`
 * microseconds only when they are not zero.
 *
 * @param instant - a `Date`, or microseconds since the epoch (for sub-millisecond windows).
 */
export function pythonIsoformat(instant: Date | number): string {
  const micros = instant instanceof Date ? instant.getTime() * 1000 : Math.round(instant);
  if (!Number.isFinite(micros)) {
    throw new AlertkitError('QUERY_INVALID', `not a valid instant: ${String(instant)}`);
  }
  const millis = Math.floor(micros / 1000);
  const fraction = micros - millis * 1000 + (((millis % 1000) + 1000) % 1000) * 1000;
  const d = new Date(millis);
  const date = `${pad(d.getUTCFullYear(), 4)}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`;
  const time = `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`;
  return `${date}T${time}${fraction === 0 ? '' : `.${pad(fraction, 6)}`}+00:00`;
}
