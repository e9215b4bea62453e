import { Category, Severity, defineAlert, pyFormat, valueByPath } from '@alertkit/core';
import { match, phrase, search } from '@alertkit/query';

/**
 * An LDAP account was locked: the directory's admin (`cn=admin,dc=mozilla`, the password
 * policy overlay acting) set `pwdAccountLockedTime` on an entry, which happens after too many
 * failed binds. A lockout is someone guessing that account's password, or its owner locked out
 * of everything; one alert per lockout, severity NOTICE. Port of MozDef's `ldapLockout`
 * (alerts/ldap_lockout.py).
 *
 * The summary is `{dn} LDAP account locked`, formatted as Python's `str.format` would. One
 * deliberate difference: MozDef raised a KeyError (and aborted the whole run) when `details.dn`
 * was absent; here it prints `None`, as a `null` dn already did in MozDef, and the alert is raised.
 */
export const alert = defineAlert({
  name: 'ldap-lockout',
  classname: 'ldapLockout',
  description: 'An LDAP account was locked after failed logins',
  severity: Severity.NOTICE,
  category: Category.LDAP,
  tags: ['ldap'],
  criteria: search({ minutes: 15 }).must(
    match('category', 'ldapChange'),
    match('details.actor', 'cn=admin,dc=mozilla'),
    // A phrase on a keyword field: one change pair equal to this text, exactly.
    phrase('details.changepairs', 'replace:pwdAccountLockedTime'),
  ),
  onEvent: (event) => ({
    summary: pyFormat('{0} LDAP account locked', valueByPath(event._source, 'details.dn') ?? null),
  }),
});

export default alert;
