import { Category, defineAlert, pyFormat, SEVERITIES, Severity, z } from '@alertkit/core';
import { exists, match, search } from '@alertkit/query';

/**
 * MozDef's `triagebot_escalation.conf` as a zod schema, with MozDef's defaults. The severity must
 * be one of alertkit's severities (MozDef took any string, semantics §9.6); an empty url means
 * "no `url` in the alert", as in MozDef.
 */
const configSchema = z.object({
  url: z
    .string()
    .default('https://www.mozilla.org')
    .describe("MozDef's `url`: a runbook link put in the alert (left out of the alert when empty)"),
  severity: z.enum(SEVERITIES).default(Severity.INFO).describe("MozDef's `severity` of the alert"),
});

/** The alert's config (MozDef's `triagebot_escalation.conf`): the output of its schema. */
export type TriagebotEscalationConfig = z.output<typeof configSchema>;

/**
 * The triage bot asked a user on Slack whether they did something an alert saw (a login, a Duo
 * bypass, ...) and the user answered NO: the event is escalated (to PagerDuty). One alert per
 * answer. Port of MozDef's `AlertTriageBotEscalation` (alerts/triagebot_escalation.py).
 */
export const alert = defineAlert({
  name: 'triagebot-escalation',
  classname: 'AlertTriageBotEscalation',
  description: 'A user answered NO to the triage bot: the event they were asked about is escalated',
  severity: Severity.INFO,
  category: Category.ACCESS,
  tags: ['triagebot_escalation'],
  config: configSchema,
  criteria: search({ minutes: 15 }).must(
    match('category', 'triagebot'),
    // details.userresponse is a keyword: exactly `no`, lower case.
    match('details.userresponse', 'no'),
    exists('details.email'),
    exists('details.identifier'),
  ),
  onEvent: (event, { config, helpers }) => ({
    summary: pyFormat(
      "TriageBot Escalation for event: {0} sent to PagerDuty per 'NO' response from User: {1}",
      helpers.valueByPath(event._source, 'details.identifier'),
      helpers.valueByPath(event._source, 'details.email'),
    ),
    severity: config.severity,
    url: config.url,
  }),
});

export default alert;
