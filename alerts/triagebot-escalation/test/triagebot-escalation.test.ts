import { resolveAlertConfig } from '@alertkit/core';
import {
  at,
  describeAlert,
  event,
  events,
  minutesAgo,
  negative,
  positive,
  type AlertSuiteOptions,
  type Timestamp,
} from '@alertkit/harness';
import { describe, expect, it } from 'vitest';
import { alert } from '../src/index.js';

// MozDef's tests/alerts/test_triagebot_escalation.py: the triage bot's record of a NO answer.
const suite: AlertSuiteOptions = {
  defaultEvent: {
    _source: {
      hostname: 'UNKNOWN',
      details: {
        identifier: 'UdEkkIEJFXEy54grVnfy',
        identityConfidence: 'low',
        email: 'test@testerson.com',
        slack: 'U4J8Z3DJT',
        userresponse: 'no',
      },
      category: 'triagebot',
      summary: 'TriageBot Response: no from: test@testerson.com',
    },
  },
  defaultAlert: {
    category: 'access',
    severity: 'INFO',
    summary:
      "TriageBot Escalation for event: UdEkkIEJFXEy54grVnfy sent to PagerDuty per 'NO' response from User: test@testerson.com",
    tags: ['triagebot_escalation'],
    url: 'https://www.mozilla.org',
  },
};

const timed = (time: Timestamp) => ({ utctimestamp: time, receivedtimestamp: time });

// Every case of MozDef's test (2 positive, 3 negative).
const mozdefCases = [
  positive('Positive test with default event and default alert expected', events({}, 1)),
  positive(
    'Positive test with different event_id in the summary',
    [event({ details: { identifier: 'AbDpsIOPERXEy54grVnfy' } })],
    {
      summary:
        "TriageBot Escalation for event: AbDpsIOPERXEy54grVnfy sent to PagerDuty per 'NO' response from User: test@testerson.com",
    },
  ),
  negative("Negative test with events with a user response of 'yes'", [
    event({ details: { userresponse: 'yes' } }),
  ]),
  negative('Negative test case email key excluded', [event({ details: { email: null } })]),
  negative('Negative test case with bad category key', [event({ category: 'bad' })]),
];

// One positive and one negative case per criterion and window edge.
const criterionCases = [
  negative("category is exact and case-sensitive ('TriageBot')", [
    event({ category: 'TriageBot' }),
  ]),
  negative("details.userresponse is a keyword: 'NO' is another value", [
    event({ details: { userresponse: 'NO' } }),
  ]),
  negative("details.userresponse must be the whole value ('no thanks')", [
    event({ details: { userresponse: 'no thanks' } }),
  ]),
  negative('an answer without an identifier does not alert', [
    event({ details: { identifier: null } }),
  ]),
  positive(
    'an empty email still exists (keyword) and prints empty',
    [event({ details: { email: '' } })],
    {
      summary:
        "TriageBot Escalation for event: UdEkkIEJFXEy54grVnfy sent to PagerDuty per 'NO' response from User: ",
    },
  ),
  positive('exactly at the window edge (15 minutes ago) is in', [event(timed(at('-15m')))]),
  negative('one second outside the window is out', [event(timed(at('-15m1s')))]),
  positive('receivedtimestamp inside the window is enough (utctimestamp older)', [
    event({ utctimestamp: minutesAgo(60), receivedtimestamp: minutesAgo(1) }),
  ]),
  negative('an answer already escalated does not alert again', [
    event({ alert_names: ['AlertTriageBotEscalation'] }),
  ]),
];

describeAlert(alert, { ...suite, cases: [...mozdefCases, ...criterionCases] });

// One alert per answer: each carries its own event.
describeAlert(alert, {
  ...suite,
  numSamples: 1,
  cases: [positive('two NO answers raise two alerts of one event each', events({}, 2))],
});

describe('config', () => {
  describe('severity and url from config', () => {
    describeAlert(alert, {
      ...suite,
      config: { severity: 'CRITICAL', url: 'https://runbooks.example.org/triage' },
      defaultAlert: {
        ...suite.defaultAlert,
        severity: 'CRITICAL',
        url: 'https://runbooks.example.org/triage',
      },
      cases: [positive('the configured severity and url are written', events({}, 1))],
    });
  });
  describe('an empty url', () => {
    describeAlert(alert, {
      ...suite,
      config: { url: '' },
      defaultAlert: { ...suite.defaultAlert, url: undefined },
      cases: [positive('writes no url field, as MozDef', events({}, 1))],
    });
  });

  it("defaults to MozDef's triagebot_escalation.conf and rejects bad values", () => {
    expect(resolveAlertConfig(alert, {})).toEqual({
      url: 'https://www.mozilla.org',
      severity: 'INFO',
    });
    expect(() => resolveAlertConfig(alert, { severity: 'LOUD' })).toThrow(/severity: /);
    expect(() => resolveAlertConfig(alert, { url: 42 })).toThrow(/url: /);
    expect(() => resolveAlertConfig(alert, { Severity: 'INFO' })).toThrow(/Severity: unknown key/);
  });
});
