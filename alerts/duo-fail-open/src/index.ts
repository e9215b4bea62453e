import { defineAlert } from '@alertkit/core';
import { exists, match, search } from '@alertkit/query';

/**
 * Duo could not be reached and a VPN login failed open
 */
export const alert = defineAlert({
  name: 'duo-fail-open',
  description: 'Duo could not be reached and a VPN login failed open',
  severity: 'WARNING',
  category: 'bypass',
  tags: ['openvpn', 'duosecurity'],
  // Which events it looks at: edit the clauses to describe what you detect.
  criteria: search({ minutes: 15 }).must(match('category', 'bypass'), exists('hostname')),
  aggregate: { field: 'hostname', threshold: 1, samples: 5 },
  onAggregation: (group) => ({
    summary: 'Duo could not be reached and a VPN login failed open: ' + String(group.count) + ' events for ' + String(group.value),
  }),
});

export default alert;
