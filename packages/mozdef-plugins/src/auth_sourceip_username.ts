import { z, type AlertDocument } from '@alertkit/core';
import { exists, match, search } from '@alertkit/query';
import type { AlertPlugin, PluginContext } from '@alertkit/runner';
import { newestFirst, objectAt } from './common.js';

/** The config: MozDef's `auth_sourceip_username.json` (its window, which MozDef never applied). */
export const authSourceipUsernameConfig = z.strictObject({
  search_window_hours: z
    .number()
    .positive()
    .default(6)
    .describe('How far back successful logins are searched'),
  match_tag: z
    .string()
    .min(1)
    .default('*')
    .describe('The registration: a lower-case word the alert must contain, or * for every alert'),
});

/** The parsed config. */
export type AuthSourceipUsernameConfig = z.output<typeof authSourceipUsernameConfig>;

/**
 * Names who logged in from the alert's source address (MozDef's `enrich`): the newest
 * successful auth0 login from `details.sourceipaddress` in the window sets `details.username`.
 */
export async function enrichAuthUsername(
  alert: AlertDocument,
  context: Pick<PluginContext<AuthSourceipUsernameConfig>, 'search' | 'config'>,
): Promise<AlertDocument> {
  const details = objectAt(alert['details']);
  const ip = details?.['sourceipaddress'];
  if (!details || ip === undefined || ip === null || typeof ip === 'object') return alert;
  const { hits } = await context.search(
    search({ hours: context.config.search_window_hours }).must(
      match('tags', 'auth0'),
      match('details.success', 'true'),
      match('details.sourceipaddress', ip),
      exists('details.username'),
    ),
  );
  const [newest] = newestFirst(hits.map((hit) => hit._source));
  const username = objectAt(newest?.['details'])?.['username'];
  if (username === undefined) return alert;
  details['username'] = username;
  return alert;
}

/** MozDef's `auth_sourceip_username` plugin. */
export const authSourceipUsernamePlugin: AlertPlugin<AuthSourceipUsernameConfig> = {
  name: 'auth_sourceip_username',
  registration: (config) => [config.match_tag],
  config: authSourceipUsernameConfig,
  onAlert: enrichAuthUsername,
};

export default authSourceipUsernamePlugin;
