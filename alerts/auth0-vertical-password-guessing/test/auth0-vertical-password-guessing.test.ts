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
  type EventSourceInput,
  type Timestamp,
} from '@alertkit/harness';
import { describe, expect, it } from 'vitest';
import { alert } from '../src/index.js';

// As MozDef's tests/alerts/test_auth0_vertical_password_guessing.py: wrong-password Auth0 logins.
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
      'Auth0 Username/Password Vertical Password Guessing Attack in Progress against 2 users from 1 unique source ip(s)',
  },
};

const timed = (time: Timestamp) => ({ utctimestamp: time, receivedtimestamp: time });
/** A failed login for `username` (null: the field is absent) from `address`. */
const failure = (username: string | null, address = '1.1.1.1', extra: EventSourceInput = {}) =>
  event({ details: { username, sourceipaddress: address } }, extra);
const summary = (users: number, addresses: number) =>
  `Auth0 Username/Password Vertical Password Guessing Attack in Progress against ${users} users from ${addresses} unique source ip(s)`;
/** Failures for foo and bar, with `extra` merged into each. */
const twoUsers = (extra: EventSourceInput = {}) => [
  failure('foo@mozilla.com', '1.1.1.1', extra),
  failure('bar@mozilla.com', '1.1.1.1', extra),
];

// The cases of MozDef's test (2 positive, 4 negative); it has no case file, so they are written
// from the catalogue (spec/mozdef-alerts.md A2).
const mozdefCases = [
  positive('Positive test with default events and default alert expected', [
    ...events({ details: { username: 'foo@mozilla.com' } }, 5),
    ...events({ details: { username: 'bar@mozilla.com' } }, 5),
  ]),
  positive(
    'Positive test with three users from three addresses',
    [
      failure('a@mozilla.com', '1.1.1.1'),
      failure('b@mozilla.com', '2.2.2.2'),
      failure('c@mozilla.com', '3.3.3.3'),
    ],
    { summary: summary(3, 3) },
  ),
  negative(
    'Negative test with default negative event',
    twoUsers({ details: { eventname: 'Success Login' } }),
  ),
  negative('Negative test case with events with incorrect tags', twoUsers({ tags: ['bad'] })),
  negative('Negative test case with old timestamp', twoUsers(timed(minutesAgo(241)))),
  negative('Negative test case with failures against only one user', events({}, 10)),
];

// One positive and one negative case per criterion, window edge and threshold.
const criterionCases = [
  positive("'auth0' among other tags is enough", twoUsers({ tags: ['auth0', 'login'] })),
  negative(
    "details.eventname is exact and case-sensitive ('failed login (wrong password)')",
    twoUsers({ details: { eventname: 'failed login (wrong password)' } }),
  ),
  negative(
    "details.description must be 'Wrong email or password.' (here 'Wrong password.')",
    twoUsers({ details: { description: 'Wrong password.' } }),
  ),
  negative('an empty details.username is left out, leaving one user', [
    failure('foo@mozilla.com'),
    failure(''),
  ]),
  negative('an event without details.username counts no user (one user left)', [
    failure('foo@mozilla.com'),
    failure(null),
  ]),
  positive(
    'the same two users from two addresses',
    [
      failure('foo@mozilla.com', '1.1.1.1'),
      failure('bar@mozilla.com', '2.2.2.2'),
      failure('foo@mozilla.com', '2.2.2.2'),
    ],
    {
      summary: summary(2, 2),
    },
  ),
  positive('exactly at the window edge (60 minutes ago) is in', twoUsers(timed(at('-60m')))),
  negative('one second outside the window is out', twoUsers(timed(at('-60m1s')))),
  negative(
    'events already used by this alert do not count again',
    twoUsers({ alert_names: ['AlertAuth0VerticalPasswordGuessing'] }),
  ),
];

describeAlert(alert, { ...suite, cases: [...mozdefCases, ...criterionCases] });

describe('config', () => {
  describe('thresholdCount 3', () => {
    describeAlert(alert, {
      ...suite,
      config: { thresholdCount: 3 },
      cases: [
        positive('3 failures over 2 users alert', [...twoUsers(), failure('bar@mozilla.com')]),
        negative('2 failures do not', twoUsers()),
      ],
    });
  });
  describe('userCount 3', () => {
    describeAlert(alert, {
      ...suite,
      config: { userCount: 3 },
      cases: [
        positive('3 users alert', [...twoUsers(), failure('baz@mozilla.com')], {
          summary: summary(3, 1),
        }),
        negative('2 users do not', [...twoUsers(), ...twoUsers()]),
      ],
    });
  });
  describe('searchDepthMin 5, severity NOTICE', () => {
    describeAlert(alert, {
      ...suite,
      config: { searchDepthMin: 5, severity: 'NOTICE' },
      defaultAlert: { ...suite.defaultAlert, severity: 'NOTICE' },
      cases: [
        positive(
          '5 minutes ago is in, with the configured severity',
          twoUsers(timed(minutesAgo(5))),
        ),
        negative('6 minutes ago is out', twoUsers(timed(minutesAgo(6)))),
      ],
    });
  });

  it("defaults to MozDef's auth0_vertical_password_guessing.conf and validates overrides", () => {
    expect(resolveAlertConfig(alert, {})).toEqual({
      thresholdCount: 1,
      searchDepthMin: 60,
      userCount: 2,
      severity: 'WARNING',
    });
    expect(() => resolveAlertConfig(alert, { severity: 'LOUD' })).toThrow(
      /severity: Invalid option: expected one of "DEBUG"\|"INFO"\|"NOTICE"\|"WARNING"\|"ERROR"\|"CRITICAL"\|"ALERT"\|"EMERGENCY"/,
    );
    expect(() => resolveAlertConfig(alert, { userCount: 1.5 })).toThrow(
      /userCount: Invalid input: expected int, received number/,
    );
    expect(() => resolveAlertConfig(alert, { userCount: 0 })).toThrow(
      /userCount: Too small: expected number to be >=1/,
    );
    expect(() => resolveAlertConfig(alert, { user_count: 2 })).toThrow(/user_count: unknown key/);
  });
});

describe('samples', () => {
  it('12 failures over 2 users: the alert carries 10, counts every event, tags all 12', async () => {
    const addresses = Array.from({ length: 12 }, (_, i) => `10.0.0.${i + 1}`);
    const run = await runAlertCase(
      alert,
      { ...suite, numSamples: 10 },
      positive(
        '12 failures',
        addresses.map((address, i) =>
          failure(i % 2 === 0 ? 'foo@mozilla.com' : 'bar@mozilla.com', address),
        ),
        { summary: summary(2, 12) },
      ),
    );
    const stored = await run.store.getEvents(
      run.events.map(({ _index, _id }) => ({ _index, _id })),
    );
    expect(stored).toHaveLength(12);
    for (const tagged of stored)
      expect(tagged._source.alert_names).toEqual(['AlertAuth0VerticalPasswordGuessing']);
  });
});
