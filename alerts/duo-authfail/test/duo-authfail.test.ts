import { resolveAlertConfig } from '@alertkit/core';
import {
  at,
  describeAlert,
  event,
  minutesAgo,
  negative,
  positive,
  type AlertSuiteOptions,
  type Timestamp,
} from '@alertkit/harness';
import { describe, expect, it } from 'vitest';
import { alert } from '../src/index.js';

// MozDef's tests/alerts/test_duo_authfail.py: a Duo authentication marked as fraud.
const suite: AlertSuiteOptions = {
  defaultEvent: {
    _source: {
      category: 'authentication',
      summary: 'authentication FRAUD for you@somewhere.com',
      details: { sourceipaddress: '1.2.3.4', username: 'you@somewhere.com', result: 'fraud' },
    },
  },
  defaultAlert: {
    category: 'duosecurity',
    tags: ['duosecurity', 'duosecurity_auth_fail'],
    severity: 'WARNING',
    url: 'https://www.mozilla.org',
    summary:
      'Duo Authentication Failure: user you@somewhere.com rejected and marked a Duo Authentication attempt from 1.2.3.4 as fraud',
  },
};

const timed = (time: Timestamp) => ({ utctimestamp: time, receivedtimestamp: time });

// Every case of MozDef's test (2 positive, 5 negative).
const mozdefCases = [
  positive('Positive test case with good event', [event({})]),
  positive('Positive test case with an event with somewhat old timestamp', [
    event(timed(minutesAgo(1))),
  ]),
  negative('Negative test case with bad category', [event({ category: 'badcategory' })]),
  negative('Negative test case with bad result', [event({ details: { result: 'SUCCESS' } })]),
  negative('Negative test case without the details.sourceipaddress', [
    event({ details: { sourceipaddress: null } }),
  ]),
  negative('Negative test case without the details.username', [
    event({ details: { username: null } }),
  ]),
  negative('Negative test case with a wrong timestamp', [event(timed(minutesAgo(16)))]),
];

// One positive and one negative case per criterion and window edge.
const criterionCases = [
  negative("category is exact and case-sensitive ('Authentication')", [
    event({ category: 'Authentication' }),
  ]),
  negative("details.result is exact: 'FRAUD' is another value", [
    event({ details: { result: 'FRAUD' } }),
  ]),
  negative("details.result is the whole value: 'fraud reported' is not 'fraud'", [
    event({ details: { result: 'fraud reported' } }),
  ]),
  positive(
    'another user and address are named in the summary',
    [event({ details: { username: 'me@example.com', sourceipaddress: '10.9.8.7' } })],
    {
      summary:
        'Duo Authentication Failure: user me@example.com rejected and marked a Duo Authentication attempt from 10.9.8.7 as fraud',
    },
  ),
  positive('exactly at the window edge (15 minutes ago) is in', [event(timed(at('-15m')))]),
  negative('one second outside the window is out', [event(timed(at('-15m1s')))]),
  positive('receivedtimestamp inside the window is enough', [
    event({ utctimestamp: minutesAgo(60), receivedtimestamp: minutesAgo(2) }),
  ]),
  negative('an event already used by this alert does not alert again', [
    event({ alert_names: ['AlertDuoAuthFail'] }),
  ]),
];

describeAlert(alert, { ...suite, cases: [...mozdefCases, ...criterionCases] });

describe('config: url', () => {
  describe('another url', () => {
    describeAlert(alert, {
      ...suite,
      config: { url: 'https://runbooks.example.com/duo-fraud' },
      cases: [
        positive('the alert links the configured url', [event({})], {
          url: 'https://runbooks.example.com/duo-fraud',
        }),
      ],
    });
  });
  describe('no url', () => {
    describeAlert(alert, {
      ...suite,
      config: { url: '' },
      // MozDef writes `url` only when it is set.
      cases: [positive('the alert has no url field', [event({})], { url: undefined })],
    });
  });

  it("defaults to MozDef's duo_authfail.conf and validates overrides", () => {
    expect(resolveAlertConfig(alert, {})).toEqual({ url: 'https://www.mozilla.org' });
    expect(() => resolveAlertConfig(alert, { url: 42 })).toThrow(
      /url: Invalid input: expected string, received number/,
    );
    expect(() => resolveAlertConfig(alert, { URL: 'https://example.com' })).toThrow(
      /URL: unknown key/,
    );
  });
});
