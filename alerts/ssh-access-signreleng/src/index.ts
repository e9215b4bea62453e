import { Category, defineAlert, pyFormat, Severity, z, type JsonValue } from '@alertkit/core';
import {
  allOf,
  anyOf,
  compileRegexp,
  match,
  parseQueryString,
  phrase,
  queryString,
  search,
} from '@alertkit/query';

/** MozDef's query string over the host names: the config's regexp between slashes. */
const hostQuery = (hostFilter: string): string => `hostname: /${hostFilter}/`;

/** Why a host filter is not usable (it must make a valid query string and Lucene regexp), or undefined. */
function hostFilterProblem(hostFilter: string): string | undefined {
  try {
    parseQueryString(hostQuery(hostFilter));
    compileRegexp(hostFilter);
    return undefined;
  } catch (error) {
    return (error as Error).message;
  }
}

/** MozDef's `ssh_access_signreleng.json` as a zod schema, with MozDef's defaults. */
const configSchema = z.object({
  hostFilter: z
    .string()
    .min(1, 'must be a Lucene regular expression')
    .superRefine((value, context) => {
      const problem = hostFilterProblem(value);
      if (problem !== undefined)
        context.addIssue({ code: 'custom', message: `not a usable host regexp: ${problem}` });
    })
    .default('(host1|host2.*).*')
    .describe(
      "MozDef's `hostfilter`: a Lucene regular expression the WHOLE hostname must match (the signing hosts)",
    ),
  channel: z
    .string()
    .default('#somechannel')
    .describe("MozDef's `channel`: the chat channel the alert goes to; empty for none"),
  exclusions: z
    .array(
      z
        .record(z.string().min(1), z.string())
        .refine((pairs) => Object.keys(pairs).length > 0, 'must hold at least one field'),
    )
    .default([
      { summary: 'someuser', 'details.sourceipaddress': '4.5.6.7' },
      { summary: 'anotheruser', 'details.sourceipaddress': '8.9.10.11' },
    ])
    .describe(
      "MozDef's `exclusions`: each entry is field -> phrase; a login is left out when ALL pairs of one entry match",
    ),
});

/** The alert's config (MozDef's `ssh_access_signreleng.json`): the output of its schema. */
export type SshAccessSignrelengConfig = z.output<typeof configSchema>;

const PUBLICKEY_USER = /Accepted publickey for ([A-Za-z0-9]+) from/;
const PAM_USER = /Accepted keyboard-interactive\/pam for ([A-Za-z0-9]+) from/;

/** The logged-in user as MozDef found it (first match of its regex, anywhere, case-sensitive). */
function targetUser(summary: JsonValue | undefined): string {
  if (typeof summary !== 'string') return 'unknown';
  const found = summary.includes('Accepted publickey for')
    ? PUBLICKEY_USER.exec(summary)
    : summary.includes('Accepted keyboard-interactive/pam')
      ? PAM_USER.exec(summary)
      : null;
  return found?.[1] ?? 'unknown';
}

/** `object[key]` when the key is there (a null value prints `None`), else `unknown`. */
function orUnknown(object: JsonValue | undefined, key: string): JsonValue {
  if (object === null || typeof object !== 'object' || Array.isArray(object)) return 'unknown';
  return Object.hasOwn(object, key) ? (object[key] as JsonValue) : 'unknown';
}

/**
 * Someone logged in over ssh (key or keyboard-interactive/PAM) to a release-engineering signing
 * host: every such login is announced in the signing team's channel, except the known automated
 * ones listed as exclusions. NOTICE, one alert per login. Port of MozDef's
 * `AlertAuthSignRelengSSH` (alerts/ssh_access_signreleng.py).
 */
export const alert = defineAlert({
  name: 'ssh-access-signreleng',
  classname: 'AlertAuthSignRelengSSH',
  description: 'An ssh login to a release-engineering signing host',
  severity: Severity.NOTICE,
  category: Category.ACCESS,
  tags: ['ssh'],
  config: configSchema,
  pitfalls: {
    allow: [
      {
        rule: 'unescaped-config-in-query-string',
        reason:
          "hostFilter is a Lucene regexp by design, as in MozDef's config; the schema parses it",
      },
    ],
  },
  criteria: (config) =>
    search({ minutes: 15 })
      .must(
        match('tags', 'releng'),
        match('details.program', 'sshd'),
        queryString(hostQuery(config.hostFilter)),
        anyOf(
          phrase('summary', 'Accepted publickey for '),
          phrase('summary', 'Accepted keyboard-interactive/pam for '),
        ),
      )
      .mustNot(
        config.exclusions.map((exclusion) =>
          allOf(...Object.entries(exclusion).map(([field, value]) => phrase(field, value))),
        ),
      ),
  onEvent: (event, { config }) => {
    const source = event._source;
    return {
      summary: pyFormat(
        'SSH login from {0} on {1} as user {2}',
        orUnknown(source.details, 'sourceipaddress'),
        orUnknown(source, 'hostname'),
        targetUser(source.summary),
      ),
      channel: config.channel === '' ? null : config.channel,
    };
  },
});

export default alert;
