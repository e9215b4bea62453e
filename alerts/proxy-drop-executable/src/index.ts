import { Category, defineAlert, pyFormat, valueByPath, z } from '@alertkit/core';
import { match, queryString, search } from '@alertkit/query';

// An extension goes into a Lucene regexp unescaped (as in MozDef), so only plain names are accepted.
const EXTENSION = /^[A-Za-z0-9_-]+$/;
const EXTENSION_ERROR =
  'expected an extension without the dot: letters, digits, _ and - only, e.g. "exe"';

/**
 * The alert's settings (MozDef's `proxy_drop_executable.conf`), with MozDef's defaults. zod's
 * object drops unknown keys, which core's `resolveAlertConfig` then reports as unknown.
 */
const configSchema = z.object({
  extensions: z
    .array(z.string({ error: EXTENSION_ERROR }).regex(EXTENSION, { error: EXTENSION_ERROR }), {
      error: 'expected a list of extensions without the dot, e.g. ["exe", "sh"]',
    })
    // An empty list would leave the regexp `/.*\.()/`: the alert would look for nothing useful.
    .min(1, { error: 'expected at least one extension, e.g. ["exe", "sh"]' })
    // MozDef's `extensions = exe,sh,py,rb,bin`.
    .default(['exe', 'sh', 'py', 'rb', 'bin'])
    .describe('File extensions (without the dot) whose download the proxy denied is suspicious'),
});

/** The alert's settings (MozDef's `proxy_drop_executable.conf`): the output of its config schema. */
export type ProxyDropExecutableConfig = z.output<typeof configSchema>;

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
 * Squid denied a client's request for an executable file (`.exe`, `.sh`, ... by config): a
 * host trying to fetch a payload or a dropper from a blocked destination is often already
 * compromised. One alert per source address, listing every denied executable destination.
 *
 * Port of MozDef's `AlertProxyDropExecutable` (alerts/proxy_drop_executable.py).
 */
export const alert = defineAlert({
  name: 'proxy-drop-executable',
  classname: 'AlertProxyDropExecutable',
  description: 'The proxy denied requests for executable files',
  severity: 'WARNING',
  category: Category.SQUID,
  tags: ['squid', 'proxy'],
  config: configSchema,
  // The destination must END with `.<extension>` (a Lucene regexp matches the whole keyword
  // value), case-sensitively, as MozDef's `/.*\.(exe|sh|py|rb|bin)/`.
  criteria: (config) =>
    search({ minutes: 20 }).must(
      match('category', 'proxy'),
      match('details.proxyaction', 'TCP_DENIED'),
      queryString(`details.destination: /.*\\.(${config.extensions.join('|')})/`),
    ),
  aggregate: { field: 'details.sourceipaddress', threshold: 1, samples: 10 },
  onAggregation(group) {
    // Every event of the group, not only the samples, as MozDef's `allevents`.
    const destinations = group.allEvents.map((e) => valueByPath(e._source, 'details.destination'));
    // An array value (a keyword field may hold one) made MozDef's set unhashable: the whole run
    // failed. alertkit raises no alert for this group and goes on with the others.
    if (!destinations.every((d): d is string => typeof d === 'string')) return null;
    return {
      summary: pyFormat(
        'Suspicious Proxy DROP event(s) detected from {0} to the following executable file destination(s): {1}',
        group.value,
        pySorted(new Set(destinations)).join(','),
      ),
    };
  },
});

export default alert;
