import { defineAlert } from '@alertkit/core';
import { exists, match, search } from '@alertkit/query';

/**
 * Many failed ssh logins from one source address
 */
export const alert = defineAlert({
  name: 'bruteforce-ssh',
  description: 'Many failed ssh logins from one source address',
  severity: 'NOTICE',
  category: 'bruteforce',
  tags: ['ssh'],
  // Which events it looks at: edit the clauses to describe what you detect.
  criteria: search({ minutes: 2 }).must(match('category', 'bruteforce'), exists('details.sourceipaddress')),
  aggregate: { field: 'details.sourceipaddress', threshold: 10, samples: 5 },
  onAggregation: (group) => ({
    summary: 'Many failed ssh logins from one source address: ' + String(group.count) + ' events for ' + String(group.value),
  }),
});

export default alert;
