import { z, type AlertDocument, type JsonObject } from '@alertkit/core';
import { match, phrase, search } from '@alertkit/query';
import type { AlertPlugin, PluginContext } from '@alertkit/runner';
import { detailsOf, objectAt } from './common.js';

/** The config: MozDef's `possible_usernames.json`. */
export const possibleUsernamesConfig = z.strictObject({
  search_window_hours: z
    .number()
    .positive()
    .default(24)
    .describe('How far back sshd public-key logins to the host are searched'),
});

/** The parsed config. */
export type PossibleUsernamesConfig = z.output<typeof possibleUsernamesConfig>;

/**
 * The `documentsource.hostname` most events of the alert have (MozDef's
 * `_most_common_hostname`: ties go to the greatest name, as its reversed sort of (count, name)).
 */
export function mostCommonHostname(events: readonly JsonObject[]): string | undefined {
  const counts = new Map<string, number>();
  for (const event of events) {
    const host = objectAt(event['documentsource'])?.['hostname'];
    if (typeof host !== 'string') continue;
    counts.set(host, (counts.get(host) ?? 0) + 1);
  }
  let best: [number, string] | undefined;
  for (const [host, count] of counts)
    if (!best || count > best[0] || (count === best[0] && host > best[1])) best = [count, host];
  return best?.[1];
}

/**
 * Adds the distinct `details.username`s of the syslog events (MozDef's `enrich`) as
 * `details.possible_usernames` (always set) and, when there are any, `; Possible users: a, b`
 * to the summary. Names keep the order they were first seen in.
 */
export function enrichPossibleUsernames(
  alert: AlertDocument,
  syslogEvents: readonly JsonObject[],
): AlertDocument {
  const names = new Set<string>();
  for (const event of syslogEvents) {
    const name = objectAt(event['details'])?.['username'];
    if (typeof name === 'string') names.add(name);
  }
  const possible = [...names];
  detailsOf(alert)['possible_usernames'] = possible;
  if (possible.length > 0)
    alert.summary = `${alert.summary ?? ''}; Possible users: ${possible.join(', ')}`;
  return alert;
}

/** Searches who logged in to the alert's host with a public key in the window, then enriches. */
export async function findPossibleUsernames(
  alert: AlertDocument,
  context: Pick<PluginContext<PossibleUsernamesConfig>, 'search' | 'config'>,
): Promise<AlertDocument> {
  const hostname = mostCommonHostname(alert.events);
  // MozDef searched for a null hostname and failed; without a host there is nobody to find.
  if (hostname === undefined) return alert;
  const { hits } = await context.search(
    search({ hours: context.config.search_window_hours }).must(
      match('category', 'syslog'),
      match('hostname', hostname),
      match('details.program', 'sshd'),
      phrase('summary', 'Accepted publickey for '),
    ),
  );
  return enrichPossibleUsernames(
    alert,
    hits.map((hit) => hit._source),
  );
}

/** MozDef's `possible_usernames` plugin (promiscuous-mode kernel alerts). */
export const possibleUsernamesPlugin: AlertPlugin<PossibleUsernamesConfig> = {
  name: 'possible_usernames',
  registration: ['promisckernel'],
  config: possibleUsernamesConfig,
  onAlert: findPossibleUsernames,
};

export default possibleUsernamesPlugin;
