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
  // A generic failed-login count: it fires with the product-specific brute-force alerts.
  overlaps: [
    {
      alert: 'auth0-bruteforce-user',
      reason: 'Auth0 failed logins are failed logins too (category authentication, success false)',
    },
  ],
  // The summary carries the count; the alert keeps MozDef's 5 samples as it always did.
  pitfalls: {
    allow: [
      {
        rule: 'samples-below-threshold',
        reason: "MozDef's default of 5 samples; the summary says how many failed",
      },
    ],
  },
  onAggregation: (group) => ({
    summary: `${group.count} failed logins for ${String(group.value)} in the last 5 minutes`,
  }),
});

export default alert;
