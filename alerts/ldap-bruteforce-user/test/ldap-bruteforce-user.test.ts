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
  type AlertSuiteOptions,
  type Timestamp,
} from '@alertkit/harness';
import { describe, expect, it } from 'vitest';
import { alert } from '../src/index.js';

// MozDef's tests/alerts/test_ldap_bruteforce_user.py: a failed LDAP bind of jsmith@example.com.
const suite: AlertSuiteOptions = {
  defaultEvent: {
    _source: {
      category: 'ldap',
      details: {
        client: '1.2.3.4',
        requests: [
          { verb: 'BIND', details: ['method=128dn="mail=jsmith@example.com,o=com,dc=example"'] },
        ],
        server: 'ldap.example.com',
        user: 'jsmith@example.com',
        response: { error: 'LDAP_INVALID_CREDENTIALS' },
      },
    },
  },
  defaultAlert: {
    category: 'bruteforce',
    tags: ['ldap'],
    severity: 'WARNING',
    summary:
      'LDAP Bruteforce Attack in Progress against user (jsmith@example.com) from the following source ip(s): 1.2.3.4',
  },
};

const timed = (time: Timestamp) => ({ utctimestamp: time, receivedtimestamp: time });
const fromClient = (client: string | null) => event({ details: { client } });
const summaryFor = (clients: string) =>
  `LDAP Bruteforce Attack in Progress against user (jsmith@example.com) from the following source ip(s): ${clients}`;
const clients = (n: number, first = 0) =>
  Array.from({ length: n }, (_, i) => `10.0.0.${first + i}`);

// Every case of MozDef's test (2 positive, 3 negative).
const mozdefCases = [
  positive('Positive test with default events and default alert expected', events({}, 10)),
  positive('Positive test with default events and default alert expected - dedup', events({}, 2)),
  negative(
    'Negative test with default negative event',
    events({ details: { response: { error: 'LDAP_SUCCESS' } } }, 10),
  ),
  negative(
    'Negative test case with events with incorrect category',
    events({ category: 'bad' }, 10),
  ),
  negative('Negative test case with old timestamp', events(timed(minutesAgo(241)), 10)),
];

// One positive and one negative case per criterion, window edge and threshold (MozDef's threshold is 1).
const criterionCases = [
  positive('one failed bind reaches the threshold of 1', [event({})]),
  negative(
    "details.response.error is exact and case-sensitive ('ldap_invalid_credentials')",
    events({ details: { response: { error: 'ldap_invalid_credentials' } } }, 2),
  ),
  negative('an empty details.user is left out', events({ details: { user: '' } }, 2)),
  negative(
    'events without details.user have nothing to group by',
    events({ details: { user: null } }, 2),
  ),
  negative(
    'failures on the excluded server foo.example.com do not count',
    events({ details: { server: 'foo.example.com' } }, 2),
  ),
  negative(
    'failures on the excluded server bar.example.com do not count',
    events({ details: { server: 'bar.example.com' } }, 2),
  ),
  positive(
    'an exclusion is the exact server name (foo.example.com.evil counts)',
    events({ details: { server: 'foo.example.com.evil' } }, 2),
  ),
  positive('exactly at the window edge (60 minutes ago) is in', events(timed(at('-60m')), 2)),
  negative('one second outside the window is out', events(timed(at('-60m1s')), 2)),
  negative(
    'events already used by this alert do not count again',
    events({ alert_names: ['AlertLdapBruteforceUser'] }, 2),
  ),
  positive(
    'clients are listed once each, sorted as text',
    [fromClient('9.9.9.9'), fromClient('10.0.0.2'), fromClient('9.9.9.9')],
    {
      summary: summaryFor('10.0.0.2, 9.9.9.9'),
    },
  ),
  positive(
    "10 distinct clients are all listed and MozDef's '...' follows",
    clients(10).map(fromClient),
    { summary: summaryFor(clients(10).join(', ') + '...') },
  ),
  positive('9 distinct clients: no "..."', clients(9).map(fromClient), {
    summary: summaryFor(clients(9).join(', ')),
  }),
  positive('an event without a client adds none to the list', [
    fromClient('1.2.3.4'),
    fromClient(null),
  ]),
];

describeAlert(alert, { ...suite, cases: [...mozdefCases, ...criterionCases] });

describe('config', () => {
  describe('thresholdCount 3, searchDepthMin 5', () => {
    describeAlert(alert, {
      ...suite,
      config: { thresholdCount: 3, searchDepthMin: 5 },
      cases: [
        positive('3 failed binds in 5 minutes alert', events(timed(minutesAgo(5)), 3)),
        negative('2 failed binds do not', events({}, 2)),
        negative('6 minutes ago is out', events(timed(minutesAgo(6)), 3)),
      ],
    });
  });
  describe('no host exclusions', () => {
    describeAlert(alert, {
      ...suite,
      config: { hostExclusions: [] },
      cases: [
        positive(
          'failures on foo.example.com count',
          events({ details: { server: 'foo.example.com' } }, 2),
        ),
      ],
    });
  });

  it("defaults to MozDef's ldap_bruteforce_user.conf and validates overrides", () => {
    expect(resolveAlertConfig(alert, {})).toEqual({
      thresholdCount: 1,
      searchDepthMin: 60,
      hostExclusions: ['foo.example.com', 'bar.example.com'],
    });
    expect(() =>
      resolveAlertConfig(alert, { hostExclusions: 'foo.example.com,bar.example.com' }),
    ).toThrow(/hostExclusions: Invalid input: expected array, received string/);
    expect(() => resolveAlertConfig(alert, { hostExclusions: [''] })).toThrow(
      /hostExclusions\.0: must be a non-empty string/,
    );
    expect(() => resolveAlertConfig(alert, { thresholdCount: -1 })).toThrow(
      /thresholdCount: Too small: expected number to be >=1/,
    );
    expect(() => resolveAlertConfig(alert, { searchDepthMin: 1.5 })).toThrow(
      /searchDepthMin: Invalid input: expected int, received number/,
    );
    expect(() => resolveAlertConfig(alert, { host_exclusions: [] })).toThrow(
      /host_exclusions: unknown key/,
    );
  });
});

describe('samples', () => {
  it('11 failed binds from 11 clients: the alert carries 10, lists 10 clients, tags all 11', async () => {
    const eleven = clients(11, 10);
    const run = await runAlertCase(
      alert,
      { ...suite, numSamples: 10 },
      positive('11 clients', eleven.map(fromClient), {
        summary: summaryFor(eleven.slice(0, 10).join(', ') + '...'),
      }),
    );
    const stored = await run.store.getEvents(
      run.events.map(({ _index, _id }) => ({ _index, _id })),
    );
    expect(stored).toHaveLength(11);
    for (const tagged of stored)
      expect(tagged._source.alert_names).toEqual(['AlertLdapBruteforceUser']);
  });
});
