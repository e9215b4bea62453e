import { defineAlert } from '@alertkit/core';
import { exists, match, search } from '@alertkit/query';

/**
 * Many failed OpenVPN Duo logins for one user
 */
export const alert = defineAlert({
  name: 'vpn-duo-auth-failures',
  description: 'Many failed OpenVPN Duo logins for one user',
  severity: 'NOTICE',
  category: 'openvpn',
  tags: ['vpn', 'auth', 'duo'],
  // Which events it looks at: edit the clauses to describe what you detect.
  criteria: search({ minutes: 2 }).must(match('category', 'openvpn'), exists('details.username')),
  aggregate: { field: 'details.username', threshold: 5, samples: 5 },
  onAggregation: (group) => ({
    summary: 'Many failed OpenVPN Duo logins for one user: ' + String(group.count) + ' events for ' + String(group.value),
  }),
});

export default alert;
