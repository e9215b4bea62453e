import { Category, defineAlert, pyFormat, valueByPath, z } from '@alertkit/core';
import { match, search } from '@alertkit/query';

const DOMAIN_ERROR = 'expected a host name (a non-empty string), e.g. "pastebin.com"';

/**
 * The alert's settings (MozDef's `proxy_exfil_domains.conf`), with MozDef's defaults. zod's
 * object drops unknown keys, which core's `resolveAlertConfig` then reports as unknown.
 */
const configSchema = z.object({
  exfilDomains: z
    .array(z.string({ error: DOMAIN_ERROR }).min(1, { error: DOMAIN_ERROR }), {
      error: 'expected a list of host names, e.g. ["pastebin.com"]',
    })
    // An empty list would leave no should clause: every proxy event would alert.
    .min(1, { error: 'expected at least one host name, e.g. ["pastebin.com"]' })
    // MozDef's `exfil_domains = pastebin.com,www.sendspace.com`.
    .default(['pastebin.com', 'www.sendspace.com'])
    .describe(
      'Hosts known for exfiltration (paste sites, file drops), compared exactly with `details.host`',
    ),
});

/** The alert's settings (MozDef's `proxy_exfil_domains.conf`): the output of its config schema. */
export type ProxyExfilDomainsConfig = z.output<typeof configSchema>;

/** Python's `sorted()` of strings: by code point (JavaScript's default sort compares UTF-16 units). */
function pySorted(values: Iterable<string>): string[] {
  const key = (s: string) => Array.from(s, (c) => c.codePointAt(0) ?? 0);
  return [...values].sort((a, b) => {
    const [x, y] = [key(a), key(b)];
    for (let i = 0; i < Math.min(x.length, y.length); i++)
      if (x[i] !== y[i]) return (x[i] ?? 0) - (y[i] ?? 0);
    return x.length - y.length;
  });
}

/**
 * A client talked through the proxy to a site known for exfiltrating data (paste sites, anonymous
 * file drops): the usual way stolen data or credentials leave a network. One alert per source
 * address, listing the domains it reached. Despite the summary's wording ("drop events") there is
 * no proxy-action filter: allowed requests alert too, as in MozDef.
 *
 * Port of MozDef's `AlertProxyExfilDomains` (alerts/proxy_exfil_domains.py).
 */
export const alert = defineAlert({
  name: 'proxy-exfil-domains',
  classname: 'AlertProxyExfilDomains',
  description: 'A client reached a domain known for exfiltrating data through the proxy',
  severity: 'WARNING',
  category: Category.SQUID,
  tags: ['squid', 'proxy'],
  config: configSchema,
  // MozDef's top-level should: at least one domain must equal details.host (exact, so
  // subdomains do not match); the builder sends minimum_should_match: 1.
  criteria: (config) =>
    search({ minutes: 20 })
      .must(match('category', 'proxy'))
      .should(config.exfilDomains.map((domain) => match('details.host', domain))),
  aggregate: { field: 'details.sourceipaddress', threshold: 1, samples: 10 },
  onAggregation(group) {
    // Every event of the group, not only the samples, as MozDef's `allevents`.
    const hosts = group.allEvents.map((e) => valueByPath(e._source, 'details.host'));
    // An array host (one element matched) made MozDef's set unhashable and its whole run fail;
    // alertkit raises no alert for this group and goes on with the others.
    if (!hosts.every((h): h is string => typeof h === 'string')) return null;
    return {
      summary: pyFormat(
        'Proxy drop events detected from {0} to the following domain(s) that are known for exfiltrating data: {1}',
        group.value,
        pySorted(new Set(hosts)).join(','),
      ),
    };
  },
});

export default alert;
