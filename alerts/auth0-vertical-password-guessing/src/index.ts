import {
  Category,
  defineAlert,
  pyStr,
  SEVERITIES,
  Severity,
  z,
  type StoredEvent,
} from '@alertkit/core';
import { match, search } from '@alertkit/query';

/**
 * MozDef's `auth0_vertical_password_guessing.conf` as a zod schema, with MozDef's defaults. The
 * severity must be one of alertkit's severities (MozDef took any string, semantics §9.6).
 */
const configSchema = z.object({
  thresholdCount: z
    .int()
    .min(1)
    .default(1)
    .describe("MozDef's `threshold_count`: failed logins (of any users) that raise an alert"),
  searchDepthMin: z
    .int()
    .min(1)
    .default(60)
    .describe("MozDef's `search_depth_min`: the window, in minutes"),
  userCount: z
    .int()
    .min(1)
    .default(2)
    .describe("MozDef's `user_count`: distinct users the failures must be spread over"),
  severity: z
    .enum(SEVERITIES)
    .default(Severity.WARNING)
    .describe("MozDef's `severity` of the alert"),
});

/** The alert's config (MozDef's `auth0_vertical_password_guessing.conf`): the output of its schema. */
export type Auth0VerticalPasswordGuessingConfig = z.output<typeof configSchema>;

/**
 * The distinct values of `path` over `events`, as MozDef's Python set. An event without the
 * field adds nothing (MozDef's KeyError aborted the whole run instead).
 */
function distinct(
  events: readonly StoredEvent[],
  path: string,
  valueByPath: (document: unknown, path: string) => unknown,
): Set<string> {
  const values = new Set<string>();
  for (const event of events) {
    const value = valueByPath(event._source, path);
    if (value !== undefined && value !== null) values.add(pyStr(value));
  }
  return values;
}

/**
 * Vertical password guessing on Auth0: wrong-password failures spread over several users within
 * the window (one address trying a password against many accounts, or a botnet doing it).
 * Port of MozDef's `AlertAuth0VerticalPasswordGuessing` (alerts/auth0_vertical_password_guessing.py).
 */
export const alert = defineAlert({
  name: 'auth0-vertical-password-guessing',
  classname: 'AlertAuth0VerticalPasswordGuessing',
  description: 'Auth0 wrong-password failures spread over several users within the window',
  severity: Severity.WARNING,
  category: Category.BRUTEFORCE,
  tags: ['auth0'],
  config: configSchema,
  criteria: (config) =>
    search({ minutes: config.searchDepthMin })
      .must(
        match('tags', 'auth0'),
        match('details.eventname', 'Failed Login (wrong password)'),
        match('details.description', 'Wrong email or password.'),
      )
      .mustNot(match('details.username', '')),
  // Grouping by the event name puts every failure in one group (the criteria fix the name).
  aggregate: (config) => ({
    field: 'details.eventname',
    samples: 10,
    threshold: config.thresholdCount,
  }),
  onAggregation: (group, { config, helpers }) => {
    const users = distinct(group.allEvents, 'details.username', helpers.valueByPath);
    const addresses = distinct(group.allEvents, 'details.sourceipaddress', helpers.valueByPath);
    if (users.size < config.userCount) return null;
    return {
      summary: `Auth0 Username/Password Vertical Password Guessing Attack in Progress against ${users.size} users from ${addresses.size} unique source ip(s)`,
      severity: config.severity,
    };
  },
});

export default alert;
