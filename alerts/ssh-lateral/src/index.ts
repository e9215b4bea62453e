import { Category, defineAlert, pyFormat, Severity, z } from '@alertkit/core';
import { cidrContains, match, parseCidr, phrase, search } from '@alertkit/query';

/** A Python regular expression used with `re.match`: anchored at the start only. */
const regex = z.string().superRefine((pattern, context) => {
  try {
    new RegExp(pattern);
  } catch (error) {
    context.addIssue({
      code: 'custom',
      message: `not a regular expression: ${(error as Error).message}`,
    });
  }
});

/** A CIDR block such as `10.0.0.0/8` (host bits must be zero). */
const cidr = z.string().superRefine((text, context) => {
  try {
    parseCidr(text, 'CIDR');
  } catch (error) {
    context.addIssue({ code: 'custom', message: (error as Error).message });
  }
});

/** MozDef's `ssh_lateral.json` as a zod schema, with MozDef's defaults (its example values). */
const configSchema = z.object({
  hostMustMatch: z
    .array(regex)
    .default(['.*\\.enterprise\\.mozilla.com'])
    .describe("MozDef's `hostmustmatch`: regexps; a login counts only on a host matching one"),
  hostMustNotMatch: z
    .array(regex)
    .default(['ten-forward\\.enterprise\\.mozilla\\.com'])
    .describe("MozDef's `hostmustnotmatch`: regexps; hosts matching one never alert"),
  alertIfSource: z
    .array(cidr)
    .default(['10.0.0.0/8'])
    .describe("MozDef's `alertifsource`: a login from an address in one of these blocks alerts"),
  notAlertIfSource: z
    .array(cidr)
    .default(['10.0.22.0/24', '10.0.23.0/24'])
    .describe("MozDef's `notalertifsource`: blocks that never alert, even inside alertIfSource"),
  ignoreUsers: z
    .array(regex)
    .default(['.*@\\S+.*'])
    .describe("MozDef's `ignoreusers`: regexps; logins as a matching user never alert"),
  exceptions: z
    .array(z.tuple([regex, regex, cidr]))
    .default([
      ['kirk', '.*', '10.1.1.1/32'],
      ['kirk', '.*', '10.1.1.2/32'],
      ['kirk', '.*', '10.1.1.3/32'],
      ['spock', 'sciencestation.enterprise.mozilla.com', '10.0.50.0/24'],
      ['spock', 'sciencestation.enterprise.mozilla.com', '10.0.51.0/24'],
      ['spock', 'sciencestation.enterprise.mozilla.com', '10.0.52.0/24'],
      ['spock', 'sciencestation.enterprise.mozilla.com', '10.0.53.0/24'],
    ])
    .describe(
      "MozDef's `exceptions`: [user regexp, host regexp, CIDR] triples; a login matching all three never alerts",
    ),
});

/** The alert's config (MozDef's `ssh_lateral.json`): the output of its schema. */
export type SshLateralConfig = z.output<typeof configSchema>;

/** Python's `re.match(pattern, text) is not None`: a match at the start of the text. */
const reMatch = (pattern: string, text: string): boolean =>
  new RegExp(`^(?:${pattern})`).test(text);

const inBlock = (block: string, ip: string): boolean => cidrContains(parseCidr(block, 'CIDR'), ip);

const LOGIN = /^Accepted publickey for (\S+) from (\S+).*/;

/**
 * SSH lateral movement outside policy: a key login to an in-scope host (by name) from an internal
 * address (by block) that no exception allows, e.g. someone hopping from one server to the next
 * with a forwarded agent or a stolen key. One alert per target host, with the source addresses
 * (and their reverse-DNS names) and users. Port of MozDef's `SshLateral` (alerts/ssh_lateral.py).
 *
 * Regexps are matched as Python's `re.match` does: anchored at the start only. One deliberate
 * difference: a login whose "from" part is not an IP address is left out (MozDef's netaddr
 * raised, which aborted the run).
 */
export const alert = defineAlert({
  name: 'ssh-lateral',
  classname: 'SshLateral',
  description: 'An ssh key login to an in-scope host from an internal address no exception allows',
  severity: Severity.WARNING,
  category: Category.SESSION,
  tags: ['sshd', 'syslog'],
  config: configSchema,
  criteria: search({ minutes: 15 }).must(
    match('category', 'syslog'),
    match('details.program', 'sshd'),
    phrase('summary', 'Accepted publickey'),
  ),
  aggregate: { field: 'hostname', samples: 10, threshold: 1 },
  onAggregation: async (group, { config, helpers }) => {
    const first = group.events[0]?._source.hostname;
    if (first === undefined) return null;
    const srchost = typeof first === 'string' ? first : String(group.value);
    // 1. The target host must be in scope.
    if (!config.hostMustMatch.some((pattern) => reMatch(pattern, srchost))) return null;
    if (config.hostMustNotMatch.some((pattern) => reMatch(pattern, srchost))) return null;

    // 2. Logins from inside alertIfSource, not excepted.
    const excepted = (user: string, ip: string) =>
      config.exceptions.some(
        ([userPattern, hostPattern, block]) =>
          reMatch(userPattern, user) && reMatch(hostPattern, srchost) && inBlock(block, ip),
      );
    const sourceIps: string[] = [];
    const users: string[] = [];
    for (const { _source } of group.events) {
      const login = typeof _source.summary === 'string' ? LOGIN.exec(_source.summary) : null;
      if (!login) continue;
      const [, user = '', ip = ''] = login;
      // As MozDef: once per alertIfSource block that holds the address.
      for (const block of config.alertIfSource) {
        if (!inBlock(block, ip)) continue;
        if (config.notAlertIfSource.some((other) => inBlock(other, ip))) continue;
        if (config.ignoreUsers.some((pattern) => reMatch(pattern, user))) continue;
        if (excepted(user, ip)) continue;
        sourceIps.push(ip);
        users.push(user);
      }
    }
    if (sourceIps.length === 0) return null;

    const sources = await Promise.all(
      sourceIps.map((ip) => helpers.addHostnameToIp(ip, { format: '{0} ({1})' })),
    );
    return {
      summary: pyFormat(
        'SSH lateral movement outside policy: access to {} from {} as {}',
        srchost,
        sources.join(','),
        users.join(','),
      ),
    };
  },
});

export default alert;
