import { defineAlert } from '@alertkit/core';
import { exists, match, search } from '@alertkit/query';

/**
 * Auth0 password guessing across many users
 */
export const alert = defineAlert({
  name: 'auth0-vertical-password-guessing',
  description: 'Auth0 password guessing across many users',
  severity: 'WARNING',
  category: 'bruteforce',
  tags: ['auth0'],
  // Which events it looks at: edit the clauses to describe what you detect.
  criteria: search({ minutes: 60 }).must(match('category', 'bruteforce'), exists('details.eventname')),
  aggregate: { field: 'details.eventname', threshold: 1, samples: 5 },
  onAggregation: (group) => ({
    summary: 'Auth0 password guessing across many users: ' + String(group.count) + ' events for ' + String(group.value),
  }),
});

export default alert;
