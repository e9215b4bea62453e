import { defineAlert } from '@alertkit/core';
import { exists, match, search } from '@alertkit/query';

/**
 * Auth0 password guessing against one user
 */
export const alert = defineAlert({
  name: 'auth0-bruteforce-user',
  description: 'Auth0 password guessing against one user',
  severity: 'WARNING',
  category: 'bruteforce',
  tags: ['auth0'],
  // Which events it looks at: edit the clauses to describe what you detect.
  criteria: search({ minutes: 60 }).must(match('category', 'bruteforce'), exists('details.username')),
  aggregate: { field: 'details.username', threshold: 1, samples: 5 },
  onAggregation: (group) => ({
    summary: 'Auth0 password guessing against one user: ' + String(group.count) + ' events for ' + String(group.value),
  }),
});

export default alert;
