/**
 * Every severity MozDef uses (RFC 5424 style, upper case), lowest first. Alerts in MozDef use
 * INFO to CRITICAL; DEBUG appears through geomodel, ALERT and EMERGENCY are documented.
 */
export const SEVERITIES = [
  'DEBUG',
  'INFO',
  'NOTICE',
  'WARNING',
  'ERROR',
  'CRITICAL',
  'ALERT',
  'EMERGENCY',
] as const;

/** An alert severity. */
export type Severity = (typeof SEVERITIES)[number];

/** Severity constants, so alerts write `Severity.NOTICE` rather than a bare string. */
export const Severity = Object.freeze(
  Object.fromEntries(SEVERITIES.map((s) => [s, s])) as { readonly [K in Severity]: K },
);

/** True when `value` is one of {@link SEVERITIES} (exact, upper case). */
export function isSeverity(value: unknown): value is Severity {
  return typeof value === 'string' && (SEVERITIES as readonly string[]).includes(value);
}

/**
 * MozDef's `tagBotNotify` rule: an explicit choice wins; otherwise notify when a channel is set
 * or the severity is neither NOTICE nor INFO.
 */
export function notifyMozdefbot(
  severity: string,
  channel: string | null | undefined,
  explicit?: boolean | null,
): boolean {
  if (explicit === true || explicit === false) return explicit;
  if (channel !== undefined && channel !== null && channel !== '') return true;
  return severity !== 'NOTICE' && severity !== 'INFO';
}
