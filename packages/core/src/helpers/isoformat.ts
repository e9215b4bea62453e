const pad = (n: number, width = 2): string => String(n).padStart(width, '0');

/**
 * Python's `datetime.isoformat()` of a UTC instant, as MozDef writes every timestamp:
 * `2017-01-01T01:00:00+00:00`, with microseconds only when they are not zero
 * (`2017-01-01T00:59:59.250000+00:00`).
 *
 * @param instant - a `Date`, or microseconds since the epoch (Python's datetimes, and so MozDef's
 *   range bounds, carry microseconds; JavaScript dates only milliseconds).
 * @param separator - between date and time, as Python's `isoformat(sep)`.
 */
export function isoformat(instant: Date | number, separator = 'T'): string {
  const micros = instant instanceof Date ? instant.getTime() * 1000 : Math.round(instant);
  if (!Number.isFinite(micros))
    throw new RangeError(`isoformat: not a valid instant: ${String(instant)}`);
  const millis = Math.floor(micros / 1000);
  const fraction = micros - millis * 1000 + (((millis % 1000) + 1000) % 1000) * 1000;
  const d = new Date(millis);
  const date = `${pad(d.getUTCFullYear(), 4)}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`;
  const time = `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`;
  return `${date}${separator}${time}${fraction === 0 ? '' : `.${pad(fraction, 6)}`}+00:00`;
}
