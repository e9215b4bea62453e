/**
 * A MozDef-sized suite (20 cases) for an alert shaped like bruteforce_ssh: window and threshold
 * edges. Also the suite whose per-case times are reported (vitest's per-test durations).
 */
import { defineAlert } from '@alertkit/core';
import { match, phrase, search, terms } from '@alertkit/query';
import { negative, positive, type AlertCase } from './cases.js';
import { at, every, minutesAgo } from './clock.js';
import { describeAlert } from './describeAlert.js';
import { event, events } from './events.js';

const bruteforce = defineAlert({
  name: 'ssh-bruteforce-20',
  description: 'Many failed ssh logins from one source',
  severity: 'NOTICE',
  category: 'bruteforce',
  tags: ['ssh'],
  criteria: search({ minutes: 2 })
    .must(
      phrase('summary', 'failed'),
      match('details.program', 'sshd'),
      terms('summary', ['login', 'invalid', 'publickey']),
    )
    .mustNot(phrase('summary', '10.22.75.203')),
  aggregate: { field: 'details.sourceipaddress', threshold: 10, samples: 10 },
  onAggregation: (group, { helpers }) => ({
    summary: helpers.pyFormat('{0} ssh bruteforce attempts by {1}', group.count, group.value),
  }),
});

const attempt = {
  summary: 'Failed login for invalid user root from 1.2.3.4',
  details: { program: 'sshd', sourceipaddress: '1.2.3.4' },
};
const cases: AlertCase[] = [
  positive('10 attempts now', events({}, 10)),
  positive('10 attempts over the last 90 s', events({}, every('10s', 10))),
  positive(
    '10 attempts at the window edge',
    events({ utctimestamp: at('-2m'), receivedtimestamp: at('-2m') }, 10),
  ),
  positive(
    'only receivedtimestamp in the window',
    events({ utctimestamp: minutesAgo(30), receivedtimestamp: minutesAgo(1) }, 10),
  ),
  positive(
    'publickey failures count',
    events({ summary: 'Failed publickey for bob from 1.2.3.4' }, 10),
  ),
  positive('upper case summary', events({ summary: 'FAILED LOGIN for INVALID user' }, 10)),
  positive('attempts spread over the whole window', events({}, every('13s', 10))),
  positive('an old attempt is ignored when 10 are recent', [
    ...events({}, 9),
    event({}, { utctimestamp: at('-2m'), receivedtimestamp: at('-2m') }),
  ]),
  positive('IPv6 sources', events({ details: { sourceipaddress: '2001:db8::1' } }, 10), {
    summary: '10 ssh bruteforce attempts by 2001:db8::1',
  }),
  positive('a private source', events({ details: { sourceipaddress: '10.2.3.4' } }, 10), {
    summary: '10 ssh bruteforce attempts by 10.2.3.4',
  }),
  negative('9 attempts (threshold - 1)', events({}, 9)),
  negative(
    '10 attempts just outside the window',
    events({ utctimestamp: at('-2m1s'), receivedtimestamp: at('-2m1s') }, 10),
  ),
  negative(
    '10 attempts in the future',
    events({ utctimestamp: at('+1s'), receivedtimestamp: at('+1s') }, 10),
  ),
  negative('successful logins', events({ summary: 'Accepted publickey for bob' }, 10)),
  negative('another program', events({ details: { program: 'cron' } }, 10)),
  negative(
    'the skipped host in the summary',
    events({ summary: 'Failed login for invalid user from 10.22.75.203' }, 10),
  ),
  negative('failed but no login keyword', events({ summary: 'Failed password for bob' }, 10)),
  negative('5 each from two sources', [
    ...events({}, 5),
    ...events({ details: { sourceipaddress: '5.6.7.8' } }, 5),
  ]),
  negative('no events', []),
  negative('already alerted on', events({ alert_names: ['AlertSshBruteforce20'] }, 10)),
];

describeAlert(bruteforce, {
  defaultEvent: { _source: attempt },
  defaultAlert: {
    category: 'bruteforce',
    severity: 'NOTICE',
    tags: ['ssh'],
    summary: '10 ssh bruteforce attempts by 1.2.3.4',
  },
  cases,
});
