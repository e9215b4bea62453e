import { z, type AlertDocument, type JsonObject, type JsonValue } from '@alertkit/core';
import { luceneQuote, match, queryString, search } from '@alertkit/query';
import type { AlertPlugin, PluginContext } from '@alertkit/runner';
import { detailsOf, firstEventSourceIp, newestFirst, objectAt } from './common.js';

/** The config: MozDef's `dhcp_assignment.json` (its window, which MozDef never applied). */
export const dhcpAssignmentConfig = z.strictObject({
  search_window_hours: z
    .number()
    .positive()
    .default(48)
    .describe('How far back DHCP leases and their owners are searched'),
});

/** The parsed config. */
export type DhcpAssignmentConfig = z.output<typeof dhcpAssignmentConfig>;

const NO_USER_FOUND = '(no user found)';

/** Parses `a=b,x=y z` into `{ a: 'b', x: 'y z' }` (MozDef's `_comma_eq_dict`; split at the first `=`). */
export function commaEqDict(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const pair of text.split(',')) {
    const at = pair.indexOf('=');
    if (at >= 0) out[pair.slice(0, at)] = pair.slice(at + 1);
  }
  return out;
}

/** Numbers compare as numbers, anything else as text (DHCP `details.ts` is epoch seconds). */
function compareTs(a: JsonValue | undefined, b: JsonValue | undefined): number {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  return JSON.stringify(a ?? '').localeCompare(JSON.stringify(b ?? ''));
}

/**
 * Names the machine and user that held the scanning address (MozDef's `enrich`): the newest
 * DHCP lease of the address gives the MAC, the newest `local1` event naming the MAC gives the
 * user (`user_name` in its `a=b,...` summary). Sets `details.ipassignment = { mac, user }`,
 * `details.username` when a user was found, and appends `; IP assigned to <user> (<mac>)`.
 * Unlike MozDef both searches keep to the configured window.
 */
export async function enrichDhcp(
  alert: AlertDocument,
  context: Pick<PluginContext<DhcpAssignmentConfig>, 'search' | 'config'>,
): Promise<AlertDocument> {
  const ip = firstEventSourceIp(alert);
  if (ip === undefined) return alert;
  const window = { hours: context.config.search_window_hours };
  const leases = await context.search(
    search(window).must(match('source', 'dhcp'), match('details.assigned_addr', ip)),
  );
  const [lease] = leases.hits
    .map((hit) => hit._source)
    .sort((a, b) => compareTs(objectAt(b['details'])?.['ts'], objectAt(a['details'])?.['ts']));
  const mac = objectAt(lease?.['details'])?.['mac'];
  if (typeof mac !== 'string' || mac === '') return alert;

  const owners = await context.search(
    search(window).must(queryString(`source:local1 AND ${luceneQuote(mac)}`)),
  );
  const [owner]: (JsonObject | undefined)[] = newestFirst(
    owners.hits.map((hit) => hit._source),
    (s) => s['receivedtimestamp'],
  );
  if (!owner) return alert;
  const summary = owner['summary'];
  const user =
    (typeof summary === 'string' ? commaEqDict(summary)['user_name'] : undefined) ?? NO_USER_FOUND;

  const details = detailsOf(alert);
  details['ipassignment'] = { mac, user };
  if (user !== NO_USER_FOUND) details['username'] = user;
  alert.summary += `; IP assigned to ${user} (${mac})`;
  return alert;
}

/** MozDef's `dhcp_assignment` plugin (port-scan alerts). */
export const dhcpAssignmentPlugin: AlertPlugin<DhcpAssignmentConfig> = {
  name: 'dhcp_assignment',
  registration: ['portscan'],
  config: dhcpAssignmentConfig,
  onAlert: enrichDhcp,
};

export default dhcpAssignmentPlugin;
