import {
  Category,
  defineAlert,
  isAlertkitError,
  pyFormat,
  SEVERITIES,
  Severity,
  z,
  type Duration,
} from '@alertkit/core';
import { parseQueryString, queryString, search } from '@alertkit/query';

/** The `timedelta` units MozDef's `SearchQuery(**{time_window_type: n})` takes (and alertkit's windows). */
const TIME_WINDOW_TYPES = ['weeks', 'days', 'hours', 'minutes', 'seconds'] as const;

/**
 * MozDef's `int(time_window)`: a positive whole number, given as a number or, as in MozDef's
 * `deadman_generic.json`, as a string of digits.
 */
const timeWindow = z.union([
  z.int().positive(),
  z
    .string()
    .regex(/^\s*\d+\s*$/, 'must be a positive whole number (or a string of digits)')
    .transform(Number)
    .pipe(z.int().positive()),
]);

/** Why a Lucene query string cannot be searched (undefined: it can). */
function luceneProblem(query: string): string | undefined {
  // Elasticsearch matches nothing for a blank query string: the check would always fail.
  if (query.trim() === '') return 'must not be blank (it would match nothing)';
  try {
    parseQueryString(query);
    return undefined;
  } catch (error) {
    if (!isAlertkitError(error)) throw error;
    return `is not valid Lucene: ${error.message}`;
  }
}

/** One entry of `alerts`: a search that must find something in its window. */
const checkSchema = z.object({
  description: z
    .string()
    .refine((text) => text.trim() !== '', 'must be a non-empty string')
    .describe("What is expected to keep arriving; named in the alert's summary"),
  search_query: z
    .string()
    .superRefine((query, context) => {
      const problem = luceneProblem(query);
      if (problem !== undefined) context.addIssue({ code: 'custom', message: problem });
    })
    .describe(
      'A Lucene query string over every field (MozDef\'s `QueryStringMatch`), e.g. `"ABC12345436"`',
    ),
  time_window: timeWindow.describe(
    'How far back to look, in `time_window_type` units (MozDef: a string of digits)',
  ),
  time_window_type: z
    .enum(TIME_WINDOW_TYPES)
    .describe('The unit of `time_window`: weeks, days, hours, minutes or seconds'),
  tags: z
    .array(z.string())
    .default([])
    .describe("Tags added after `deadman` to this check's alert"),
});

/**
 * MozDef's `deadman_generic.json` as a zod schema, with MozDef's defaults (its two sample
 * checks). The keys are MozDef's, so the file can be used as it is. An empty list or the same
 * check twice is refused (they would check nothing or raise the same alert twice); a query that
 * is not valid Lucene is refused when the config is read (MozDef logged it at every run).
 */
const configSchema = z.object({
  severity: z
    .enum(SEVERITIES)
    .default(Severity.ERROR)
    .describe("MozDef's `severity` of every check's alert"),
  alerts: z
    .array(checkSchema)
    .min(1, 'must hold at least one check')
    .default([
      {
        description: 'Sample Alert 1',
        search_query: 'ABC12345436',
        time_window: 5,
        time_window_type: 'minutes',
        tags: ['generic_deadman'],
      },
      {
        description: 'Sample Alert 2',
        search_query: 'anotherterm',
        time_window: 20,
        time_window_type: 'hours',
        tags: ['someothertag'],
      },
    ])
    .refine(
      (checks) => new Set(checks.map((check) => JSON.stringify(check))).size === checks.length,
      'must not hold the same check twice',
    )
    .describe('The checks: each alerts when its query found nothing in its window'),
});

/** The alert's config (MozDef's `deadman_generic.json`): the output of its schema. */
export type DeadmanGenericConfig = z.output<typeof configSchema>;

/** One check of the config. */
export type DeadmanCheck = DeadmanGenericConfig['alerts'][number];

/** One search of a run: the config and the check it runs (set by `prepare`). */
export type DeadmanCheckSearch = DeadmanGenericConfig & { check?: DeadmanCheck };

/** The check a search runs; before `prepare` (alertkit validate, the pitfall lint), the first. */
function checkOf(config: DeadmanCheckSearch): DeadmanCheck | undefined {
  return config.check ?? config.alerts[0];
}

/**
 * A configured search found nothing in its window: a log source, a job or a sensor that should
 * keep sending events went quiet. Each entry of `alerts` is its own check, with its own query
 * string and window, and each failing check is its own alert (with its own id). Port of
 * MozDef's `AlertDeadmanGeneric` (alerts/deadman_generic.py).
 */
export const alert = defineAlert<DeadmanCheckSearch>({
  name: 'deadman-generic',
  classname: 'AlertDeadmanGeneric',
  description: 'A configured search found no event in its window (generic dead man)',
  severity: Severity.ERROR,
  category: Category.DEADMAN,
  tags: ['deadman'],
  config: configSchema,
  // One search per check, in the configured order, as MozDef's loop over `alerts`.
  prepare: (config) => config.alerts.map((check) => ({ ...config, check })),
  criteria: (config) => {
    const check = checkOf(config);
    const window: Duration = check ? { [check.time_window_type]: check.time_window } : {};
    // MozDef's QueryStringMatch(search_query): raw Lucene over every field, never escaped.
    return search(window).must(check ? queryString(check.search_query) : { type: 'matchNone' });
  },
  onNoEvent: ({ config }) => {
    const check = checkOf(config);
    if (!check) return null;
    return {
      summary: pyFormat(
        "Deadman check failed for '{0}' the past {1} {2}",
        check.description,
        check.time_window,
        check.time_window_type,
      ),
      tags: ['deadman', ...check.tags],
      severity: config.severity,
      events: [],
    };
  },
});

export default alert;
