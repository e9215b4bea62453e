import { Category, defineAlert, pyStr, Severity, z } from '@alertkit/core';
import { match, phrase, search, terms } from '@alertkit/query';

/** MozDef's `bruteforce_ssh.conf` as a zod schema, with MozDef's defaults. */
const configSchema = z.object({
  skipHosts: z
    .array(
      z.string().refine((host) => host.trim() !== '', 'must be a non-empty string (an IP address)'),
    )
    // MozDef's `skiphosts = 11.22.33.44 55.66.77.88` (whitespace-separated there).
    .default(['11.22.33.44', '55.66.77.88'])
    .describe(
      "MozDef's `skiphosts`: addresses whose failures never count; an event whose summary contains one of them as a phrase is left out (e.g. a scanner you run)",
    ),
});

/** The alert's config (MozDef's `bruteforce_ssh.conf`): the output of its schema. */
export type BruteforceSshConfig = z.output<typeof configSchema>;

/**
 * SSH brute force: at least 10 failed sshd logins from one source address within 2 minutes.
 * Port of MozDef's `AlertBruteforceSsh` (alerts/bruteforce_ssh.py).
 */
export const alert = defineAlert({
  name: 'bruteforce-ssh',
  classname: 'AlertBruteforceSsh',
  description: 'At least 10 failed sshd logins from one source address within 2 minutes',
  severity: Severity.NOTICE,
  category: Category.BRUTEFORCE,
  tags: ['ssh'],
  config: configSchema,
  criteria: (config) =>
    search({ minutes: 2 })
      .must(
        phrase('summary', 'failed'),
        match('details.program', 'sshd'),
        // Not analysed: each value must equal one lower-cased summary token.
        terms('summary', ['login', 'invalid', 'ldap_count_entries', 'publickey', 'keyboard']),
      )
      .mustNot(config.skipHosts.map((ip) => phrase('summary', ip))),
  aggregate: { field: 'details.sourceipaddress', samples: 10, threshold: 10 },
  onAggregation: (group, { helpers }) => {
    let summary = `${group.count} ssh bruteforce attempts by ${pyStr(group.value)}`;
    // The hosts attacked most, as MozDef lists them: top 5, count descending, ties first seen.
    for (const { value, count } of helpers
      .mostCommon(group.allEvents, '_source.hostname')
      .slice(0, 5)) {
      summary += ` ${pyStr(value)} (${count} hits)`;
    }
    return { summary };
  },
});

export default alert;
