import { defineAlert } from '@alertkit/core';
import { exists, match, search } from '@alertkit/query';

/**
 * The proxy dropped CONNECTs to non-standard ports
 */
export const alert = defineAlert({
  name: 'proxy-drop-non-standard-port',
  description: 'The proxy dropped CONNECTs to non-standard ports',
  severity: 'WARNING',
  category: 'squid',
  tags: ['squid', 'proxy'],
  // Which events it looks at: edit the clauses to describe what you detect.
  criteria: search({ minutes: 20 }).must(match('category', 'squid'), exists('details.sourceipaddress')),
  aggregate: { field: 'details.sourceipaddress', threshold: 1, samples: 5 },
  onAggregation: (group) => ({
    summary: 'The proxy dropped CONNECTs to non-standard ports: ' + String(group.count) + ' events for ' + String(group.value),
  }),
});

export default alert;
