import { Category, Severity, defineAlert, pyFormat, valueByPath } from '@alertkit/core';
import { match, search, wildcard } from '@alertkit/query';

/**
 * An entry was deleted from the LDAP directory (a person, a group, a service account): every
 * `ldapChange` event with `changetype: delete`, one alert each, so that removals (access taken
 * away, or traces cleaned up) are visible to the people who own the directory. Changes made by
 * bind/automation accounts (an actor containing `bind`) are left out. Port of MozDef's
 * `ldapDelete` (alerts/ldap_delete.py).
 *
 * The summary is `{actor} deleted {dn}`, formatted as Python's `str.format` would. One deliberate
 * difference: MozDef raised a KeyError (and aborted the whole run) when `details.actor` or
 * `details.dn` was absent; here an absent value prints `None`, as a `null` one already did in
 * MozDef, and the alert is raised.
 */
export const alert = defineAlert({
  name: 'ldap-delete',
  classname: 'ldapDelete',
  description: 'An entry was deleted from the LDAP directory',
  severity: Severity.INFO,
  category: Category.LDAP,
  tags: ['ldap'],
  criteria: search({ minutes: 15 })
    .must(match('category', 'ldapChange'), match('details.changetype', 'delete'))
    .mustNot(wildcard('details.actor', '*bind*')),
  onEvent: (event) => ({
    summary: pyFormat(
      '{0} deleted {1}',
      valueByPath(event._source, 'details.actor') ?? null,
      valueByPath(event._source, 'details.dn') ?? null,
    ),
  }),
});

export default alert;
