import { Category, defineAlert, isAlertkitError, Severity, z } from '@alertkit/core';
import { match, parseQueryString, phrase, queryString, search } from '@alertkit/query';

/**
 * A Lucene query on `details.sourceipaddress` as MozDef writes it (`details.sourceipaddress:
 * <value>`), checked when the config is read so a typo fails `alertkit validate`, not a run.
 */
const sourceQuery = (meaning: string, fallback: string) =>
  z
    .string()
    .superRefine((value, context) => {
      if (value.trim() === '') {
        context.addIssue({ code: 'custom', message: 'must be a Lucene query, not empty' });
        return;
      }
      try {
        parseQueryString(`details.sourceipaddress: ${value}`);
      } catch (error) {
        if (!isAlertkitError(error)) throw error;
        context.addIssue({ code: 'custom', message: `not a valid Lucene query: ${error.message}` });
      }
    })
    .default(fallback)
    .describe(meaning);

/** MozDef's `nsm_scan_random.json` as a zod schema, with MozDef's defaults. */
const configSchema = z.object({
  sourceMustMatch: sourceQuery(
    "MozDef's `sourcemustmatch`: scanners counted, as Lucene after `details.sourceipaddress: ` (only the first term of an OR list is bound to that field)",
    '[10.0.0.0 TO 10.255.255.255]',
  ),
  sourceMustNotMatch: sourceQuery(
    "MozDef's `sourcemustnotmatch`: scanners ignored, as Lucene after `details.sourceipaddress: ` (the terms after the first OR are searched in every field)",
    '10.33.44.54 OR 10.88.77.54 OR 10.76.54.54 OR 10.251.30.138 OR 10.54.65.234',
  ),
});

/** The alert's config (MozDef's `nsm_scan_random.json`): the output of its schema. */
export type NsmScanRandomConfig = z.output<typeof configSchema>;

/**
 * Bro's `Scan::Address_Scan` notice for an internal source: one host probed many addresses. One
 * alert per scanning address. Port of MozDef's `NSMScanAddress` (alerts/nsm_scan_random.py).
 */
export const alert = defineAlert({
  name: 'nsm-scan-random',
  classname: 'NSMScanRandom',
  description: 'Bro saw an internal address scanning random hosts and ports (Scan::Random_Scan)',
  severity: Severity.WARNING,
  category: Category.NSM,
  tags: ['nsm', 'bro', 'randomscan'],
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
    search({ minutes: 1 })
      .must(
        match('category', 'bro'),
        match('source', 'notice'),
        // details.note is a keyword: the phrase is an exact, case-sensitive whole-value match.
        phrase('details.note', 'Scan::Random_Scan'),
        // Written exactly as MozDef formats them, Lucene quirks included.
        queryString(`details.sourceipaddress: ${config.sourceMustMatch}`),
      )
      .mustNot(queryString(`details.sourceipaddress: ${config.sourceMustNotMatch}`)),
  aggregate: { field: 'details.sourceipaddress', samples: 10, threshold: 1 },
  onAggregation: (group, { helpers }) => {
    const details = group.events[0]?._source.details;
    // MozDef names the scanner only when the first sample has `details.indicators`; otherwise it
    // writes `unknown`. No reverse DNS here (unlike the address and port scan alerts).
    const known =
      details !== null &&
      typeof details === 'object' &&
      !Array.isArray(details) &&
      Object.hasOwn(details, 'indicators');
    return {
      summary: `Random scan from ${known ? helpers.pyStr(details.sourceipaddress) : 'unknown'}`,
    };
  },
});

export default alert;
