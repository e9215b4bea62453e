import { describe, expect, it } from 'vitest';
import { vpnAssignmentConfig, vpnAssignmentPlugin } from './vpn_assignment.js';
import { alertWith, hoursAgo, runPlugin, storeWith } from './plugins.testkit.js';

const connect = (vpnip: string, username: string, originalip: string, hours: number) => ({
  utctimestamp: hoursAgo(hours),
  tags: ['vpn', 'netfilter'],
  summary: `${username} netfilter add upon connection`,
  details: { success: true, vpnip, username, sourceipaddress: originalip },
});

const alert = () =>
  alertWith({
    summary: 'test summary',
    details: { something: 'original', sourceipaddress: '10.48.123.13' },
  });

const vpnCidrs = ['123.11.0.0/16', '10.48.0.0/16'];

describe('vpn_assignment', () => {
  it("MozDef's test_alert_enriched: who held the VPN address and from where", async () => {
    const store = storeWith([connect('10.48.123.13', 'tester@mozilla.com', '1.2.3.4', 0.1)]);
    const enriched = await runPlugin(vpnAssignmentPlugin, alert(), {
      store,
      config: { vpn_ip_cidrs: vpnCidrs },
    });
    expect(enriched?.['details']).toMatchObject({
      something: 'original',
      vpnassignment: { username: 'tester@mozilla.com', originalip: '1.2.3.4' },
    });
  });

  it("MozDef's test_not_vpn_ip: an address outside the VPN ranges is not looked up", async () => {
    const store = storeWith([connect('10.48.123.13', 'tester@mozilla.com', '1.2.3.4', 0.1)]);
    const out = await runPlugin(vpnAssignmentPlugin, alert(), {
      store,
      config: { vpn_ip_cidrs: ['123.11.0.0/16'] },
    });
    expect(out).toEqual(alert());
    // The default (MozDef's file): no ranges, so never.
    expect(await runPlugin(vpnAssignmentPlugin, alert(), { store })).toEqual(alert());
  });

  it('takes the newest matching connection within the 6-hour window MozDef never applied', async () => {
    const store = storeWith([
      connect('10.48.123.13', 'older', '1.1.1.1', 3),
      connect('10.48.123.13', 'newest', '2.2.2.2', 1),
      connect('10.48.123.13', 'too-old', '3.3.3.3', 7),
      connect('10.48.9.9', 'other', '4.4.4.4', 0.5),
      { ...connect('10.48.123.13', 'disconnect', '5.5.5.5', 0.2), summary: 'netfilter del' },
    ]);
    const out = await runPlugin(vpnAssignmentPlugin, alert(), {
      store,
      config: { vpn_ip_cidrs: vpnCidrs },
    });
    expect(out?.['details']).toMatchObject({
      vpnassignment: { username: 'newest', originalip: '2.2.2.2' },
    });
    const oldOnly = storeWith([connect('10.48.123.13', 'too-old', '3.3.3.3', 7)]);
    const none = await runPlugin(vpnAssignmentPlugin, alert(), {
      store: oldOnly,
      config: { vpn_ip_cidrs: vpnCidrs },
    });
    expect(none).toEqual(alert());
  });

  it('leaves alerts without an address (or with a non-address) alone, and refuses bad ranges', async () => {
    const store = storeWith([]);
    const none = alertWith({ details: { sourceipaddress: null } });
    expect(
      await runPlugin(vpnAssignmentPlugin, none, { store, config: { vpn_ip_cidrs: vpnCidrs } }),
    ).toEqual(none);
    const host = alertWith({ details: { sourceipaddress: 'host.example.com' } });
    expect(
      await runPlugin(vpnAssignmentPlugin, host, { store, config: { vpn_ip_cidrs: vpnCidrs } }),
    ).toEqual(host);
    expect(vpnAssignmentConfig.safeParse({ vpn_ip_cidrs: ['10.48.0.0/99'] }).success).toBe(false);
  });
});
