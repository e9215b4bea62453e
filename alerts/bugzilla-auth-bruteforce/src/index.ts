import { Category, defineAlert, pyFormat, type AlertDeclaration } from '@alertkit/core';
import { match, phrase, search } from '@alertkit/query';

/** The alert's settings (MozDef's `bugzilla_auth_bruteforce.conf`). */
export interface BugzillaAuthBruteforceConfig {
  /** A runbook or reference link written as the alert's `url`; empty = no `url` field. */
  url: string;
}

/** MozDef's default: `url = https://www.mozilla.org`. */
export const DEFAULT_CONFIG: Readonly<BugzillaAuthBruteforceConfig> = Object.freeze({ url: 'https://www.mozilla.org' });

function isHttpUrl(text: string): boolean {
  try {
    return ['http:', 'https:'].includes(new URL(text).protocol);
  } catch {
    return false;
  }
}

/**
 * The config schema (a Standard Schema, which `defineAlert` accepts like a zod schema; zod itself
 * is not resolvable from alert packages yet). Unknown keys are left out, so core reports them.
 */
const configSchema: NonNullable<AlertDeclaration<BugzillaAuthBruteforceConfig>['config']> = {
  '~standard': {
    version: 1,
    vendor: 'alert-bugzilla-auth-bruteforce',
    validate(input) {
      if (input === null || typeof input !== 'object' || Array.isArray(input)) return { issues: [{ message: 'expected an object' }] };
      const { url = DEFAULT_CONFIG.url } = input as { url?: unknown };
      if (typeof url !== 'string' || (url !== '' && !isHttpUrl(url))) {
        return { issues: [{ message: 'expected an http(s) URL, or "" for none', path: ['url'] }] };
      }
      return { value: { url } };
    },
  },
};

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
    if (!Object.hasOwn(event._source, 'hostname') || !Object.hasOwn(event._source, 'summary')) return null;
    return {
      // The notice's own summary, prefixed with the reporting host (Python str(): null -> None).
      summary: pyFormat('{0} {1}', event._source.hostname, event._source.summary),
      // MozDef writes `url` only when it is non-empty; core does the same.
      url: config.url,
    };
  },
});

export default alert;
