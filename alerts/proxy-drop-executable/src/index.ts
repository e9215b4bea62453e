import { defineAlert } from '@alertkit/core';
import { exists, match, search } from '@alertkit/query';

/**
 * The proxy dropped requests for executable files
 */
export const alert = defineAlert({
  name: 'proxy-drop-executable',
  description: 'The proxy dropped requests for executable files',
  severity: 'WARNING',
  category: 'squid',
  tags: ['squid', 'proxy'],
  // Which events it looks at: edit the clauses to describe what you detect.
  criteria: search({ minutes: 20 }).must(match('category', 'squid'), exists('details.sourceipaddress')),
  aggregate: { field: 'details.sourceipaddress', threshold: 1, samples: 5 },
  onAggregation: (group) => ({
    summary: 'The proxy dropped requests for executable files: ' + String(group.count) + ' events for ' + String(group.value),
  }),
});

export default alert;
