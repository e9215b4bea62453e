import { Category, defineAlert, pyFormat, SEVERITIES, Severity, z } from '@alertkit/core';
import { match, phrase, search } from '@alertkit/query';

/**
 * MozDef's `http_errors.conf` as a zod schema, with MozDef's defaults. The severity must be one
 * of alertkit's severities (MozDef took any string, semantics §9.6); an empty url means "no
 * `url` in the alert", as in MozDef.
 */
const configSchema = z.object({
  url: z
    .string()
    .default('https://www.mozilla.org')
    .describe("MozDef's `url`: a runbook link put in the alert (left out of the alert when empty)"),
  severity: z
    .enum(SEVERITIES)
    .default(Severity.WARNING)
    .describe("MozDef's `severity` of the alert"),
});

/** The alert's config (MozDef's `http_errors.conf`): the output of its schema. */
export type HttpErrorsConfig = z.output<typeof configSchema>;

/**
 * Bro's `MozillaHTTPErrors` script saw one client cause many HTTP errors (4xx/5xx) and raised
 * an `Excessive_HTTP_Errors_Attacker` notice: a client probing a web application (path guessing,
 * a vulnerability scanner). The alert forwards each such notice, one alert per notice.
 *
 * Port of MozDef's `AlertHTTPErrors` (alerts/http_errors.py).
 */
export const alert = defineAlert({
  name: 'http-errors',
  classname: 'AlertHTTPErrors',
  description: 'Bro notice: a client causes excessive HTTP errors',
  severity: Severity.WARNING,
  category: Category.HTTPERRORS,
  tags: ['http'],
  config: configSchema,
  // details.note is a keyword: the phrase is an exact, case-sensitive whole-value match.
  criteria: search({ minutes: 15 }).must(
    match('category', 'bro'),
    match('source', 'notice'),
    phrase('details.note', 'MozillaHTTPErrors::Excessive_HTTP_Errors_Attacker'),
  ),
  onEvent(event, { config }) {
    // MozDef reads both with `event['_source'][key]`: a missing key raised KeyError and aborted
    // the whole run (no alert for this or any later event). alertkit skips this event only.
    if (!Object.hasOwn(event._source, 'hostname') || !Object.hasOwn(event._source, 'summary'))
      return null;
    return {
      // The notice's own summary, prefixed with the reporting host (Python str(): null -> None).
      summary: pyFormat('{0} {1}', event._source.hostname, event._source.summary),
      severity: config.severity,
      // MozDef writes `url` only when it is non-empty; core does the same.
      url: config.url,
    };
  },
});

export default alert;
