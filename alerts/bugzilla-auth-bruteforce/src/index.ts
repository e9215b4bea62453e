import { Category, defineAlert, pyFormat, z } from '@alertkit/core';
import { match, phrase, search } from '@alertkit/query';

const URL_ERROR = 'expected an http(s) URL, or "" for none';

/**
 * The alert's settings (MozDef's `bugzilla_auth_bruteforce.conf`), with MozDef's default.
 * zod's object drops unknown keys, which core's `resolveAlertConfig` then reports as unknown.
 */
const configSchema = z.object({
  url: z
    .union([z.literal(''), z.url({ protocol: /^https?$/, error: URL_ERROR })], { error: URL_ERROR })
    // MozDef's `url = https://www.mozilla.org`.
    .default('https://www.mozilla.org')
    .describe(
      "A runbook or reference link written as the alert's `url`; empty writes no `url` field",
    ),
});

/** The alert's settings (MozDef's `bugzilla_auth_bruteforce.conf`): the output of its config schema. */
export type BugzillaAuthBruteforceConfig = z.output<typeof configSchema>;

/**
 * Bro's `BugzBruteforcing` script saw one client fail Bugzilla logins over and over and raised a
 * notice: someone is guessing passwords against the bug tracker, where security bugs live. The
 * alert forwards each such notice, one alert per notice.
 *
 * Port of MozDef's `AlertBugzillaPBruteforce` (alerts/bugzilla_auth_bruteforce.py).
 */
export const alert = defineAlert({
  name: 'bugzilla-auth-bruteforce',
  classname: 'AlertBugzillaPBruteforce',
  description: 'Bro notice: a client is brute-forcing Bugzilla logins',
  severity: 'NOTICE',
  category: Category.HTTPERRORS,
  tags: ['http'],
  config: configSchema,
  // details.note is a keyword: the phrase is an exact, case-sensitive whole-value match.
  criteria: search({ minutes: 15 }).must(
    match('category', 'bro'),
    match('source', 'notice'),
    phrase('details.note', 'BugzBruteforcing::HTTP_BugzBruteforcing_Attacker'),
  ),
  onEvent(event, { config }) {
    // MozDef reads both with `event['_source'][key]`: a missing key raised KeyError and aborted
    // the whole run (no alert for this or any later event). alertkit skips this event only.
    if (!Object.hasOwn(event._source, 'hostname') || !Object.hasOwn(event._source, 'summary'))
      return null;
    return {
      // The notice's own summary, prefixed with the reporting host (Python str(): null -> None).
      summary: pyFormat('{0} {1}', event._source.hostname, event._source.summary),
      // MozDef writes `url` only when it is non-empty; core does the same.
      url: config.url,
    };
  },
});

export default alert;
