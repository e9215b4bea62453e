import {
  at,
  describeAlert,
  event,
  events,
  minutesAgo,
  negative,
  positive,
  runAlertCase,
  secondsAgo,
  type Timestamp,
} from '@alertkit/harness';
import { describe, expect, it } from 'vitest';
import { alert } from '../src/index.js';

// MozDef has no test for this alert: these cases are written from the catalogue
// (spec/mozdef-alerts.md A9). A failed Duo authentication of bob on the OpenVPN integration.
const suite = {
  defaultEvent: {
    _source: {
      category: 'event',
      source: 'duosecurity',
      summary: 'authentication FAILURE for bob@example.com',
      tags: ['duosecurity'],
      details: {
        integration: 'global and external openvpn',
        result: 'FAILURE',
        username: 'bob@example.com',
        ip: '1.2.3.4',
        factor: 'duo_push',
      },
    },
  },
  defaultAlert: {
    category: 'openvpn',
    tags: ['vpn', 'auth', 'duo'],
    severity: 'NOTICE',
    summary: '5 openvpn authentication attempts by bob@example.com 1.2.3.4 (5 hits)',
  },
};

const timed = (time: Timestamp) => ({ utctimestamp: time, receivedtimestamp: time });
const fromIp = (ip: string) => event({ details: { ip } });

const cases = [
  positive('5 failures of one user alert', events({}, 5)),
  negative('4 failures of one user do not (threshold 5)', events({}, 4)),
  negative('5 failures spread over two users do not', [
    ...events({}, 3),
    ...events({ details: { username: 'eve@example.com' } }, 2),
  ]),
  negative("category must be 'event'", events({ category: 'authentication' }, 5)),
  positive("'duosecurity' among other tags is enough", events({ tags: ['duosecurity', 'vpn'] }, 5)),
  negative("tags must contain 'duosecurity'", events({ tags: ['duo'] }, 5)),
  negative(
    'another Duo integration does not count',
    events({ details: { integration: 'global and external ssh' } }, 5),
  ),
  negative(
    "details.integration is the whole value ('global and external openvpn 2')",
    events({ details: { integration: 'global and external openvpn 2' } }, 5),
  ),
  negative(
    "details.result is exact: 'failure' (lower case) is another value",
    events({ details: { result: 'failure' } }, 5),
  ),
  negative('successes do not count', events({ details: { result: 'SUCCESS' } }, 5)),
  negative(
    'events without details.username have nothing to group by',
    events({ details: { username: null } }, 5),
  ),
  positive('exactly at the window edge (2 minutes ago) is in', events(timed(at('-2m')), 5)),
  negative('one second outside the window is out', events(timed(secondsAgo(121)), 5)),
  negative('old failures do not count', events(timed(minutesAgo(3)), 5)),
  negative(
    'events already used by this alert do not count again',
    events({ alert_names: ['AlertManyVPNDuoAuthFailures'] }, 5),
  ),
  positive(
    'the summary lists each address with its hits, most first, ties first seen',
    [fromIp('5.5.5.5'), fromIp('6.6.6.6'), fromIp('6.6.6.6'), fromIp('7.7.7.7'), fromIp('5.5.5.5')],
    {
      summary:
        '5 openvpn authentication attempts by bob@example.com 5.5.5.5 (2 hits) 6.6.6.6 (2 hits) 7.7.7.7 (1 hits)',
    },
  ),
];

describeAlert(alert, { ...suite, cases });

describe('samples and the address list', () => {
  it('7 failures from 7 addresses: the alert carries 5, lists 5 addresses, tags all 7', async () => {
    const ips = Array.from({ length: 7 }, (_, i) => `10.0.0.${i + 1}`);
    const run = await runAlertCase(
      alert,
      { ...suite, numSamples: 5 },
      positive('7 failures', ips.map(fromIp), {
        summary: `7 openvpn authentication attempts by bob@example.com ${ips
          .slice(0, 5)
          .map((ip) => `${ip} (1 hits)`)
          .join(' ')}`,
      }),
    );
    const stored = await run.store.getEvents(
      run.events.map(({ _index, _id }) => ({ _index, _id })),
    );
    expect(stored).toHaveLength(7);
    for (const tagged of stored)
      expect(tagged._source.alert_names).toEqual(['AlertManyVPNDuoAuthFailures']);
  });
});
