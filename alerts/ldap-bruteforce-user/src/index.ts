import { defineAlert } from '@alertkit/core';
import { exists, match, search } from '@alertkit/query';

/**
 * LDAP password guessing against one user
 */
export const alert = defineAlert({
  name: 'ldap-bruteforce-user',
  description: 'LDAP password guessing against one user',
  severity: 'WARNING',
  category: 'bruteforce',
  tags: ['ldap'],
  // Which events it looks at: edit the clauses to describe what you detect.
  criteria: search({ minutes: 60 }).must(match('category', 'bruteforce'), exists('details.user')),
  aggregate: { field: 'details.user', threshold: 1, samples: 5 },
  onAggregation: (group) => ({
    summary: 'LDAP password guessing against one user: ' + String(group.count) + ' events for ' + String(group.value),
  }),
});

export default alert;
