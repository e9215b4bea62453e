import { z, type AlertDocument } from '@alertkit/core';
import { match, phrase, search } from '@alertkit/query';
import type { AlertPlugin, PluginContext } from '@alertkit/runner';
import {
  cidrSchema,
  inRanges,
  newestFirst,
  objectAt,
  parseRange,
  type AddressRange,
} from './common.js';

/** The config: MozDef's `vpn_assignment.json` (its window, which MozDef never applied). */
export const vpnAssignmentConfig = z.strictObject({
  search_window_hours: z
    .number()
    .positive()
    .default(6)
    .describe('How far back VPN connections are searched'),
  vpn_ip_cidrs: z
    .array(cidrSchema)
    .default([])
    .describe('The ranges VPN clients get addresses from (empty: the plugin never searches)'),
});

/** The parsed config. */
export type VpnAssignmentConfig = z.output<typeof vpnAssignmentConfig>;

/**
 * Names who held a VPN address (MozDef's `enrich`): when `details.sourceipaddress` is in one of
 * `vpn_ip_cidrs`, the newest successful `netfilter add upon connection` event for that VPN
 * address in the window sets `details.vpnassignment = { username, originalip }`.
 */
export async function enrichVpnAssignment(
  alert: AlertDocument,
  context: Pick<PluginContext<VpnAssignmentConfig>, 'search' | 'config'>,
): Promise<AlertDocument> {
  const details = objectAt(alert['details']);
  const ip = details?.['sourceipaddress'];
  if (!details || typeof ip !== 'string') return alert;
  const ranges = context.config.vpn_ip_cidrs
    .map(parseRange)
    .filter((range): range is AddressRange => range !== undefined);
  if (!inRanges(ip, ranges)) return alert;
  const { hits } = await context.search(
    search({ hours: context.config.search_window_hours }).must(
      match('tags', 'vpn'),
      match('tags', 'netfilter'),
      match('details.success', 'true'),
      match('details.vpnip', ip),
      phrase('summary', 'netfilter add upon connection'),
    ),
  );
  const [newest] = newestFirst(hits.map((hit) => hit._source));
  if (!newest) return alert;
  const found = objectAt(newest['details']);
  details['vpnassignment'] = {
    username: found?.['username'] ?? null,
    originalip: found?.['sourceipaddress'] ?? null,
  };
  return alert;
}

/** MozDef's `vpn_assignment` plugin. */
export const vpnAssignmentPlugin: AlertPlugin<VpnAssignmentConfig> = {
  name: 'vpn_assignment',
  registration: ['*'],
  config: vpnAssignmentConfig,
  onAlert: enrichVpnAssignment,
};

export default vpnAssignmentPlugin;
