import { isIP } from 'node:net';
import type { StoredAlert } from '@alertkit/core';
import { z } from 'zod';
import { ActionError, defineAction } from './defineAction.js';
import { sendJson } from './http.js';

/** The config of {@link blockIp} (the installation file's `config`). */
export const blockIpConfigSchema = z
  .object({
    /** The REST API's base URL (MozDef's `restapi_url`); the action POSTs to `<url>/blockip`. */
    url: z
      .url({ protocol: /^https?$/ })
      .describe("the REST API's base URL; POSTs go to <url>/blockip"),
    /** Sent as `Authorization: Bearer <token>` (MozDef's `restapi_jwt_token`). */
    token: z.string().min(1).optional().describe('bearer token for the REST API'),
    /** Classnames (or any alert key/value) to block on; MozDef's `alert_names`. */
    alertNames: z
      .array(z.string().min(1))
      .min(1)
      .default(['AlertBruteforceSsh'])
      .describe('alert classnames whose source IP is blocked (matched lower-cased)'),
    duration: z.string().min(1).default('1d').describe('block length, MozDef syntax (1d, 12h)'),
    comment: z.string().default('Automatic Block'),
    userid: z.string().default('MozDef'),
  })
  .strict();

export type BlockIpConfig = z.infer<typeof blockIpConfigSchema>;

/**
 * The IP to block: the alert's `details.sourceipaddress` (MozDef's field), else the one
 * `details.sourceipaddress` its events share (an aggregation grouped on it); undefined when
 * absent or ambiguous.
 */
export function sourceIpOf(alert: StoredAlert): string | undefined {
  const details = alert._source['details'];
  if (details !== null && typeof details === 'object' && !Array.isArray(details)) {
    const ip = details['sourceipaddress'];
    if (typeof ip === 'string' && isIP(ip) !== 0) return ip;
  }
  const ips = new Set<string>();
  for (const event of alert._source.events) {
    const eventDetails = event.documentsource['details'];
    if (eventDetails !== null && typeof eventDetails === 'object' && !Array.isArray(eventDetails)) {
      const ip = eventDetails['sourceipaddress'];
      if (typeof ip === 'string' && isIP(ip) !== 0) ips.add(ip);
    }
  }
  return ips.size === 1 ? [...ips][0] : undefined;
}

/** MozDef's request body: a JSON list of one-key objects. `/32` also for IPv6, as MozDef. */
export function blockIpBody(ip: string, config: BlockIpConfig): unknown[] {
  return [
    { ipaddress: `${ip}/${isIP(ip) === 6 ? 128 : 32}` },
    { duration: config.duration },
    { comment: config.comment },
    { referenceid: '' },
    { IPBlockList: true },
    { userid: config.userid },
  ];
}

/**
 * MozDef's block_ip: POSTs the alert's source IP to a blocking REST endpoint (`<url>/blockip`),
 * optionally with a bearer token. A non-2xx answer is a failure (retried; a 4xx is permanent).
 */
export const blockIp = defineAction<BlockIpConfig>({
  name: 'block-ip',
  description: "POSTs the alert's source IP to <url>/blockip (MozDef's block_ip)",
  registration: (config) => config.alertNames.map((name) => name.toLowerCase()),
  priority: 1,
  config: blockIpConfigSchema,
  async run(alert, { config, signal }) {
    const ip = sourceIpOf(alert);
    if (ip === undefined)
      throw new ActionError(
        `alert ${alert._id} has no details.sourceipaddress (nor one source IP shared by its events): nothing to block`,
        { permanent: true },
      );
    await sendJson(`${config.url.replace(/\/+$/, '')}/blockip`, blockIpBody(ip, config), {
      ...(config.token !== undefined ? { bearerToken: config.token } : {}),
      signal,
    });
    return { detail: `blocked ${ip} for ${config.duration}` };
  },
});

export default blockIp;
