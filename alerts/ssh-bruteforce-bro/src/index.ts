import { Category, defineAlert, pyFormat, type AlertDeclaration } from '@alertkit/core';
import { match, phrase, search } from '@alertkit/query';

/** The alert's settings (MozDef's `ssh_bruteforce_bro.conf`). */
export interface SshBruteforceBroConfig {
  /** A runbook or reference link written as the alert's `url`; empty = no `url` field. */
  url: string;
}

/** MozDef's default: no `url` (the alert reads one, no .conf sets it). */
export const DEFAULT_CONFIG: Readonly<SshBruteforceBroConfig> = Object.freeze({ url: '' });

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
const configSchema: NonNullable<AlertDeclaration<SshBruteforceBroConfig>['config']> = {
  '~standard': {
    version: 1,
    vendor: 'alert-ssh-bruteforce-bro',
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
 * Bro's `SSH::Password_Guessing` notice: one client made many failed SSH logins, as seen on the
 * wire (so also for hosts whose own logs MozDef does not collect). Someone is guessing passwords;
 * the alert forwards each such notice, one alert per notice.
 *
 * Port of MozDef's `AlertSSHManyConns` (alerts/ssh_bruteforce_bro.py).
 */
export const alert = defineAlert({
  name: 'ssh-bruteforce-bro',
  classname: 'AlertSSHManyConns',
  description: 'Bro notice: a client is guessing SSH passwords',
  severity: 'NOTICE',
  category: Category.BRUTEFORCE,
  tags: ['http'],
  config: configSchema,
  // details.note is a keyword: the phrase is an exact, case-sensitive whole-value match.
  criteria: search({ minutes: 15 }).must(
    match('category', 'bro'),
    match('source', 'notice'),
    phrase('details.note', 'SSH::Password_Guessing'),
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
