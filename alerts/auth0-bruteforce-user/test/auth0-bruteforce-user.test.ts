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

// MozDef's tests/alerts/test_auth0_bruteforce_user.py: a wrong-password Auth0 login for foo@mozilla.com.
const suite: AlertSuiteOptions = {
  defaultEvent: {
    _source: {
      category: 'authentication',
      severity: 'ERROR',
      summary: 'Failed Login (wrong password) Wrong email or password. by foo@mozilla.com',
      tags: ['auth0'],
      details: {
        sourceipaddress: '1.1.1.1',
        connection: 'Mozilla-LDAP',
        description: 'Wrong email or password.',
        eventname: 'Failed Login (wrong password)',
        success: false,
        useragent: 'Firefox 80.0.0 / Windows 10.0.0',
        userid: 'ad|foo',
        username: 'foo@mozilla.com',
      },
    },
  },
  defaultAlert: {
    category: 'bruteforce',
    tags: ['auth0'],
    severity: 'WARNING',
    summary:
      'Auth0 Username/Password Bruteforce Attack in Progress against user (foo@mozilla.com) from the following source ip(s): 1.1.1.1',
  },
};

const timed = (time: Timestamp) => ({ utctimestamp: time, receivedtimestamp: time });
const from = (address: string | null) => ({ details: { sourceipaddress: address } });
const summaryFor = (addresses: string) =>
  `Auth0 Username/Password Bruteforce Attack in Progress against user (foo@mozilla.com) from the following source ip(s): ${addresses}`;

// Every case of MozDef's test (2 positive, 3 negative).
const mozdefCases = [
  positive('Positive test with default events and default alert expected', events({}, 10)),
  positive('Positive test with default events and default alert expected - dedup', events({}, 2)),
  negative(
    'Negative test with default negative event',
    events({ details: { eventname: 'Success Login' } }, 10),
  ),
  negative('Negative test case with events with incorrect tags', events({ tags: ['bad'] }, 10)),
  negative('Negative test case with old timestamp', events(timed(minutesAgo(241)), 10)),
];

// One positive and one negative case per criterion, window edge and threshold (MozDef's threshold is 1).
const criterionCases = [
  positive('one failed login reaches the threshold of 1', [event({})]),
  negative('no failed login, no alert', events({ details: { eventname: 'Success Login' } }, 1)),
  positive("'auth0' among other tags is enough", events({ tags: ['auth0', 'login'] }, 2)),
  negative(
    "details.eventname is exact and case-sensitive ('failed login (wrong password)')",
    events({ details: { eventname: 'failed login (wrong password)' } }, 2),
  ),
  negative('an empty details.username is left out', events({ details: { username: '' } }, 2)),
  negative(
    'events without details.username are left out (nothing to group by)',
    events({ details: { username: null } }, 2),
  ),
  positive('exactly at the window edge (60 minutes ago) is in', events(timed(at('-60m')), 2)),
  negative('one second outside the window is out', events(timed(at('-60m1s')), 2)),
  negative(
    'events already used by this alert do not count again',
    events({ alert_names: ['AlertAuth0BruteforceUser'] }, 2),
  ),
  positive(
    'addresses are listed once each, sorted as text',
    [
      event(from('9.9.9.9')),
      event(from('10.0.0.2')),
      event(from('1.1.1.1')),
      event(from('9.9.9.9')),
    ],
    { summary: summaryFor('1.1.1.1, 10.0.0.2, 9.9.9.9') },
  ),
  positive(
    "10 distinct addresses are all listed and MozDef's '...' follows",
    Array.from({ length: 10 }, (_, i) => event(from(`10.0.0.${i}`))),
    { summary: summaryFor(Array.from({ length: 10 }, (_, i) => `10.0.0.${i}`).join(', ') + '...') },
  ),
  positive(
    '9 distinct addresses: no "..."',
    Array.from({ length: 9 }, (_, i) => event(from(`10.0.0.${i}`))),
    {
      summary: summaryFor(Array.from({ length: 9 }, (_, i) => `10.0.0.${i}`).join(', ')),
    },
  ),
  positive('an event without an address adds none to the list', [
    event(from('1.1.1.1')),
    event(from(null)),
  ]),
];

describeAlert(alert, { ...suite, cases: [...mozdefCases, ...criterionCases] });

describe('config', () => {
  describe('thresholdCount 3', () => {
    describeAlert(alert, {
      ...suite,
      config: { thresholdCount: 3 },
      cases: [
        positive('3 failed logins alert', events({}, 3)),
        negative('2 failed logins do not', events({}, 2)),
      ],
    });
  });
  describe('searchDepthMin 5', () => {
    describeAlert(alert, {
      ...suite,
      config: { searchDepthMin: 5 },
      cases: [
        positive('5 minutes ago is in', events(timed(minutesAgo(5)), 2)),
        negative('6 minutes ago is out', events(timed(minutesAgo(6)), 2)),
      ],
    });
  });
  describe('severity CRITICAL', () => {
    describeAlert(alert, {
      ...suite,
      config: { severity: 'CRITICAL' },
      defaultAlert: { ...suite.defaultAlert, severity: 'CRITICAL' },
      cases: [positive('the alert has the configured severity', events({}, 2))],
    });
  });

  it("defaults to MozDef's auth0_bruteforce_user.conf and validates overrides", () => {
    expect(resolveAlertConfig(alert, {})).toEqual({
      thresholdCount: 1,
      searchDepthMin: 60,
      severity: 'WARNING',
    });
    expect(() => resolveAlertConfig(alert, { severity: 'warning' })).toThrow(
      /severity: Invalid option: expected one of "DEBUG"\|"INFO"\|"NOTICE"\|"WARNING"\|"ERROR"\|"CRITICAL"\|"ALERT"\|"EMERGENCY"/,
    );
    expect(() => resolveAlertConfig(alert, { thresholdCount: 0 })).toThrow(
      /thresholdCount: Too small: expected number to be >=1/,
    );
    expect(() => resolveAlertConfig(alert, { thresholdCount: 2.5 })).toThrow(
      /thresholdCount: Invalid input: expected int, received number/,
    );
    expect(() => resolveAlertConfig(alert, { searchDepthMin: '60' })).toThrow(
      /searchDepthMin: Invalid input: expected number, received string/,
    );
    expect(() => resolveAlertConfig(alert, { threshold_count: 2 })).toThrow(
      /threshold_count: unknown key/,
    );
  });
});

describe('samples', () => {
  it('11 failed logins from 11 addresses: the alert carries 10, lists 10 addresses, tags all 11', async () => {
    const addresses = Array.from({ length: 11 }, (_, i) => `10.0.0.${i + 10}`);
    const run = await runAlertCase(
      alert,
      { ...suite, numSamples: 10 },
      positive(
        '11 addresses',
        addresses.map((address) => event(from(address))),
        {
          summary: summaryFor(addresses.slice(0, 10).join(', ') + '...'),
        },
      ),
    );
    const stored = await run.store.getEvents(
      run.events.map(({ _index, _id }) => ({ _index, _id })),
    );
    expect(stored).toHaveLength(11);
    for (const tagged of stored)
      expect(tagged._source.alert_names).toEqual(['AlertAuth0BruteforceUser']);
  });
});
