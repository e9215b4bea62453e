import { Category, defineAlert, isAlertkitError, Severity, z } from '@alertkit/core';
import { match, parseQueryString, phrase, queryString, search } from '@alertkit/query';

/**
 * A Lucene query on one field as MozDef writes it (`<field>: <value>`), checked when the config
 * is read so a typo fails `alertkit validate`, not a run.
 */
const fieldQuery = (field: string, meaning: string, fallback: string) =>
  z
    .string()
    .superRefine((value, context) => {
      if (value.trim() === '') {
        context.addIssue({ code: 'custom', message: 'must be a Lucene query, not empty' });
        return;
      }
      try {
        parseQueryString(`${field}: ${value}`);
      } catch (error) {
        if (!isAlertkitError(error)) throw error;
        context.addIssue({ code: 'custom', message: `not a valid Lucene query: ${error.message}` });
      }
    })
    .default(fallback)
    .describe(meaning);

/** MozDef's `nsm_scan_port.json` as a zod schema, with MozDef's defaults. */
const configSchema = z.object({
  sourceMustMatch: fieldQuery(
    'details.sourceipaddress',
    "MozDef's `sourcemustmatch`: scanners counted, as Lucene after `details.sourceipaddress: ` (only the first term of an OR list is bound to that field)",
    '[10.0.0.0 TO 10.255.255.255]',
  ),
  sourceMustNotMatch: fieldQuery(
    'details.sourceipaddress',
    "MozDef's `sourcemustnotmatch`: scanners ignored, as Lucene after `details.sourceipaddress: ` (the terms after the first OR are searched in every field)",
    '10.54.65.234',
  ),
  destinationMustNotMatch: fieldQuery(
    'details.msg',
    "MozDef's `destinationmustnotmatch`: notices ignored when Bro's message matches, as Lucene after `details.msg: `",
    '*192.168*',
  ),
});

/** The alert's config (MozDef's `nsm_scan_port.json`): the output of its schema. */
export type NsmScanPortConfig = z.output<typeof configSchema>;

/**
 * Bro's `Scan::Port_Scan` notice for an internal source: one host probed many ports. One alert
 * per scanning address. Port of MozDef's `NSMScanPort` (alerts/nsm_scan_port.py).
 */
export const alert = defineAlert({
  name: 'nsm-scan-port',
  classname: 'NSMScanPort',
  description: 'Bro saw an internal address scanning many ports (Scan::Port_Scan)',
  severity: Severity.WARNING,
  category: Category.NSM,
  // `portscan` is the tag MozDef's port_scan_enrichment and dhcp_assignment plugins look for.
  tags: ['nsm', 'bro', 'portscan'],
  config: configSchema,
  pitfalls: {
    allow: [
      {
        rule: 'unescaped-config-in-query-string',
        reason:
          "these keys are Lucene by design, as in MozDef's config (a range such as [10.0.0.0 TO 10.255.255.255]); the schema parses them",
      },
    ],
  },
  criteria: (config) =>
    search({ minutes: 2 })
      .must(
        match('category', 'bro'),
        match('source', 'notice'),
        // details.note is a keyword: the phrase is an exact, case-sensitive whole-value match.
        phrase('details.note', 'Scan::Port_Scan'),
        // Written exactly as MozDef formats them, Lucene quirks included.
        queryString(`details.sourceipaddress: ${config.sourceMustMatch}`),
      )
      .mustNot(
        queryString(`details.sourceipaddress: ${config.sourceMustNotMatch}`),
        queryString(`details.msg: ${config.destinationMustNotMatch}`),
      ),
  aggregate: { field: 'details.sourceipaddress', samples: 10, threshold: 1 },
  onAggregation: async (group, { helpers }) => {
    const details = group.events[0]?._source.details;
    // MozDef names the host only when the first sample has `details.indicators`; without it its
    // summary variable is unbound and the run crashed. alertkit raises no alert for that group.
    if (
      details === null ||
      typeof details !== 'object' ||
      Array.isArray(details) ||
      !Object.hasOwn(details, 'indicators')
    )
      return null;
    const ip = helpers.pyStr(details.sourceipaddress);
    return {
      summary: `Port scan from ${await helpers.addHostnameToIp(ip, { format: '{0} ({1})', requireInternal: false })}`,
    };
  },
});

export default alert;
