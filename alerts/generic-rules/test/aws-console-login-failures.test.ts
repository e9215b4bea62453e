import {
  at,
  describeAlert,
  event,
  events,
  negative,
  positive,
  runAlertCase,
} from '@alertkit/harness';
import { expect, it } from 'vitest';
import { loadSet, ruleNamed } from './rules.js';

// The bundled rule rules/aws_console_login_failures.json (MozDef's JSON style with every
// optional key): source cloudtrail + details.eventname ConsoleLogin +
// details.responseelements.consolelogin:Failure, 15 minutes, grouped by
// details.sourceipaddress, 10 samples, threshold 5, NOTICE, channel infosec-alerts, notify on,
// the username and region appended to the summary.
const { alerts } = await loadSet();
const alert = ruleNamed(alerts, 'generic-rules-aws-console-login-failures');

it('declares the rule with its MozDef classname, window and threshold', () => {
  expect(alert.classname).toBe('AlertGenericLoader:aws_console_login_failures');
  expect(alert.aggregate).toEqual({ field: 'details.sourceipaddress', threshold: 5, samples: 10 });
});

const failedLogin = {
  _source: {
    category: 'authentication',
    source: 'cloudtrail',
    summary: 'ConsoleLogin Failure',
    details: {
      eventname: 'ConsoleLogin',
      sourceipaddress: '198.51.100.7',
      awsregion: 'us-east-1',
      useridentity: { username: 'alice' },
      responseelements: { consolelogin: 'Failure' },
    },
  },
};
const timed = (time: ReturnType<typeof at>) => ({ utctimestamp: time, receivedtimestamp: time });
const summary = (count: number, users = 'alice') =>
  `AWS console login failures (${count}): 198.51.100.7 (details.useridentity.username=${users}) (details.awsregion=us-east-1) [exhostname]`;

describeAlert(alert, {
  defaultEvent: failedLogin,
  defaultAlert: {
    category: 'authentication',
    tags: ['aws', 'cloudtrail', 'generic'],
    severity: 'NOTICE',
    url: 'https://mozdef.readthedocs.io/en/latest/',
    channel: 'infosec-alerts',
    notify_mozdefbot: true,
    classname: 'AlertGenericLoader:aws_console_login_failures',
    summary: summary(5),
  },
  cases: [
    // The threshold pair: num_aggregations is 5.
    positive('5 failed logins from one address (the threshold) alert', events({}, 5)),
    negative('4 failed logins (one below the threshold) do not', events({}, 4)),
    positive(
      'the values of an additional field are listed once each, in first-seen order',
      [...events({}, 3), ...events({ details: { useridentity: { username: 'bob' } } }, 2)],
      { summary: summary(5, 'alice, bob') },
    ),
    positive(
      'an additional field no sampled event has is left out of the summary',
      events({ details: { awsregion: '' } }, 5),
      {
        summary:
          'AWS console login failures (5): 198.51.100.7 (details.useridentity.username=alice) [exhostname]',
      },
    ),
    negative(
      'a successful console login is not a failure',
      events({ details: { responseelements: { consolelogin: 'Success' } } }, 5),
    ),
    negative(
      'the query string on a keyword is exact (failure in lower case)',
      events({ details: { responseelements: { consolelogin: 'failure' } } }, 5),
    ),
    negative(
      'the filter details.eventname ConsoleLogin is required',
      events({ details: { eventname: 'GetCallerIdentity' } }, 5),
    ),
    negative('the filter source cloudtrail is required', events({ source: 'guardduty' }, 5)),
    negative('5 failures over two addresses are two groups below the threshold', [
      ...events({}, 3),
      event({ details: { sourceipaddress: '198.51.100.8' } }),
      event({ details: { sourceipaddress: '198.51.100.8' } }),
    ]),
    positive('events at the window edge (15 minutes ago) are in', events(timed(at('-15m')), 5)),
    negative('one second outside the 15-minute window is out', events(timed(at('-15m1s')), 5)),
    negative(
      'events this rule already alerted on do not alert again',
      events({ alert_names: ['AlertGenericLoader:aws_console_login_failures'] }, 5),
    ),
  ],
});

it('12 failed logins alert with the count of all 12, carry 10 samples (num_samples) and list only their values', async () => {
  const run = await runAlertCase(
    alert,
    {
      defaultEvent: failedLogin,
      numSamples: 10,
      defaultAlert: { channel: 'infosec-alerts', notify_mozdefbot: true },
    },
    // The last two (outside the samples) come from carol: her name is not in the summary.
    positive('12 failures', [
      ...events({}, 10),
      ...events({ details: { useridentity: { username: 'carol' } } }, 2),
    ]),
  );
  expect(run.alerts.map((a) => a._source.summary)).toEqual([summary(12)]);
});
