import { Category, defineAlert, pyStr, Severity, z } from '@alertkit/core';
import { match, search } from '@alertkit/query';

/** MozDef's `ldap_bruteforce_user.conf` as a zod schema, with MozDef's defaults. */
const configSchema = z.object({
  thresholdCount: z
    .int()
    .min(1)
    .default(1)
    .describe("MozDef's `threshold_count`: failed binds of one user that raise an alert"),
  searchDepthMin: z
    .int()
    .min(1)
    .default(60)
    .describe("MozDef's `search_depth_min`: the window, in minutes"),
  hostExclusions: z
    .array(
      z.string().refine((host) => host.trim() !== '', 'must be a non-empty string (a server name)'),
    )
    .default(['foo.example.com', 'bar.example.com'])
    .describe(
      "MozDef's `host_exclusions` (comma-separated there): LDAP servers (`details.server`) whose failures never count",
    ),
});

/** The alert's config (MozDef's `ldap_bruteforce_user.conf`): the output of its schema. */
export type LdapBruteforceUserConfig = z.output<typeof configSchema>;

/** How many client addresses the summary lists. */
const LISTED_CLIENTS = 10;

/**
 * LDAP password guessing against one user: binds failing with invalid credentials for the same
 * user within the window. Port of MozDef's `AlertLdapBruteforceUser` (alerts/ldap_bruteforce_user.py).
 */
export const alert = defineAlert({
  name: 'ldap-bruteforce-user',
  classname: 'AlertLdapBruteforceUser',
  description: 'LDAP binds failing with invalid credentials for one user within the window',
  severity: Severity.WARNING,
  category: Category.BRUTEFORCE,
  tags: ['ldap'],
  config: configSchema,
  criteria: (config) =>
    search({ minutes: config.searchDepthMin })
      .must(match('category', 'ldap'), match('details.response.error', 'LDAP_INVALID_CREDENTIALS'))
      .mustNot(
        match('details.user', ''),
        config.hostExclusions.map((host) => match('details.server', host)),
      ),
  aggregate: (config) => ({ field: 'details.user', samples: 10, threshold: config.thresholdCount }),
  onAggregation: (group, { helpers }) => {
    // Every client of the group (not only the samples), sorted as text, as MozDef's sorted(set).
    // An event without a client adds none (MozDef's KeyError aborted the whole run instead).
    const clients = new Set<string>();
    for (const event of group.allEvents) {
      const client = helpers.valueByPath(event._source, 'details.client');
      if (client !== undefined && client !== null) clients.add(pyStr(client));
    }
    const listed = [...clients].sort().slice(0, LISTED_CLIENTS).join(', ');
    let summary = `LDAP Bruteforce Attack in Progress against user (${pyStr(group.value)}) from the following source ip(s): ${listed}`;
    // MozDef appends '...' from 10 clients on, even when all 10 are listed.
    if (clients.size >= LISTED_CLIENTS) summary += '...';
    return { summary };
  },
});

export default alert;
