import { Category, defineAlert, pyFormat, valueByPath, z } from '@alertkit/core';
import { match, search } from '@alertkit/query';

const PORT_ERROR = 'expected a port number (a whole number from 0 to 65535), e.g. 443';

/**
 * The alert's settings (MozDef's `proxy_drop_non_standard_port.conf`), with MozDef's defaults.
 * zod's object drops unknown keys, which core's `resolveAlertConfig` then reports as unknown.
 */
const configSchema = z.object({
  excludedPorts: z
    .array(
      z.int({ error: PORT_ERROR }).min(0, { error: PORT_ERROR }).max(65535, { error: PORT_ERROR }),
      {
        error: 'expected a list of port numbers (0-65535), e.g. [443, 8443]',
      },
    )
    // MozDef's `excludedports = 443,8443`.
    .default([443, 8443])
    .describe('Destination ports whose denied CONNECTs are expected (TLS), never reported'),
});

/** The alert's settings (MozDef's `proxy_drop_non_standard_port.conf`): the output of its config schema. */
export type ProxyDropNonStandardPortConfig = z.output<typeof configSchema>;

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
 * Squid denied a client's CONNECT (a tunnel) to a port other than the TLS ports: tunnels to IRC
 * (6667), SSH or arbitrary high ports through the proxy are a classic command-and-control or
 * exfiltration path. One alert per source address, listing the denied destinations.
 *
 * Port of MozDef's `AlertProxyDropNonStandardPort` (alerts/proxy_drop_non_standard_port.py).
 */
export const alert = defineAlert({
  name: 'proxy-drop-non-standard-port',
  classname: 'AlertProxyDropNonStandardPort',
  description: 'The proxy denied CONNECT requests to non-standard ports',
  severity: 'WARNING',
  category: Category.SQUID,
  tags: ['squid', 'proxy'],
  config: configSchema,
  criteria: (config) =>
    search({ minutes: 20 })
      .must(
        match('category', 'proxy'),
        match('details.proxyaction', 'TCP_DENIED'),
        match('details.method', 'CONNECT'),
      )
      // destinationport is a keyword: the decimal string matches a JSON number too, as in MozDef.
      .mustNot(config.excludedPorts.map((port) => match('details.destinationport', String(port)))),
  aggregate: { field: 'details.sourceipaddress', threshold: 1, samples: 10 },
  onAggregation(group) {
    // Every event of the group, not only the samples, as MozDef's `allevents`.
    const destinations = group.allEvents.map((e) => valueByPath(e._source, 'details.destination'));
    // The destination is not among the criteria: MozDef's KeyError (or a None/array in its set)
    // failed the whole run. alertkit raises no alert for this group and goes on with the others.
    if (!destinations.every((d): d is string => typeof d === 'string')) return null;
    return {
      summary: pyFormat(
        'Suspicious Proxy DROP event(s) detected from {0} to the following non-std port destination(s): {1}',
        group.value,
        pySorted(new Set(destinations)).join(','),
      ),
    };
  },
});

export default alert;
