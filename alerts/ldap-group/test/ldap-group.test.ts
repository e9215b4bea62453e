import {
  at,
  describeAlert,
  events,
  hoursAgo,
  minutesAgo,
  negative,
  positive,
  runAlertCase,
  type Timestamp,
} from '@alertkit/harness';
import { expect, it } from 'vitest';
import { alert } from '../src/index.js';

// MozDef's tests/alerts/test_ldap_group.py: user_la adds a member to a group.
const groupChange = {
  _source: {
    summary:
      'mail=user_la@example.com,o=com,dc=example modify cn=example_cn,ou=groups,dc=example add:memberUid: anotheruser@example.com',
    details: {
      dn: 'cn=example_cn,ou=groups,dc=example',
      changetype: 'modify',
      actor: 'mail=user_la@example.com,o=com,dc=example',
      email: 'user_la@example.com',
      username: 'user_la',
    },
    category: 'ldapChange',
    processid: '1697',
    severity: 'INFO',
  },
};
const defaultAlert = {
  category: 'ldap',
  tags: ['ldap'],
  severity: 'INFO',
  summary: 'LDAP group change initiated by user_la@example.com',
};

const timestamps = (time: Timestamp) => ({ utctimestamp: time, receivedtimestamp: time });

describeAlert(alert, {
  defaultEvent: groupChange,
  defaultAlert,
  cases: [
    // MozDef's cases (2 positive, 5 negative).
    positive('Positive test case with good event', [{}]),
    positive('Positive test case with an event with somewhat old timestamp', [
      timestamps(minutesAgo(1)),
    ]),
    negative('Negative test case with bad eventName', [{ category: 'badcategory' }]),
    negative('Negative test case with bad changetype', [{ details: { changetype: 'add' } }]),
    negative('Negative test case where negative match exists', [
      { details: { actor: 'uid=bind-generate-groups,ou=logins,ou=logins,dc=example' } },
    ]),
    negative('Negative test case with event with old utctimestamp and receivedtimestamp', [
      timestamps(hoursAgo(25)),
    ]),
    negative('Negative test case that describes a user being deleted from a group', [
      {
        details: {
          changepairs: [['delete:member', 'cn=test@mozilla.com,ou=distribution_lists,dc=mozilla']],
        },
      },
    ]),

    // must category = ldapChange (exact keyword) and details.changetype = modify.
    negative('a category differing only in case does not match', [{ category: 'LdapChange' }]),
    negative('a delete is not a modify', [{ details: { changetype: 'delete' } }]),
    // must summary has the phrase "groups": an analysed token, any case, not part of a longer word.
    positive('"Groups" in capitals in the summary matches (the summary is analysed)', [
      { summary: 'mail=user_la@example.com modify cn=x,ou=Groups,dc=example add:memberUid: a' },
    ]),
    negative('a summary without the word "groups" does not match', [
      { summary: 'mail=user_la@example.com modify cn=x,ou=people,dc=example replace:mail: a' },
    ]),
    negative('"groups" inside a longer word does not match', [
      { summary: 'mail=user_la@example.com modify cn=x,ou=usergroups,dc=example add:memberUid: a' },
    ]),
    // must_not details.actor like *bind* (case-sensitive) and details.changepairs like delete:*member*.
    negative('an actor that is just "bind" is excluded', [{ details: { actor: 'bind' } }]),
    positive('adding a member (add:memberUid change pair) still alerts', [
      { details: { changepairs: ['add:memberUid', 'anotheruser@example.com'] } },
    ]),
    negative('removing a memberUid is excluded too (delete:*member* matches delete:memberUid)', [
      { details: { changepairs: ['delete:memberUid', 'anotheruser@example.com'] } },
    ]),
    positive('deleting something other than a member still alerts', [
      { details: { changepairs: ['delete:description', 'old text'] } },
    ]),
    // must exists details.email (the aggregation field, added by core as MozDef did).
    negative('a change without details.email does not alert', [{ details: { email: null } }]),
    // Grouped by details.email, threshold 1: no matching change, no alert; one change alerts; a
    // person's changes make one alert carrying all of them (up to 50).
    negative('no group change, no alert (threshold 1: zero changes are below it)', [
      { details: { changetype: 'add' } },
      { category: 'badcategory' },
    ]),
    positive('three changes by the same person make one alert carrying all three', events({}, 3)),
    positive(
      'the summary names the grouped value, printed as Python would (a number)',
      [{ details: { email: 42 } }],
      { summary: 'LDAP group change initiated by 42' },
    ),
    // The 15-minute window on utctimestamp OR receivedtimestamp, both edges inclusive.
    positive('a change exactly 15 minutes old is in the window', [timestamps(minutesAgo(15))]),
    negative('a change 15 minutes and 1 second old is out of the window', [
      timestamps(at('-15m1s')),
    ]),
    positive('an old utctimestamp with a recent receivedtimestamp is in the window', [
      { utctimestamp: hoursAgo(2), receivedtimestamp: minutesAgo(1) },
    ]),
    negative('a change 1 second in the future is after the window', [timestamps(at('+1s'))]),
    // De-duplication (must_not alert_names = ldapGroupModify).
    negative('a change already tagged by ldapGroupModify does not alert again', [
      { alert_names: ['ldapGroupModify'] },
    ]),
  ],
});

// samples = 50: the alert carries the first 50 changes of the person; every change is tagged.
const capped = { defaultEvent: groupChange, defaultAlert, numSamples: 50 };
describeAlert(alert, {
  ...capped,
  cases: [
    positive('50 changes by one person: the alert carries all 50', events({}, 50)),
    positive('51 changes by one person: the alert carries 50 of them', events({}, 51)),
  ],
});

it('tags all 51 changes of a person while the alert carries the first 50', async () => {
  const run = await runAlertCase(alert, capped, positive('51 changes', events({}, 51)));
  expect(run.alerts).toHaveLength(1);
  const carried = run.alerts[0]?._source.events.map((e) => e.documentid);
  expect(carried).toEqual(run.events.slice(0, 50).map((e) => e._id));
  expect(run.result.taggedEvents).toBe(51);
  const stored = await run.store.getEvents(run.events.map(({ _index, _id }) => ({ _index, _id })));
  expect(stored.map((e) => e._source.alert_names)).toEqual(
    Array.from({ length: 51 }, () => ['ldapGroupModify']),
  );
});

it('raises one alert per person, each carrying only that person', async () => {
  const bob = { details: { email: 'bob@example.com' } };
  const run = await runAlertCase(
    alert,
    { defaultEvent: groupChange, defaultAlert: {}, numSamples: 1 },
    positive('user_la once, bob once', [{}, bob]),
  );
  const alerts = run.alerts
    .map((a) => [a._source.summary, a._source.events.map((e) => e.documentid)])
    .sort();
  expect(alerts).toEqual([
    ['LDAP group change initiated by bob@example.com', ['event-2']],
    ['LDAP group change initiated by user_la@example.com', ['event-1']],
  ]);
});
