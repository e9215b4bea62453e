import { describe, expect, it } from 'vitest';
import { commaEqDict, dhcpAssignmentPlugin } from './dhcp_assignment.js';
import { alertWith, eventWith, hoursAgo, runPlugin, storeWith } from './plugins.testkit.js';

const lease = (ip: string, mac: string, ts: number, hours = 1) => ({
  utctimestamp: hoursAgo(hours),
  source: 'dhcp',
  details: { assigned_addr: ip, mac, ts },
});
const owner = (mac: string, summary: string, hours = 1) => ({
  utctimestamp: hoursAgo(hours),
  receivedtimestamp: hoursAgo(hours),
  source: 'local1',
  summary: `${summary},mac=${mac}`,
});

const scan = () =>
  alertWith({
    summary: 'prefix',
    tags: ['portscan'],
    events: [eventWith({ details: { sourceipaddress: '1.2.3.4' } })],
    details: { something: 'original' },
  });

describe('dhcp_assignment', () => {
  it("MozDef's test_alert_enriched: MAC from the lease, user from the owner event", async () => {
    const store = storeWith([
      lease('1.2.3.4', 'deadbeef', 1),
      owner('deadbeef', 'test=a string,user_name=tester@mozilla.com,o=32'),
    ]);
    const enriched = await runPlugin(dhcpAssignmentPlugin, scan(), { store });
    expect(enriched?.['details']).toEqual({
      something: 'original',
      ipassignment: { mac: 'deadbeef', user: 'tester@mozilla.com' },
      username: 'tester@mozilla.com',
    });
    expect(enriched?.summary).toBe('prefix; IP assigned to tester@mozilla.com (deadbeef)');
  });

  it('takes the newest lease (by details.ts) and the newest owner event (by receivedtimestamp)', async () => {
    const store = storeWith([
      lease('1.2.3.4', 'aa11', 5),
      lease('1.2.3.4', 'bb22', 9),
      lease('1.2.3.4', 'cc33', 7),
      lease('9.9.9.9', 'dd44', 99),
      owner('bb22', 'user_name=old', 3),
      owner('bb22', 'user_name=new', 2),
    ]);
    const out = await runPlugin(dhcpAssignmentPlugin, scan(), { store });
    expect(out?.['details']).toMatchObject({ ipassignment: { mac: 'bb22', user: 'new' } });
  });

  it('keeps to the 48-hour window MozDef configured but never applied', async () => {
    const store = storeWith([
      lease('1.2.3.4', 'inside', 1, 47),
      lease('1.2.3.4', 'outside', 2, 49),
      owner('inside', 'user_name=in', 10),
      owner('outside', 'user_name=out', 1),
    ]);
    const out = await runPlugin(dhcpAssignmentPlugin, scan(), { store });
    expect(out?.['details']).toMatchObject({ ipassignment: { mac: 'inside', user: 'in' } });
    const narrow = await runPlugin(dhcpAssignmentPlugin, scan(), {
      store,
      config: { search_window_hours: 5 },
    });
    // The lease is in the window but its owner event is not.
    expect(narrow).toEqual(scan());
  });

  it('says "(no user found)" when the owner event names no user, and sets no username', async () => {
    const store = storeWith([lease('1.2.3.4', 'deadbeef', 1), owner('deadbeef', 'a=b,c=d')]);
    const out = await runPlugin(dhcpAssignmentPlugin, scan(), { store });
    expect(out?.['details']).toEqual({
      something: 'original',
      ipassignment: { mac: 'deadbeef', user: '(no user found)' },
    });
    expect(out?.summary).toBe('prefix; IP assigned to (no user found) (deadbeef)');
  });

  it('leaves the alert alone without a lease, without an owner event or without a source address', async () => {
    expect(await runPlugin(dhcpAssignmentPlugin, scan(), { store: storeWith([]) })).toEqual(scan());
    const noOwner = storeWith([lease('1.2.3.4', 'deadbeef', 1)]);
    expect(await runPlugin(dhcpAssignmentPlugin, scan(), { store: noOwner })).toEqual(scan());
    const noIp = alertWith({ tags: ['portscan'] });
    expect(await runPlugin(dhcpAssignmentPlugin, noIp, { store: noOwner })).toEqual(noIp);
  });

  it('parses a=b,x=y z summaries', () => {
    expect(commaEqDict('test=a string,user_name=tester@mozilla.com,o=32,junk')).toEqual({
      test: 'a string',
      user_name: 'tester@mozilla.com',
      o: '32',
    });
  });
});
