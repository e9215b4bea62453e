import { Category, defineAlert, pyFormat, SEVERITIES, Severity, z } from '@alertkit/core';
import { match, phrase, search } from '@alertkit/query';

/**
 * MozDef's `deadman.conf` as a zod schema, with MozDef's defaults. `hosts` is a list (MozDef's
 * comma-separated string, split on `,`); an empty list, a blank or a repeated host is refused,
 * since it would check nothing or the same host twice. The severity must be one of alertkit's severities
 * (MozDef took any string, semantics §9.6); an empty url means "no `url` in the alert", as in
 * MozDef.
 */
const configSchema = z.object({
  hosts: z
    .array(
      z.string().refine((host) => host.trim() !== '', 'must be a non-empty string (a host name)'),
    )
    .min(1, 'must name at least one host')
    .default(['host1'])
    .refine((hosts) => new Set(hosts).size === hosts.length, 'must not name a host twice')
    .describe(
      "MozDef's `hosts`: the bro sensors whose healthcheck is expected; one check (and one alert) per host",
    ),
  url: z
    .string()
    .default('https://www.mozilla.org')
    .describe("MozDef's `url`: a runbook link put in the alert (left out of the alert when empty)"),
  severity: z.enum(SEVERITIES).default(Severity.ERROR).describe("MozDef's `severity` of the alert"),
});

/** The alert's config (MozDef's `deadman.conf`): the output of its schema. */
export type DeadmanConfig = z.output<typeof configSchema>;

/** One check of a run: the config and the host it checks (set by `prepare`). */
export type DeadmanHostCheck = DeadmanConfig & { host?: string };

/** The note bro's `MozillaAlive` script writes with each healthcheck. */
const HEALTHCHECK_NOTE = 'MozillaAlive::Bro_Is_Watching_You';

/**
 * A bro (Zeek) sensor stopped sending its healthcheck notice: no `MozillaAlive` event from the
 * host in the past 20 minutes, so the sensor, its shipper or the pipeline is down and its traffic
 * is no longer watched. One check per configured host, each its own alert (with its own id).
 * Port of MozDef's `broNSM` (alerts/deadman.py).
 */
export const alert = defineAlert<DeadmanHostCheck>({
  name: 'deadman',
  classname: 'broNSM',
  description: 'A bro sensor sent no healthcheck event in the past 20 minutes (dead man)',
  severity: Severity.ERROR,
  category: Category.DEADMAN,
  tags: ['bro', 'bro_deadman'],
  config: configSchema,
  // One search per host, in the configured order, as MozDef's loop over `hosts`.
  prepare: (config) => config.hosts.map((host) => ({ ...config, host })),
  criteria: (config) =>
    search({ minutes: 20 }).must(
      phrase('details.note', HEALTHCHECK_NOTE),
      // Before `prepare` (alertkit validate, the pitfall lint) the first host's check stands
      // for all of them: they differ only in the host.
      phrase('hostname', config.host ?? config.hosts[0] ?? ''),
      match('category', 'bro'),
      match('source', 'notice'),
    ),
  onNoEvent: ({ config }) => ({
    summary: pyFormat(
      'No {0} bro healthcheck events found the past 20 minutes',
      config.host ?? config.hosts[0] ?? '',
    ),
    severity: config.severity,
    url: config.url,
    events: [],
  }),
});

export default alert;
