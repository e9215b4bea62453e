/**
 * The three kinds of alert, tested through the harness as alert packages test themselves.
 */
import { defineAlert } from '@alertkit/core';
import { exists, match, phrase, search } from '@alertkit/query';
import { describeAlert } from './describeAlert.js';
import { at, every, minutesAgo } from './clock.js';
import { negative, positive } from './cases.js';
import { event, events } from './events.js';

// An event alert (MozDef's ldap_add, catalogue C1).
const ldapAdd = defineAlert({
  name: 'ldap-add',
  classname: 'ldapAdd',
  description: 'An LDAP object was added',
  severity: 'INFO',
  category: 'ldap',
  tags: ['ldap'],
  criteria: search({ minutes: 15 }).must(
    match('category', 'ldapChange'),
    match('details.changetype', 'add'),
  ),
  onEvent: (e, { helpers }) => ({
    summary: helpers.pyFormat(
      '{0} added {1}',
      helpers.valueByPath(e._source, 'details.actor'),
      helpers.valueByPath(e._source, 'details.dn'),
    ),
  }),
});
const ldapEvent = {
  _source: {
    category: 'ldapChange',
    details: { actor: 'admin', dn: 'uid=bob', changetype: 'add' },
  },
};

describeAlert(ldapAdd, {
  defaultEvent: ldapEvent,
  defaultAlert: {
    category: 'ldap',
    severity: 'INFO',
    tags: ['ldap'],
    summary: 'admin added uid=bob',
  },
  cases: [
    positive('an add event alerts', [{}]),
    positive('at the window edge exactly (inclusive)', [
      { utctimestamp: at('-15m'), receivedtimestamp: at('-15m') },
    ]),
    positive('the receivedtimestamp alone can place it in the window', [
      { utctimestamp: minutesAgo(60), receivedtimestamp: minutesAgo(1) },
    ]),
    negative('one second before the window', [
      { utctimestamp: at('-15m1s'), receivedtimestamp: at('-15m1s') },
    ]),
    negative('a modify is not an add', [{ details: { changetype: 'modify' } }]),
    negative('an event from the future', [
      { utctimestamp: at('+1m'), receivedtimestamp: at('+1m') },
    ]),
  ],
});

// An aggregation alert with a threshold of 3 and 2 samples.
const failedLogins = defineAlert({
  name: 'failed-logins-3',
  description: 'Three failed logins for one user',
  severity: 'WARNING',
  category: 'bruteforce',
  tags: ['auth'],
  criteria: search({ minutes: 5 }).must(
    match('category', 'authentication'),
    phrase('summary', 'failed login'),
  ),
  aggregate: { field: 'details.username', threshold: 3, samples: 2 },
  pitfalls: { allow: [{ rule: 'samples-below-threshold', reason: 'tests numSamples' }] },
  onAggregation: (group) => ({
    summary: `${group.count} failed logins for ${String(group.value)}`,
  }),
});
const failed = {
  _source: {
    category: 'authentication',
    summary: 'Failed login for bob',
    details: { username: 'bob' },
  },
};

describeAlert(failedLogins, {
  defaultEvent: failed,
  defaultAlert: {
    category: 'bruteforce',
    severity: 'WARNING',
    tags: ['auth'],
    summary: '3 failed logins for bob',
  },
  numSamples: 2,
  cases: [
    positive('the threshold exactly (N) alerts', events({}, every('10s', 3))),
    positive('counts all events of the group, carries 2 samples', events({}, 5), {
      summary: '5 failed logins for bob',
    }),
    positive('another user among them does not count', [
      ...events({}, 3),
      event({ details: { username: 'alice' } }),
    ]),
    negative('one below the threshold (N-1)', events({}, every('10s', 2))),
    negative('three users once each', [
      { details: { username: 'a' } },
      { details: { username: 'b' } },
      { details: { username: 'c' } },
    ]),
    negative('a summary without the phrase', events({ summary: 'login failed for bob' }, 3)),
    negative('outside the window', events({}, every('1m', 3, '-6m'))),
  ],
});

// A dead-man alert.
const quietFirewall = defineAlert({
  name: 'quiet-firewall',
  description: 'No firewall events for 20 minutes',
  severity: 'WARNING',
  category: 'deadman',
  tags: ['deadman', 'firewall'],
  criteria: search({ minutes: 20 }).must(match('category', 'firewall'), exists('hostname')),
  onNoEvent: ({ helpers, now }) => ({
    summary: helpers.pyFormat(
      'No firewall events since {0}',
      helpers.isoformat(new Date(now.getTime() - 20 * 60_000)),
    ),
  }),
});

describeAlert(quietFirewall, {
  defaultEvent: { category: 'firewall' },
  defaultAlert: {
    category: 'deadman',
    severity: 'WARNING',
    tags: ['deadman', 'firewall'],
    summary: 'No firewall events since 2017-01-01T00:40:00+00:00',
    events: [],
  },
  cases: [
    positive('silence alerts', [{ category: 'syslog' }]),
    positive('an old firewall event does not count', [
      { utctimestamp: minutesAgo(21), receivedtimestamp: minutesAgo(21) },
    ]),
    positive('no events at all', []),
    negative('one firewall event in the window keeps it quiet', [
      { utctimestamp: minutesAgo(19), receivedtimestamp: minutesAgo(19) },
    ]),
  ],
});
