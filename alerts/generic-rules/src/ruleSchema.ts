import { SEVERITIES, z } from '@alertkit/core';

/** MozDef reads the numbers with `int()`: a whole number, or a string of digits. */
const wholeNumber = (what: string) =>
  z
    .union([z.number(), z.string().regex(/^\s*\d+\s*$/, `${what}: expected a whole number`)])
    .transform(Number)
    .pipe(
      z
        .number()
        .int(`${what}: expected a whole number`)
        .positive(`${what}: expected a number >= 1`),
    );

/** A `[field, value]` pair of `filters`: MozDef's `TermMatch(field, value)`. */
const filter = z.tuple([
  z.string().min(1, 'the field must be a non-empty dotted path'),
  z.union([z.string(), z.number(), z.boolean()]),
]);

/**
 * One rule file of MozDef's generic alert loader (`alerts/generic_alert_loader.py`): the
 * required keys and the three optional ones, as MozDef reads them. Keys MozDef does not read
 * are left out (and reported as a warning by the loader, in case of a typo).
 */
export const ruleSchema = z.object({
  search_string: z
    .string()
    .trim()
    .min(1, 'a Lucene query string is required')
    .describe('Lucene query string (query_string), a `must` clause after the filters.'),
  filters: z
    .array(filter)
    .describe('`[[field, value], ...]`: one term match (`match`) per pair, all required.'),
  aggregation_key: z
    .string()
    .regex(/^[^.\s]+(\.[^.\s]+)*$/, 'expected a dotted field path such as "details.username"')
    .describe('The field the matching events are grouped by.'),
  time_window: wholeNumber('time_window').describe('Window, in minutes before now.'),
  num_samples: wholeNumber('num_samples').describe('Most events an alert carries.'),
  num_aggregations: wholeNumber('num_aggregations').describe(
    'Threshold: the fewest events of one group that raise an alert (despite its name).',
  ),
  alert_category: z.string().min(1).describe('The alert category.'),
  alert_tags: z.array(z.string().min(1)).describe('The alert tags.'),
  alert_severity: z.enum(SEVERITIES).describe('The alert severity (INFO, NOTICE, WARNING, ...).'),
  alert_summary: z.string().min(1).describe('The start of the summary.'),
  alert_url: z.string().describe('Documentation URL of the alert.'),
  channel: z.string().min(1).optional().describe('The mozdefbot channel (optional).'),
  notify_mozdefbot: z
    .boolean()
    .optional()
    .describe('Whether mozdefbot announces it (optional; default by severity and channel).'),
  additional_summary_fields: z
    .array(z.string().min(1))
    .optional()
    .describe('Dotted fields whose values (in the sampled events) are appended to the summary.'),
});

/** A rule file, validated (numbers as numbers). */
export type GenericRule = z.output<typeof ruleSchema>;

/** The keys a rule file may have. */
export const RULE_KEYS: readonly string[] = Object.keys(ruleSchema.shape);
