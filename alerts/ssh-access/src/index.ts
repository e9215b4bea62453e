import { isIP } from 'node:net';
import { Category, defineAlert, pyFormat, Severity, z } from '@alertkit/core';
import { match, phrase, search, terms } from '@alertkit/query';

/** One watched source (MozDef's `ssh_access.json` entry); only `ipaddress` is searched. */
const watchedSource = z.object({
  hostname: z
    .string()
    .optional()
    .describe('what the address is (for the reader of the config; not searched)'),
  ipaddress: z
    .string()
    .refine((ip) => isIP(ip) !== 0, 'must be an IPv4 or IPv6 address')
    .describe('the source address whose ssh logins alert'),
});

/** MozDef's `ssh_access.json` as a zod schema, with MozDef's defaults. */
const configSchema = z.object({
  watchlist: z
    .array(watchedSource)
    .min(1, 'must list at least one source address')
    .default([
      { hostname: 'nagios1.small.corp.com', ipaddress: '11.22.33.44' },
      { hostname: 'nagios2.super.corp.com', ipaddress: '11.22.33.45' },
    ])
    .describe(
      "MozDef's `watchlist`: sources (e.g. monitoring servers) that must never log in with a key",
    ),
});

/** The alert's config (MozDef's `ssh_access.json`): the output of its schema. */
export type SshAccessConfig = z.output<typeof configSchema>;

/**
 * A watched source address (e.g. a monitoring server, which has keys but no business logging
 * in) logged in with an ssh key: `Accepted publickey for …` from sshd. CRITICAL, one alert per
 * login. Port of MozDef's `AlertSSHAccess` (alerts/ssh_access.py).
 *
 * The summary is `SSH login from {details.sourceipaddress} on {hostname} as user
 * {details.username}` (`UNKNOWN` without a username), formatted as Python's `str.format` would.
 */
export const alert = defineAlert({
  name: 'ssh-access',
  classname: 'AlertSSHAccess',
  description: 'A watched source address logged in over ssh with a key',
  severity: Severity.CRITICAL,
  category: Category.ACCESS,
  tags: ['ssh'],
  config: configSchema,
  criteria: (config) =>
    search({ minutes: 15 }).must(
      match('category', 'syslog'),
      match('details.program', 'sshd'),
      phrase('summary', 'Accepted publickey for '),
      terms(
        'details.sourceipaddress',
        config.watchlist.map((watched) => watched.ipaddress),
      ),
    ),
  onEvent: (event, { helpers }) => {
    const source = event._source;
    const username = helpers.valueByPath(source, 'details.username');
    return {
      summary: pyFormat(
        'SSH login from {0} on {1} as user {2}',
        helpers.valueByPath(source, 'details.sourceipaddress') ?? null,
        source.hostname ?? null,
        username === undefined ? 'UNKNOWN' : username,
      ),
    };
  },
});

export default alert;
