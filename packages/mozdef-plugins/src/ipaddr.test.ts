import { describe, expect, it } from 'vitest';
import { composePlugins, configurePlugin } from '@alertkit/runner';
import { ipaddrPlugin } from './ipaddr.js';
import { alertWith, eventWith, NOW, runPlugin } from './plugins.testkit.js';

const withDetails = (details: Record<string, string | number>) =>
  alertWith({ events: [eventWith({ details })] });

// MozDef has no tests for this plugin: one per branch of its onMessage.
describe('ipaddr', () => {
  it('copies an IPv4 source and destination into the alert details', async () => {
    const out = await runPlugin(
      ipaddrPlugin,
      withDetails({ sourceipaddress: '10.1.2.3', destinationipaddress: '192.168.0.9' }),
    );
    expect(out?.['details']).toEqual({
      sourceipaddress: '10.1.2.3',
      sourceipv4address: '10.1.2.3',
      destinationipaddress: '192.168.0.9',
      destinationipv4address: '192.168.0.9',
    });
    expect(out).not.toHaveProperty('errors');
  });

  it('moves an IPv6 source onto the event, sets 0.0.0.0 and notes an error', async () => {
    const out = await runPlugin(ipaddrPlugin, withDetails({ sourceipaddress: '2001:db8::1' }));
    expect(out?.['details']).toEqual({ sourceipaddress: '0.0.0.0' });
    expect(out?.events[0]?.documentsource['details']).toMatchObject({
      sourceipv6address: '2001:db8::1',
    });
    expect(out?.['errors']).toEqual(['plugin: ipFixUp.py error: sourceipaddress is ipv6, moved']);
  });

  it('moves an IPv6 destination to details.destinationipv6address', async () => {
    const out = await runPlugin(ipaddrPlugin, withDetails({ destinationipaddress: 'fe80::1' }));
    expect(out?.['details']).toEqual({
      destinationipv6address: 'fe80::1',
      destinationipaddress: '0.0.0.0',
    });
    expect(out?.['errors']).toEqual([
      'plugin: ipFixUp.py error: destinationipaddress is ipv6, moved',
    ]);
  });

  it('keeps a non-address (a host name, "-", a number) as source/destination with a null address', async () => {
    const out = await runPlugin(
      ipaddrPlugin,
      withDetails({ sourceipaddress: 'host.example.com', destinationipaddress: '-' }),
    );
    expect(out?.['details']).toEqual({
      source: 'host.example.com',
      sourceipaddress: null,
      destination: '-',
      destinationipaddress: null,
    });
    // Short IPv4 forms are not addresses (netaddr's inet_pton rules).
    const short = await runPlugin(ipaddrPlugin, withDetails({ sourceipaddress: '127.1' }));
    expect(short?.['details']).toEqual({ source: '127.1', sourceipaddress: null });
    const number = await runPlugin(ipaddrPlugin, withDetails({ sourceipaddress: 42 }));
    expect(number?.['details']).toEqual({ source: 42, sourceipaddress: null });
  });

  it('takes the first X-Forwarded-For entry unless the event has the field itself', async () => {
    const forwarded = await runPlugin(
      ipaddrPlugin,
      withDetails({ http_x_forwarded_for: '1.2.3.4,10.0.0.1' }),
    );
    expect(forwarded?.['details']).toEqual({
      sourceipaddress: '1.2.3.4',
      sourceipv4address: '1.2.3.4',
    });
    const overridden = await runPlugin(
      ipaddrPlugin,
      withDetails({ http_x_forwarded_for: '1.2.3.4', sourceipaddress: '5.6.7.8' }),
    );
    expect(overridden?.['details']).toEqual({
      sourceipaddress: '5.6.7.8',
      sourceipv4address: '5.6.7.8',
    });
    const v6 = await runPlugin(ipaddrPlugin, withDetails({ http_x_forwarded_for: '2001:db8::2' }));
    expect(v6?.['details']).toEqual({ sourceipv6address: '2001:db8::2' });
  });

  it('lets an IPv4 cluster_client_ip win over the source address', async () => {
    const out = await runPlugin(
      ipaddrPlugin,
      withDetails({ sourceipaddress: '5.6.7.8', cluster_client_ip: '9.9.9.9' }),
    );
    expect(out?.['details']).toMatchObject({ sourceipaddress: '9.9.9.9' });
    const ignored = await runPlugin(
      ipaddrPlugin,
      withDetails({ sourceipaddress: '5.6.7.8', cluster_client_ip: 'nope' }),
    );
    expect(ignored?.['details']).toMatchObject({ sourceipaddress: '5.6.7.8' });
  });

  it('leaves alerts without a first event source alone, and a non-list errors field too', async () => {
    const empty = alertWith();
    expect(await runPlugin(ipaddrPlugin, empty)).toEqual(empty);
    const noDetails = alertWith({ events: [eventWith({ hostname: 'h' })] });
    expect(await runPlugin(ipaddrPlugin, noDetails)).toEqual(noDetails);
    const errors = alertWith({
      errors: 'kept',
      events: [eventWith({ details: { sourceipaddress: '::1' } })],
    });
    expect((await runPlugin(ipaddrPlugin, errors))?.['errors']).toBe('kept');
  });

  it('runs first (priority 1), so later plugins see its fields', async () => {
    const seen: unknown[] = [];
    const chain = composePlugins([
      configurePlugin({
        name: 'reader',
        onAlert: (a) => {
          seen.push(a['details']);
          return a;
        },
      }),
      configurePlugin(ipaddrPlugin),
    ]);
    await chain(withDetails({ sourceipaddress: '10.0.0.1' }), { now: NOW, alertId: 'a' });
    expect(seen).toEqual([{ sourceipaddress: '10.0.0.1', sourceipv4address: '10.0.0.1' }]);
  });
});
