import { Category, defineAlert, pyStr, Severity, type AlertDeclaration } from '@alertkit/core';
import { match, phrase, search, terms } from '@alertkit/query';

/** MozDef's `bruteforce_ssh.conf`, as typed config. */
export interface BruteforceSshConfig {
  /**
   * MozDef's `skiphosts` (whitespace-separated there): addresses whose failures never count. An
   * event whose summary contains one of them as a phrase is left out (e.g. a scanner you run).
   */
  skipHosts: string[];
}

/** MozDef's defaults (`skiphosts = 11.22.33.44 55.66.77.88`). */
export const defaultConfig: BruteforceSshConfig = { skipHosts: ['11.22.33.44', '55.66.77.88'] };

/**
 * The config schema (a Standard Schema: alert packages cannot import zod, see the README):
 * MozDef's defaults for missing keys, and every skip host a non-empty string.
 */
const configSchema: NonNullable<AlertDeclaration<BruteforceSshConfig>['config']> = {
  '~standard': {
    version: 1,
    vendor: 'alert-bruteforce-ssh',
    validate(input) {
      if (input === null || typeof input !== 'object' || Array.isArray(input)) {
        return { issues: [{ message: 'the config must be an object' }] };
      }
      const { skipHosts = defaultConfig.skipHosts } = input as { skipHosts?: unknown };
      if (!Array.isArray(skipHosts) || skipHosts.some((host) => typeof host !== 'string' || host.trim() === '')) {
        return { issues: [{ path: ['skipHosts'], message: 'must be a list of non-empty strings (IP addresses)' }] };
      }
      return { value: { skipHosts: [...(skipHosts as string[])] } };
    },
  },
};

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
    for (const { value, count } of helpers.mostCommon(group.allEvents, '_source.hostname').slice(0, 5)) {
      summary += ` ${pyStr(value)} (${count} hits)`;
    }
    return { summary };
  },
});

export default alert;
