import { defineAlert } from '@alertkit/core';
import { exists, match, search } from '@alertkit/query';

/**
 * Many failed logins for one user within the window: someone is guessing that user's password
 * (or a service is stuck retrying a stale one). Counts authentication events that report
 * `details.success: false`, grouped by `details.username`.
 */
export const alert = defineAlert({
  name: 'failed-logins',
  description: 'Many failed logins for one user within the window',
  severity: 'NOTICE',
  category: 'authentication',
  tags: ['auth', 'login'],
  criteria: search({ minutes: 5 }).must(
    match('category', 'authentication'),
    match('details.success', false),
    exists('details.username'),
  ),
  aggregate: { field: 'details.username', threshold: 10, samples: 5 },
  onAggregation: (group) => ({
    summary: `${group.count} failed logins for ${String(group.value)} in the last 5 minutes`,
  }),
});

export default alert;
