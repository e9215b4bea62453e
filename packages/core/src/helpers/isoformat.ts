/**
 * Python's `datetime.isoformat()` of a UTC instant, as MozDef writes every timestamp:
 * `2017-01-01T01:00:00+00:00`, with microseconds only when they are not zero
 * (`2017-01-01T00:59:59.250000+00:00`).
 */
export function isoformat(instant: Date, separator = 'T'): string {
  if (Number.isNaN(instant.getTime())) throw new RangeError('isoformat: invalid date');
  const iso = instant.toISOString(); // 2017-01-01T01:00:00.000Z (or +275760-... for far years)
  const dot = iso.lastIndexOf('.');
  const base = iso.slice(0, dot).replace('T', separator);
  const ms = instant.getUTCMilliseconds();
  // JavaScript dates carry milliseconds; Python prints microseconds, so pad with three zeros.
  return ms === 0 ? `${base}+00:00` : `${base}.${String(ms * 1000).padStart(6, '0')}+00:00`;
}
