import { defineAlert } from '@alertkit/core';
import { exists, match, search } from '@alertkit/query';

/**
 * An LDAP group membership changed
 */
export const alert = defineAlert({
  name: 'ldap-group',
  description: 'An LDAP group membership changed',
  severity: 'INFO',
  category: 'ldap',
  tags: ['ldap'],
  // Which events it looks at: edit the clauses to describe what you detect.
  criteria: search({ minutes: 15 }).must(match('category', 'ldap'), exists('details.email')),
  aggregate: { field: 'details.email', threshold: 1, samples: 5 },
  onAggregation: (group) => ({
    summary: 'An LDAP group membership changed: ' + String(group.count) + ' events for ' + String(group.value),
  }),
});

export default alert;
