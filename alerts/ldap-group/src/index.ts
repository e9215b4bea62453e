import { Category, Severity, defineAlert, pyFormat } from '@alertkit/core';
import { match, phrase, search, wildcard } from '@alertkit/query';

/**
 * Someone changed an LDAP group (a `modify` of an entry whose summary mentions `groups`, such as
 * adding a member): group membership decides access, so every person who changes groups gets an
 * alert within the window, carrying their changes. Changes by bind/automation accounts (an actor
 * containing `bind`) and removals of members (`delete:*member*` change pairs) are left out.
 * Events are grouped by `details.email` (the person who made the change); one change is enough.
 * Port of MozDef's `ldapGroupModify` (alerts/ldap_group.py).
 */
export const alert = defineAlert({
  name: 'ldap-group',
  classname: 'ldapGroupModify',
  description: 'Someone changed an LDAP group (e.g. added a member)',
  severity: Severity.INFO,
  category: Category.LDAP,
  tags: ['ldap'],
  criteria: search({ minutes: 15 })
    .must(
      match('category', 'ldapChange'),
      match('details.changetype', 'modify'),
      phrase('summary', 'groups'),
    )
    // MozDef: "ignore test accounts and attempts to create accounts that already exist".
    .mustNot(
      wildcard('details.actor', '*bind*'),
      wildcard('details.changepairs', 'delete:*member*'),
    ),
  // Core adds `must exists details.email`, as MozDef's searchEventsAggregated did.
  aggregate: { field: 'details.email', samples: 50, threshold: 1 },
  // MozDef also had a `LDAP group change detected` summary for a None value, which the exists
  // clause makes unreachable; every group here has a value.
  onAggregation: (group) => ({
    summary: pyFormat('LDAP group change initiated by {0}', group.value),
  }),
});

export default alert;
