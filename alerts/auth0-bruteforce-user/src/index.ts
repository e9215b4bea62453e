import { Category, defineAlert, pyStr, SEVERITIES, Severity, z } from '@alertkit/core';
import { match, search } from '@alertkit/query';

/**
 * MozDef's `auth0_bruteforce_user.conf` as a zod schema, with MozDef's defaults. The severity must
 * be one of alertkit's severities (MozDef took any string, semantics §9.6).
 */
const configSchema = z.object({
  thresholdCount: z
    .int()
    .min(1)
    .default(1)
    .describe("MozDef's `threshold_count`: failed logins of one user that raise an alert"),
  searchDepthMin: z
    .int()
    .min(1)
    .default(60)
    .describe("MozDef's `search_depth_min`: the window, in minutes"),
  severity: z
    .enum(SEVERITIES)
    .default(Severity.WARNING)
    .describe("MozDef's `severity` of the alert"),
});

/** The alert's config (MozDef's `auth0_bruteforce_user.conf`): the output of its schema. */
export type Auth0BruteforceUserConfig = z.output<typeof configSchema>;

/** How many source addresses the summary lists. */
const LISTED_ADDRESSES = 10;

/**
 * Auth0 password guessing against one user: failed Auth0 logins (wrong password) for a user
 * within the window. Port of MozDef's `AlertAuth0BruteforceUser` (alerts/auth0_bruteforce_user.py).
 */
export const alert = defineAlert({
  name: 'auth0-bruteforce-user',
  classname: 'AlertAuth0BruteforceUser',
  description: 'Failed Auth0 logins (wrong password) against one user within the window',
  severity: Severity.WARNING,
  category: Category.BRUTEFORCE,
  tags: ['auth0'],
  config: configSchema,
  criteria: (config) =>
    search({ minutes: config.searchDepthMin })
      .must(match('tags', 'auth0'), match('details.eventname', 'Failed Login (wrong password)'))
      .mustNot(match('details.username', '')),
  // MozDef runs both over the same Auth0 failures: per user here, per source address there.
  overlaps: [
    {
      alert: 'auth0-vertical-password-guessing',
      reason: 'the same Auth0 failed logins, grouped by user here and by source address there',
    },
  ],
  aggregate: (config) => ({
    field: 'details.username',
    samples: 10,
    threshold: config.thresholdCount,
  }),
  onAggregation: (group, { config, helpers }) => {
    // Every address of the group (not only the samples), sorted as text, as MozDef's sorted(set).
    // An event without an address adds none (MozDef's KeyError aborted the whole run instead).
    const addresses = new Set<string>();
    for (const event of group.allEvents) {
      const address = helpers.valueByPath(event._source, 'details.sourceipaddress');
      if (address !== undefined && address !== null) addresses.add(pyStr(address));
    }
    const listed = [...addresses].sort().slice(0, LISTED_ADDRESSES).join(', ');
    let summary = `Auth0 Username/Password Bruteforce Attack in Progress against user (${pyStr(group.value)}) from the following source ip(s): ${listed}`;
    // MozDef appends '...' from 10 addresses on, even when all 10 are listed.
    if (addresses.size >= LISTED_ADDRESSES) summary += '...';
    return { summary, severity: config.severity };
  },
});

export default alert;
