import { Category, defineAlert, pyFormat, z } from '@alertkit/core';
import { match, phrase, search } from '@alertkit/query';

const URL_ERROR = 'expected an http(s) URL, or "" for none';

/**
 * The alert's settings (MozDef's `ssh_bruteforce_bro.conf`), with MozDef's default.
 * zod's object drops unknown keys, which core's `resolveAlertConfig` then reports as unknown.
 */
const configSchema = z.object({
  url: z
    .union([z.literal(''), z.url({ protocol: /^https?$/, error: URL_ERROR })], { error: URL_ERROR })
    // MozDef's alert reads a `url` option that no .conf sets: none.
    .default('')
    .describe(
      "A runbook or reference link written as the alert's `url`; empty writes no `url` field",
    ),
});

/** The alert's settings (MozDef's `ssh_bruteforce_bro.conf`): the output of its config schema. */
export type SshBruteforceBroConfig = z.output<typeof configSchema>;

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
