import { Category, defineAlert, pyStr, Severity, type AlertDeclaration } from '@alertkit/core';
import { match, search } from '@alertkit/query';

/** MozDef's `ldap_bruteforce_user.conf`, as typed config. */
export interface LdapBruteforceUserConfig {
  /** MozDef's `threshold_count`: failed binds of one user that raise an alert. */
  thresholdCount: number;
  /** MozDef's `search_depth_min`: the window, in minutes. */
  searchDepthMin: number;
  /** MozDef's `host_exclusions` (comma-separated there): LDAP servers (`details.server`) whose failures never count. */
  hostExclusions: string[];
}

/** MozDef's defaults. */
export const defaultConfig: LdapBruteforceUserConfig = {
  thresholdCount: 1,
  searchDepthMin: 60,
  hostExclusions: ['foo.example.com', 'bar.example.com'],
};

type Issue = { message: string; path: [keyof LdapBruteforceUserConfig] };

/**
 * The config schema (a Standard Schema: alert packages cannot import zod, see the README):
 * MozDef's defaults for missing keys; whole numbers of at least 1; host names non-empty strings.
 */
const configSchema: NonNullable<AlertDeclaration<LdapBruteforceUserConfig>['config']> = {
  '~standard': {
    version: 1,
    vendor: 'alert-ldap-bruteforce-user',
    validate(input) {
      if (input === null || typeof input !== 'object' || Array.isArray(input)) {
        return { issues: [{ message: 'the config must be an object' }] };
      }
      const value = { ...defaultConfig, ...(input as Partial<Record<keyof LdapBruteforceUserConfig, unknown>>) };
      const issues: Issue[] = [];
      for (const key of ['thresholdCount', 'searchDepthMin'] as const) {
        const count = value[key];
        if (typeof count !== 'number' || !Number.isInteger(count) || count < 1) issues.push({ path: [key], message: 'must be a whole number >= 1' });
      }
      const hosts = value.hostExclusions;
      if (!Array.isArray(hosts) || hosts.some((host) => typeof host !== 'string' || host.trim() === '')) {
        issues.push({ path: ['hostExclusions'], message: 'must be a list of non-empty strings (server names)' });
      }
      if (issues.length > 0) return { issues };
      // Only the known keys: the runner reports any other key as unknown.
      const { thresholdCount, searchDepthMin, hostExclusions } = value as LdapBruteforceUserConfig;
      return { value: { thresholdCount, searchDepthMin, hostExclusions: [...hostExclusions] } };
    },
  },
};

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
      .mustNot(match('details.user', ''), config.hostExclusions.map((host) => match('details.server', host))),
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
