import { describe, expect, it } from 'vitest';
import { configurePlugin } from '@alertkit/runner';
import {
  authSourceipUsernameConfig,
  authSourceipUsernamePlugin,
} from './auth_sourceip_username.js';
import { alertWith, hoursAgo, runPlugin, storeWith } from './plugins.testkit.js';

const login = (ip: string, username: string, hours: number, success = true) => ({
  utctimestamp: hoursAgo(hours),
  tags: ['auth0'],
  details: { sourceipaddress: ip, username, success },
});

const alert = () =>
  alertWith({
    summary: 'test summary',
    details: { something: 'original', sourceipaddress: '10.48.123.13' },
  });

describe('auth_sourceip_username', () => {
  it("MozDef's test_alert_enriched: the login's username", async () => {
    const store = storeWith([login('10.48.123.13', 'tester@mozilla.com', 0.1)]);
    const enriched = await runPlugin(authSourceipUsernamePlugin, alert(), { store });
    expect(enriched?.['details']).toEqual({
      something: 'original',
      sourceipaddress: '10.48.123.13',
      username: 'tester@mozilla.com',
    });
  });

  it('takes the newest successful login from that address', async () => {
    const store = storeWith([
      login('10.48.123.13', 'older', 3),
      login('10.48.123.13', 'newest', 1),
      login('10.48.123.13', 'failed', 0.5, false),
      login('10.48.123.99', 'other-ip', 0.2),
      { ...login('10.48.123.13', 'not-auth0', 0.1), tags: ['okta'] },
    ]);
    const out = await runPlugin(authSourceipUsernamePlugin, alert(), { store });
    expect(out?.['details']).toMatchObject({ username: 'newest' });
  });

  it('keeps to the 6-hour window MozDef configured but never applied', async () => {
    const store = storeWith([login('10.48.123.13', 'too-old', 7)]);
    expect(await runPlugin(authSourceipUsernamePlugin, alert(), { store })).toEqual(alert());
    const wider = await runPlugin(authSourceipUsernamePlugin, alert(), {
      store,
      config: { search_window_hours: 8 },
    });
    expect(wider?.['details']).toMatchObject({ username: 'too-old' });
  });

  it('leaves alerts without details.sourceipaddress alone', async () => {
    const store = storeWith([login('10.48.123.13', 'x', 1)]);
    const none = alertWith({ details: { something: 'original' } });
    expect(await runPlugin(authSourceipUsernamePlugin, none, { store })).toEqual(none);
  });

  it('registers on match_tag (default every alert)', () => {
    const plugin = configurePlugin(
      authSourceipUsernamePlugin,
      authSourceipUsernameConfig.parse({}),
    );
    expect(plugin.registration).toEqual(['*']);
    const tagged = configurePlugin(
      authSourceipUsernamePlugin,
      authSourceipUsernameConfig.parse({ match_tag: 'bruteforce' }),
    );
    expect(tagged.registration).toEqual(['bruteforce']);
  });
});
