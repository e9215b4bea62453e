import { resolveAlertConfig } from '@alertkit/core';
import {
  at,
  describeAlert,
  event,
  events,
  minutesAgo,
  negative,
  positive,
  runAlertCase,
} from '@alertkit/harness';
import { describe, expect, it } from 'vitest';
import { alert, isNetaddrIpAddress } from '../src/index.js';

// MozDef's tests/alerts/test_proxy_drop_ip.py: squid denied 1.2.3.4 a request to the bare IP 1.2.3.5.
const defaultEvent = {
  _source: {
    category: 'proxy',
    details: { sourceipaddress: '1.2.3.4', host: '1.2.3.5', proxyaction: 'TCP_DENIED' },
  },
};
const withHost = (host: string | null) => event(defaultEvent, { details: { host } });

const summary = (hosts: string, source = '1.2.3.4') =>
  `Suspicious Proxy DROP event(s) detected from ${source} to the following IP-based destination(s): ${hosts}`;

const defaultAlert = {
  category: 'squid',
  tags: ['squid', 'proxy'],
  severity: 'WARNING',
  summary: summary('1.2.3.5'),
};
const old = { utctimestamp: minutesAgo(241), receivedtimestamp: minutesAgo(241) };

describeAlert(alert, {
  defaultEvent,
  defaultAlert,
  cases: [
    // MozDef's cases (mozdef-cases/proxy_drop_ip.json).
    positive('Positive test with default events and default alert expected', events({}, 1)),
    positive('Positive test with default events and default alert expected - dedup', events({}, 2)),
    negative('Negative test with default negative event', events(withHost('idonotexist.com'), 10)),
    negative('Negative test with default negative event', events(withHost('169.254.169.254'), 10)),
    negative(
      'Negative test with a negative event for an FQDN with starting with a number',
      events(withHost('1.idonotexist.com'), 10),
    ),
    negative(
      'Negative test case with events with incorrect category',
      events({ category: 'bad' }, 10),
    ),
    negative('Negative test case with old timestamp', events(old, 10)),

    // must category proxy
    negative('a squid event not categorised as proxy does not alert', [
      event({ category: 'squid' }),
    ]),
    // must details.proxyaction TCP_DENIED (exact)
    negative('an allowed request (TCP_MISS) does not alert', [
      event({ details: { proxyaction: 'TCP_MISS' } }),
    ]),
    // must details.host: /[0-9a-fA-F]{1,4}.*/ (starts with a hex digit), then netaddr decides
    positive('an IPv6 destination alerts', [withHost('2001:db8::1')], {
      summary: summary('2001:db8::1'),
    }),
    positive('netaddr takes the short form 127.1 as an address', [withHost('127.1')], {
      summary: summary('127.1'),
    }),
    positive('netaddr takes a bare number as an address', [withHost('1234')], {
      summary: summary('1234'),
    }),
    positive('netaddr takes hex parts as an address', [withHost('0x7f.1')], {
      summary: summary('0x7f.1'),
    }),
    negative('::1 is an address but does not start with a hex digit (the query never sees it)', [
      withHost('::1'),
    ]),
    negative('an octet above 255 is not an address', [withHost('1.2.3.256')]),
    negative('a CIDR is not an address (netaddr refuses "/")', [withHost('10.0.0.0/8')]),
    negative('an IPv6 zone id is not an address', [withHost('fe80::1%eth0')]),
    negative('no host does not alert', [withHost(null)]),
    // must_not details.host per ip_whitelist entry (exact)
    negative('the whitelisted metadata address does not alert', [withHost('169.254.169.254')]),
    positive('a neighbour of the whitelisted address alerts', [withHost('169.254.169.253')], {
      summary: summary('169.254.169.253'),
    }),
    // aggregation on details.sourceipaddress (must exist)
    negative('no source address does not alert', [event({ details: { sourceipaddress: null } })]),
    // window: 20 minutes, utctimestamp OR receivedtimestamp, both edges inclusive
    positive(
      'exactly 20 minutes old is inside the window',
      events({ utctimestamp: minutesAgo(20), receivedtimestamp: minutesAgo(20) }, 1),
    ),
    negative(
      '20 minutes and 1 second old is outside the window',
      events({ utctimestamp: at('-20m1s'), receivedtimestamp: at('-20m1s') }, 1),
    ),
    positive(
      'an old utctimestamp with a recent receivedtimestamp is inside',
      events({ utctimestamp: minutesAgo(241), receivedtimestamp: minutesAgo(1) }, 1),
    ),
    // threshold 1
    negative('no events, no alert', []),
    // de-duplication
    negative(
      'events already in an AlertProxyDropIP alert do not alert again',
      events({ alert_names: ['AlertProxyDropIP'] }, 2),
    ),
    // MozDef puts EVERY kept event in the alert, not only the 10 samples (§8.15, KEEP)
    positive('11 IP events: the alert carries all 11', events({}, 11)),
    positive(
      'different IP destinations are listed sorted',
      [withHost('9.9.9.9'), withHost('10.0.0.1'), withHost('9.9.9.9')],
      {
        summary: summary('10.0.0.1,9.9.9.9'),
      },
    ),
  ],
});

// A group mixing an IP destination and a host name: only the IP event is in the alert.
const mixedSuite = { defaultEvent, defaultAlert, numSamples: 1 };
const mixed = positive('an IP and an FQDN destination from one source: only the IP is reported', [
  withHost('1.example.com'),
  withHost('1.2.3.5'),
]);
describeAlert(alert, { ...mixedSuite, cases: [mixed] });

describe('alert proxy-drop-ip, beyond the harness cases', () => {
  it('tags every event of the group, also the over-matched FQDN one (MozDef tags the group)', async () => {
    const run = await runAlertCase(alert, mixedSuite, mixed);
    const tagged = await run.store.getEvents(
      run.events.map(({ _index, _id }) => ({ _index, _id })),
    );
    expect(tagged.map((e) => e._source.alert_names)).toEqual([
      ['AlertProxyDropIP'],
      ['AlertProxyDropIP'],
    ]);
  });

  it.each([
    '1.2.3.4',
    '127.1',
    '1.2.3',
    '1234',
    '4294967295',
    '0x7f.0.0.1',
    '0177.0.0.1',
    '1.2.3.4 trailing',
    '1.2.3.4\t',
    '::',
    '2001:db8::1',
    '::ffff:1.2.3.4',
    '1:2:3:4:5:6:7:8',
    'ABCD::EF',
  ])('netaddr 0.7 takes %j as an IP address', (host) =>
    expect(isNetaddrIpAddress(host)).toBe(true),
  );

  it.each([
    '',
    '1.idonotexist.com',
    '4294967296',
    '1.2.3.4.5',
    '1.2.3.256',
    '256.1.2.3',
    '1.2.65536',
    '08.1.1.1',
    '0x',
    '1.2.3.4x',
    ' 1.2.3.4',
    '1.2.3.0/24',
    '1:2:3:4:5:6:7:8:9',
    '1::2::3',
    '12345::1',
    ':1::',
    '1:',
    '::ffff:01.2.3.4',
    'fe80::1%eth0',
    '1.2.3.4\0',
  ])('netaddr 0.7 refuses %j', (host) => expect(isNetaddrIpAddress(host)).toBe(false));

  it('takes only strings as addresses', () => expect(isNetaddrIpAddress(1234)).toBe(false));

  it('defaults to MozDef whitelist and validates it', () => {
    expect(resolveAlertConfig(alert, {})).toEqual({ ipWhitelist: ['169.254.169.254'] });
    expect(() => resolveAlertConfig(alert, { ipWhitelist: '169.254.169.254' })).toThrow(
      /ipWhitelist: expected a list of hosts/,
    );
    expect(() => resolveAlertConfig(alert, { ipWhitelist: ['10.0.0.1', ''] })).toThrow(
      /ipWhitelist\.1: expected a host/,
    );
    expect(resolveAlertConfig(alert, { ipWhitelist: [] })).toEqual({ ipWhitelist: [] });
    expect(() => resolveAlertConfig(alert, { ip_whitelist: [] })).toThrow(
      /ip_whitelist: unknown key/,
    );
  });
});

// The whitelist comes from config.
describeAlert(alert, {
  defaultEvent,
  defaultAlert: { ...defaultAlert, summary: summary('169.254.169.254') },
  config: { ipWhitelist: ['1.2.3.5', '10.0.0.1'] },
  cases: [
    negative('a configured whitelisted host does not alert', events({}, 1)),
    negative('the second configured host does not alert either', [withHost('10.0.0.1')]),
    positive('169.254.169.254 alerts once it is off the list', [withHost('169.254.169.254')]),
  ],
});
