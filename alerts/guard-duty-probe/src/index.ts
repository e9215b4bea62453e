import { defineAlert } from '@alertkit/core';
import { exists, match, search } from '@alertkit/query';

/**
 * GuardDuty saw a port probe
 */
export const alert = defineAlert({
  name: 'guard-duty-probe',
  description: 'GuardDuty saw a port probe',
  severity: 'INFO',
  category: 'bruteforce',
  tags: ['guardduty', 'bruteforce'],
  // Which events it looks at: edit the clauses to describe what you detect.
  criteria: search({ minutes: 20 }).must(match('category', 'bruteforce'), exists('details.sourceipaddress')),
  aggregate: { field: 'details.sourceipaddress', threshold: 1, samples: 5 },
  onAggregation: (group) => ({
    summary: 'GuardDuty saw a port probe: ' + String(group.count) + ' events for ' + String(group.value),
  }),
});

export default alert;
