import type { StoredAlert } from '@alertkit/core';
import { z } from 'zod';
import { ActionError, defineAction } from './defineAction.js';
import { sendJson } from './http.js';

/** PagerDuty's Events API v2 endpoint. */
export const PAGERDUTY_EVENTS_URL = 'https://events.pagerduty.com/v2/enqueue';

/** The config of {@link pagerduty}. */
export const pagerdutyConfigSchema = z
  .object({
    /** The Events API v2 endpoint; change it for a proxy or a test server. */
    url: z.url({ protocol: /^https?$/ }).default(PAGERDUTY_EVENTS_URL),
    /** One PagerDuty integration (service) per alert tag, as MozDef's `integrations`. */
    integrations: z
      .array(
        z
          .object({
            /** An alert carrying this tag pages this integration. */
            tag: z.string().min(1),
            /** The integration's routing key (Events API v2 integration key). */
            routingKey: z.string().min(1),
            /** A runbook link sent with the event (MozDef's `doc`). */
            runbookUrl: z.url().optional(),
          })
          .strict(),
      )
      .min(1),
    /** The alert UI's base URL: the event links `<webUrl>/alert/<id>` (MozDef's `web_url`). */
    webUrl: z.url().optional(),
    /** `payload.source`: where the alert comes from; default `alertkit`. */
    source: z.string().min(1).default('alertkit'),
  })
  .strict();

export type PagerdutyConfig = z.infer<typeof pagerdutyConfigSchema>;

/** MozDef severities to PagerDuty's four (`critical`, `error`, `warning`, `info`). */
export function pagerdutySeverity(severity: string): 'critical' | 'error' | 'warning' | 'info' {
  switch (severity.toUpperCase()) {
    case 'CRITICAL':
      return 'critical';
    case 'ERROR':
      return 'error';
    case 'WARNING':
      return 'warning';
    default:
      return 'info';
  }
}

/** The integration an alert pages: the first configured one whose tag the alert carries (MozDef's `identify_option`). */
export function integrationFor(
  alert: StoredAlert,
  config: PagerdutyConfig,
): PagerdutyConfig['integrations'][number] | undefined {
  const tags = new Set(alert._source.tags.map((tag) => tag.toLowerCase()));
  return config.integrations.find((integration) => tags.has(integration.tag.toLowerCase()));
}

/**
 * The Events API v2 trigger event for an alert. `dedup_key` is the alert id: a retried or
 * repeated call updates the same incident instead of paging twice.
 */
export function pagerdutyEvent(
  alert: StoredAlert,
  integration: PagerdutyConfig['integrations'][number],
  config: PagerdutyConfig,
): Record<string, unknown> {
  const source = alert._source;
  const links: { href: string; text: string }[] = [];
  if (config.webUrl !== undefined)
    links.push({
      href: `${config.webUrl.replace(/\/+$/, '')}/alert/${alert._id}`,
      text: 'View alert',
    });
  if (integration.runbookUrl !== undefined)
    links.push({ href: integration.runbookUrl, text: 'View runbook' });
  return {
    routing_key: integration.routingKey,
    event_action: 'trigger',
    dedup_key: alert._id,
    client: 'alertkit',
    ...(config.webUrl !== undefined
      ? { client_url: `${config.webUrl.replace(/\/+$/, '')}/alert/${alert._id}` }
      : {}),
    payload: {
      // PagerDuty refuses a summary over 1024 characters.
      summary:
        source.summary.length > 1024 ? `${source.summary.slice(0, 1021)}...` : source.summary,
      source: config.source,
      severity: pagerdutySeverity(source.severity),
      timestamp: source.utctimestamp,
      class: source.category,
      group: source.classname,
      custom_details: {
        classname: source.classname,
        category: source.category,
        tags: source.tags,
        severity: source.severity,
        events: source.events.length,
      },
    },
    ...(links.length > 0 ? { links } : {}),
  };
}

/**
 * MozDef's pagerduty action on the current Events API v2: an alert carrying an integration's
 * tag triggers an event on that integration, with the alert id as `dedup_key`.
 */
export const pagerduty = defineAction<PagerdutyConfig>({
  name: 'pagerduty',
  description:
    'triggers a PagerDuty incident (Events API v2) for alerts carrying an integration tag',
  registration: (config) => config.integrations.map((integration) => integration.tag.toLowerCase()),
  priority: 1,
  config: pagerdutyConfigSchema,
  // Anyone with a routing key can page the team.
  secrets: (config) => config.integrations.map((integration) => integration.routingKey),
  async run(alert, { config, signal }) {
    const integration = integrationFor(alert, config);
    // Registration matches the tag anywhere in the alert; only `tags` pages (as MozDef).
    if (integration === undefined) return { detail: 'no integration tag in the alert tags' };
    const answer = await sendJson(config.url, pagerdutyEvent(alert, integration, config), {
      signal,
    });
    if (
      answer !== null &&
      typeof answer === 'object' &&
      'status' in answer &&
      answer.status !== 'success'
    )
      throw new ActionError(`PagerDuty answered status ${String(answer.status)}`);
    return { detail: `triggered on ${integration.tag}, dedup_key ${alert._id}` };
  },
});

export default pagerduty;
