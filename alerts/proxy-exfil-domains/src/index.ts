import { defineAlert } from '@alertkit/core';
import { exists, match, search } from '@alertkit/query';

/**
 * Proxy traffic to domains known for data exfiltration
 */
export const alert = defineAlert({
  name: 'proxy-exfil-domains',
  description: 'Proxy traffic to domains known for data exfiltration',
  severity: 'WARNING',
  category: 'squid',
  tags: ['squid', 'proxy'],
  // Which events it looks at: edit the clauses to describe what you detect.
  criteria: search({ minutes: 20 }).must(match('category', 'squid'), exists('details.sourceipaddress')),
  aggregate: { field: 'details.sourceipaddress', threshold: 1, samples: 5 },
  onAggregation: (group) => ({
    summary: 'Proxy traffic to domains known for data exfiltration: ' + String(group.count) + ' events for ' + String(group.value),
  }),
});

export default alert;
