import {
  at,
  describeAlert,
  hoursAgo,
  minutesAgo,
  negative,
  positive,
  runAlertCase,
  type Timestamp,
} from '@alertkit/harness';
import { expect, it } from 'vitest';
import { alert } from '../src/index.js';

// MozDef has no test for ldap_lockout.py: these cases are written from the alert and the shape
// of MozDef's other ldapChange tests. The password-policy overlay (acting as the directory admin)
// locks jdoe's account after too many failed binds.
const dn = 'mail=jdoe@mozilla.com,o=com,dc=mozilla';
const lockout = {
  _source: {
    summary: `cn=admin,dc=mozilla modify ${dn} replace:pwdAccountLockedTime: 20170101005959Z`,
    details: {
      dn,
      changetype: 'modify',
      actor: 'cn=admin,dc=mozilla',
      changepairs: [['replace:pwdAccountLockedTime', '20170101005959Z']],
    },
    category: 'ldapChange',
    processid: '1697',
    severity: 'INFO',
  },
};
const defaultAlert = { category: 'ldap', tags: ['ldap'], severity: 'NOTICE' };

const timestamps = (time: Timestamp) => ({ utctimestamp: time, receivedtimestamp: time });

describeAlert(alert, {
  defaultEvent: lockout,
  defaultAlert: { ...defaultAlert, summary: `${dn} LDAP account locked` },
  cases: [
    positive('Positive test case with good event', [{}]),
    positive('Positive test case with an event with somewhat old timestamp', [
      timestamps(minutesAgo(1)),
    ]),
    negative('Negative test case with bad category', [{ category: 'badcategory' }]),
    negative('Negative test case with event with old utctimestamp and receivedtimestamp', [
      timestamps(hoursAgo(25)),
    ]),

    // must category = ldapChange: exact, case-sensitive.
    negative('a category differing only in case does not match', [{ category: 'ldapchange' }]),
    // must details.actor = cn=admin,dc=mozilla: exact whole value, case-sensitive.
    negative('a lock set by another actor does not match', [
      { details: { actor: 'mail=someone@mozilla.com,o=com,dc=mozilla' } },
    ]),
    negative('an actor that only contains the admin dn does not match', [
      { details: { actor: 'cn=admin,dc=mozilla IP=10.0.0.1:389 conn=1' } },
    ]),
    negative('an actor differing only in case does not match', [
      { details: { actor: 'CN=admin,DC=mozilla' } },
    ]),
    // must details.changepairs has replace:pwdAccountLockedTime (phrase on keyword = exact value).
    positive('the change pair in a flat list matches', [
      { details: { changepairs: ['replace:pwdAccountLockedTime', '20170101005959Z'] } },
    ]),
    positive('the change pair as a plain string matches', [
      { details: { changepairs: 'replace:pwdAccountLockedTime' } },
    ]),
    negative('an unlock (delete:pwdAccountLockedTime) does not match', [
      { details: { changepairs: [['delete:pwdAccountLockedTime', '']] } },
    ]),
    negative('a failed-login counter update (replace:pwdFailureTime) does not match', [
      { details: { changepairs: [['replace:pwdFailureTime', '20170101005959Z']] } },
    ]),
    negative('a change pair differing only in case does not match', [
      { details: { changepairs: [['replace:pwdaccountlockedtime', '20170101005959Z']] } },
    ]),
    negative('an event without change pairs does not match', [{ details: { changepairs: null } }]),
    // The 15-minute window on utctimestamp OR receivedtimestamp, both edges inclusive.
    positive('a lockout exactly 15 minutes old is in the window', [timestamps(minutesAgo(15))]),
    negative('a lockout 15 minutes and 1 second old is out of the window', [
      timestamps(at('-15m1s')),
    ]),
    positive('an old utctimestamp with a recent receivedtimestamp is in the window', [
      { utctimestamp: hoursAgo(2), receivedtimestamp: minutesAgo(1) },
    ]),
    positive('a recent utctimestamp with an old receivedtimestamp is in the window', [
      { utctimestamp: minutesAgo(1), receivedtimestamp: hoursAgo(2) },
    ]),
    negative('a lockout 1 second in the future is after the window', [timestamps(at('+1s'))]),
    // De-duplication (must_not alert_names = ldapLockout).
    negative('a lockout already tagged by ldapLockout does not alert again', [
      { alert_names: ['ldapLockout'] },
    ]),
    // MozDef printed a null dn as None; so does the port.
    positive('a null details.dn prints None, as in MozDef', [{ details: { dn: null } }], {
      summary: 'None LDAP account locked',
    }),
  ],
});

// FIX: MozDef's onEvent read details.dn with [], so a lockout without it raised a KeyError that
// aborted the run (no alert for it or for any later lockout, on every run while it stayed in the
// window). The port alerts and prints the absent dn as None.
const { dn: _dn, ...detailsWithoutDn } = lockout._source.details;
describeAlert(alert, {
  defaultEvent: { _source: { ...lockout._source, details: detailsWithoutDn } },
  defaultAlert: { ...defaultAlert, summary: 'None LDAP account locked' },
  cases: [
    positive('FIX: a lockout without details.dn alerts with None as the dn (MozDef: KeyError)', [
      {},
    ]),
  ],
});

it('raises one alert per lockout, each carrying only its own event', async () => {
  const run = await runAlertCase(
    alert,
    { defaultEvent: lockout, defaultAlert: {}, numSamples: 1 },
    positive('two lockouts and an unlock', [
      { details: { dn: 'mail=a@mozilla.com,o=com,dc=mozilla' } },
      { details: { changepairs: [['delete:pwdAccountLockedTime', '']] } },
      { details: { dn: 'mail=b@mozilla.com,o=com,dc=mozilla' } },
    ]),
  );
  const alerts = run.alerts
    .map((a) => [a._source.summary, a._source.events.map((e) => e.documentid)])
    .sort();
  expect(alerts).toEqual([
    ['mail=a@mozilla.com,o=com,dc=mozilla LDAP account locked', ['event-1']],
    ['mail=b@mozilla.com,o=com,dc=mozilla LDAP account locked', ['event-3']],
  ]);
});
