import { Category, defineAlert, pyStr, Severity, type AlertDeclaration } from '@alertkit/core';
import { exists, match, phrase, search } from '@alertkit/query';

/** MozDef's `duo_authfail.conf`, as typed config. */
export interface DuoAuthfailConfig {
  /** MozDef's `url`: a runbook link put in the alert (left out of the alert when empty). */
  url: string;
}

/** MozDef's default. */
export const defaultConfig: DuoAuthfailConfig = { url: 'https://www.mozilla.org' };

/**
 * The config schema (a Standard Schema: alert packages cannot import zod, see the README):
 * MozDef's default for a missing key; the url a string.
 */
const configSchema: NonNullable<AlertDeclaration<DuoAuthfailConfig>['config']> = {
  '~standard': {
    version: 1,
    vendor: 'alert-duo-authfail',
    validate(input) {
      if (input === null || typeof input !== 'object' || Array.isArray(input)) {
        return { issues: [{ message: 'the config must be an object' }] };
      }
      const { url = defaultConfig.url } = input as { url?: unknown };
      if (typeof url !== 'string') return { issues: [{ path: ['url'], message: 'must be a string (a URL, or empty for none)' }] };
      return { value: { url } };
    },
  },
};

/**
 * A user marked a Duo push they did not start as fraud: someone else holds their password.
 * Port of MozDef's `AlertDuoAuthFail` (alerts/duo_authfail.py).
 */
export const alert = defineAlert({
  name: 'duo-authfail',
  classname: 'AlertDuoAuthFail',
  description: 'A user marked a Duo authentication attempt as fraud',
  severity: Severity.WARNING,
  category: Category.DUOSECURITY,
  tags: ['duosecurity', 'duosecurity_auth_fail'],
  config: configSchema,
  criteria: search({ minutes: 15 }).must(
    match('category', 'authentication'),
    exists('details.sourceipaddress'),
    exists('details.username'),
    // details.result is a keyword: exactly `fraud`, lower case.
    phrase('details.result', 'fraud'),
  ),
  onEvent: (event, { config }) => {
    const details = event._source.details;
    const known = (key: string) =>
      details !== null && typeof details === 'object' && !Array.isArray(details) && key in details ? pyStr(details[key]) : 'unknown';
    return {
      summary: `Duo Authentication Failure: user ${known('username')} rejected and marked a Duo Authentication attempt from ${known('sourceipaddress')} as fraud`,
      url: config.url,
    };
  },
});

export default alert;
