import { Category, defineAlert, isSeverity, pyStr, Severity, type AlertDeclaration, type StoredEvent } from '@alertkit/core';
import { match, search } from '@alertkit/query';

/** MozDef's `auth0_vertical_password_guessing.conf`, as typed config. */
export interface Auth0VerticalPasswordGuessingConfig {
  /** MozDef's `threshold_count`: failed logins (of any users) that raise an alert. */
  thresholdCount: number;
  /** MozDef's `search_depth_min`: the window, in minutes. */
  searchDepthMin: number;
  /** MozDef's `user_count`: distinct users the failures must be spread over. */
  userCount: number;
  /** MozDef's `severity` of the alert (validated: one of alertkit's severities). */
  severity: Severity;
}

/** MozDef's defaults. */
export const defaultConfig: Auth0VerticalPasswordGuessingConfig = {
  thresholdCount: 1,
  searchDepthMin: 60,
  userCount: 2,
  severity: Severity.WARNING,
};

type Issue = { message: string; path: [keyof Auth0VerticalPasswordGuessingConfig] };

/**
 * The config schema (a Standard Schema: alert packages cannot import zod, see the README):
 * MozDef's defaults for missing keys; whole numbers of at least 1; a known severity (MozDef took
 * any string, semantics §9.6).
 */
const configSchema: NonNullable<AlertDeclaration<Auth0VerticalPasswordGuessingConfig>['config']> = {
  '~standard': {
    version: 1,
    vendor: 'alert-auth0-vertical-password-guessing',
    validate(input) {
      if (input === null || typeof input !== 'object' || Array.isArray(input)) {
        return { issues: [{ message: 'the config must be an object' }] };
      }
      const value = { ...defaultConfig, ...(input as Partial<Record<keyof Auth0VerticalPasswordGuessingConfig, unknown>>) };
      const issues: Issue[] = [];
      for (const key of ['thresholdCount', 'searchDepthMin', 'userCount'] as const) {
        const count = value[key];
        if (typeof count !== 'number' || !Number.isInteger(count) || count < 1) issues.push({ path: [key], message: 'must be a whole number >= 1' });
      }
      if (!isSeverity(value.severity)) {
        issues.push({ path: ['severity'], message: 'must be one of DEBUG, INFO, NOTICE, WARNING, ERROR, CRITICAL, ALERT, EMERGENCY' });
      }
      if (issues.length > 0) return { issues };
      // Only the known keys: the runner reports any other key as unknown.
      const { thresholdCount, searchDepthMin, userCount, severity } = value as Auth0VerticalPasswordGuessingConfig;
      return { value: { thresholdCount, searchDepthMin, userCount, severity } };
    },
  },
};

/**
 * The distinct values of `path` over `events`, as MozDef's Python set. An event without the
 * field adds nothing (MozDef's KeyError aborted the whole run instead).
 */
function distinct(events: readonly StoredEvent[], path: string, valueByPath: (document: unknown, path: string) => unknown): Set<string> {
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
  aggregate: (config) => ({ field: 'details.eventname', samples: 10, threshold: config.thresholdCount }),
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
