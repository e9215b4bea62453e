import { Category, defineAlert, isSeverity, pyStr, Severity, type AlertDeclaration } from '@alertkit/core';
import { match, search } from '@alertkit/query';

/** MozDef's `auth0_bruteforce_user.conf`, as typed config. */
export interface Auth0BruteforceUserConfig {
  /** MozDef's `threshold_count`: failed logins of one user that raise an alert. */
  thresholdCount: number;
  /** MozDef's `search_depth_min`: the window, in minutes. */
  searchDepthMin: number;
  /** MozDef's `severity` of the alert (validated: one of alertkit's severities). */
  severity: Severity;
}

/** MozDef's defaults. */
export const defaultConfig: Auth0BruteforceUserConfig = { thresholdCount: 1, searchDepthMin: 60, severity: Severity.WARNING };

type Issue = { message: string; path: [keyof Auth0BruteforceUserConfig] };

/**
 * The config schema (a Standard Schema: alert packages cannot import zod, see the README):
 * MozDef's defaults for missing keys; whole numbers of at least 1; a known severity (MozDef took
 * any string, semantics §9.6).
 */
const configSchema: NonNullable<AlertDeclaration<Auth0BruteforceUserConfig>['config']> = {
  '~standard': {
    version: 1,
    vendor: 'alert-auth0-bruteforce-user',
    validate(input) {
      if (input === null || typeof input !== 'object' || Array.isArray(input)) {
        return { issues: [{ message: 'the config must be an object' }] };
      }
      const value = { ...defaultConfig, ...(input as Partial<Record<keyof Auth0BruteforceUserConfig, unknown>>) };
      const issues: Issue[] = [];
      for (const key of ['thresholdCount', 'searchDepthMin'] as const) {
        const count = value[key];
        if (typeof count !== 'number' || !Number.isInteger(count) || count < 1) issues.push({ path: [key], message: 'must be a whole number >= 1' });
      }
      if (!isSeverity(value.severity)) {
        issues.push({ path: ['severity'], message: 'must be one of DEBUG, INFO, NOTICE, WARNING, ERROR, CRITICAL, ALERT, EMERGENCY' });
      }
      if (issues.length > 0) return { issues };
      // Only the known keys: the runner reports any other key as unknown.
      const { thresholdCount, searchDepthMin, severity } = value as Auth0BruteforceUserConfig;
      return { value: { thresholdCount, searchDepthMin, severity } };
    },
  },
};

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
  aggregate: (config) => ({ field: 'details.username', samples: 10, threshold: config.thresholdCount }),
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
