import { Category, defineAlert, pyStr, Severity, z } from '@alertkit/core';
import { exists, match, phrase, search } from '@alertkit/query';

/**
 * MozDef's `duo_authfail.conf` as a zod schema, with MozDef's default. Any string is a valid url,
 * as in MozDef: an empty one means "no `url` in the alert".
 */
const configSchema = z.object({
  url: z
    .string()
    .default('https://www.mozilla.org')
    .describe("MozDef's `url`: a runbook link put in the alert (left out of the alert when empty)"),
});

/** The alert's config (MozDef's `duo_authfail.conf`): the output of its schema. */
export type DuoAuthfailConfig = z.output<typeof configSchema>;

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
      details !== null && typeof details === 'object' && !Array.isArray(details) && key in details
        ? pyStr(details[key])
        : 'unknown';
    return {
      summary: `Duo Authentication Failure: user ${known('username')} rejected and marked a Duo Authentication attempt from ${known('sourceipaddress')} as fraud`,
      url: config.url,
    };
  },
});

export default alert;
