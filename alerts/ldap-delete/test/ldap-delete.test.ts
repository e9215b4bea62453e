import { runAlert } from '@alertkit/core';
import {
  at,
  buildCaseEvents,
  describeAlert,
  hoursAgo,
  minutesAgo,
  negative,
  positive,
  type EventInput,
  type Timestamp,
} from '@alertkit/harness';
import { createEmbeddedStore } from '@alertkit/query';
import { expect, it } from 'vitest';
import { alert } from '../src/index.js';

// MozDef's tests/alerts/test_ldap_delete.py: an entry deleted by a person (not a bind account).
const actor = 'dc=example mail=user_la@example.com,o=com,dc=example IP=1.2.3.4:49818 conn=527493';
const dn = 'cn=example_cn,ou=groups,dc=example';
const ldapDelete = {
  _source: {
    summary: `${actor} delete ${dn}`,
    details: { dn, changetype: 'delete', actor },
    category: 'ldapChange',
    processid: '1697',
    severity: 'INFO',
  },
};
const defaultAlert = { category: 'ldap', tags: ['ldap'], severity: 'INFO' };

const timestamps = (time: Timestamp) => ({ utctimestamp: time, receivedtimestamp: time });

describeAlert(alert, {
  defaultEvent: ldapDelete,
  defaultAlert: { ...defaultAlert, summary: `${actor} deleted ${dn}` },
  cases: [
    // MozDef's cases (2 positive, 4 negative).
    positive('Positive test case with good event', [{}]),
    positive('Positive test case with an event with somewhat old timestamp', [
      timestamps(minutesAgo(1)),
    ]),
    negative('Negative test case with bad eventName', [{ category: 'badcategory' }]),
    negative('Negative test case with bad changetype', [{ details: { changetype: 'add' } }]),
    negative('Negative test case where negative match exists', [
      {
        details: {
          actor:
            'dc=example uid=bind-generate-groups,ou=logins,dc=example IP=1.2.3.4:49818 conn=527493',
        },
      },
    ]),
    negative('Negative test case with event with old utctimestamp and receivedtimestamp', [
      timestamps(hoursAgo(25)),
    ]),

    // must category = ldapChange: an exact, case-sensitive keyword match.
    negative('a category differing only in case does not match', [{ category: 'ldapchange' }]),
    // must details.changetype = delete.
    negative('a modify is not a delete', [{ details: { changetype: 'modify' } }]),
    negative('an event without a changetype does not match', [{ details: { changetype: null } }]),
    // must_not details.actor like *bind*: anywhere in the actor, case-sensitive.
    negative('an actor that is just "bind" is excluded', [{ details: { actor: 'bind' } }]),
    positive(
      'an actor with "Bind" in capitals is not excluded (the wildcard is case-sensitive, as in MozDef)',
      [{ details: { actor: 'uid=Binder,ou=people,dc=example' } }],
      { summary: `uid=Binder,ou=people,dc=example deleted ${dn}` },
    ),
    // The 15-minute window on utctimestamp OR receivedtimestamp, both edges inclusive.
    positive('an event exactly 15 minutes old is in the window', [timestamps(minutesAgo(15))]),
    negative('an event 15 minutes and 1 second old is out of the window', [
      timestamps(at('-15m1s')),
    ]),
    positive('an old utctimestamp with a recent receivedtimestamp is in the window', [
      { utctimestamp: hoursAgo(2), receivedtimestamp: minutesAgo(1) },
    ]),
    positive('a recent utctimestamp with an old receivedtimestamp is in the window', [
      { utctimestamp: minutesAgo(1), receivedtimestamp: hoursAgo(2) },
    ]),
    negative('an event 1 second in the future is after the window', [timestamps(at('+1s'))]),
    // De-duplication (must_not alert_names = ldapDelete): an event this alert used never alerts again.
    negative('an event already tagged by ldapDelete does not alert again', [
      { alert_names: ['ldapDelete'] },
    ]),
    // MozDef printed a null value as None; so does the port (the FIX below is about absent values).
    positive('a null details.dn prints None, as in MozDef', [{ details: { dn: null } }], {
      summary: `${actor} deleted None`,
    }),
  ],
});

// FIX: MozDef's onEvent read details.actor and details.dn with [], so a delete without one of them
// raised a KeyError that aborted the run (that event and every later one got no alert, on every
// run while it stayed in the window). The port alerts and prints an absent value as None.
describeAlert(alert, {
  defaultEvent: { _source: { ...ldapDelete._source, details: { changetype: 'delete' } } },
  defaultAlert,
  cases: [
    positive(
      'FIX: a delete without details.actor alerts with None as the actor (MozDef: KeyError)',
      [{ details: { dn } }],
      { summary: `None deleted ${dn}` },
    ),
    positive(
      'FIX: a delete without details.dn alerts with None as the entry (MozDef: KeyError)',
      [{ details: { actor } }],
      { summary: `${actor} deleted None` },
    ),
    positive('FIX: a delete with neither alerts with None for both', [{}], {
      summary: 'None deleted None',
    }),
  ],
});

// What the harness cannot express: it checks MozDef's `alert_names == [classname]` and one
// alert per case.
async function runOn(inputs: EventInput[]) {
  const now = new Date('2017-01-01T01:00:00Z');
  const store = createEmbeddedStore();
  const ingested = store.ingest(
    buildCaseEvents(inputs, { now, seed: 1, defaultEvent: ldapDelete }),
  );
  expect(ingested.rejected).toEqual([]);
  return { store, result: await runAlert(alert, store, { now }) };
}

it('alerts on an event another alert already used, adding its own name to alert_names', async () => {
  const { store, result } = await runOn([{ alert_names: ['ldapAdd'] }]);
  expect(result.alerts.map((a) => a._source.summary)).toEqual([`${actor} deleted ${dn}`]);
  const [tagged] = await store.getEvents([{ _index: 'events', _id: 'event-1' }]);
  expect(tagged?._source.alert_names).toEqual(['ldapAdd', 'ldapDelete']);
});

it('raises one alert per matching event, each carrying only its own event', async () => {
  const { result } = await runOn([
    { details: { dn: 'cn=a,dc=example' } },
    { details: { changetype: 'add' } },
    { details: { dn: 'cn=b,dc=example' } },
  ]);
  const alerts = result.alerts
    .map((a) => [a._source.summary, a._source.events.map((e) => e.documentid)])
    .sort();
  expect(alerts).toEqual([
    [`${actor} deleted cn=a,dc=example`, ['event-1']],
    [`${actor} deleted cn=b,dc=example`, ['event-3']],
  ]);
});
