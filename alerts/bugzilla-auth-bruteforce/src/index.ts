import { defineAlert } from '@alertkit/core';
import { match, search } from '@alertkit/query';

/**
 * Bro notice: Bugzilla authentication brute force
 */
export const alert = defineAlert({
  name: 'bugzilla-auth-bruteforce',
  description: 'Bro notice: Bugzilla authentication brute force',
  severity: 'NOTICE',
  category: 'httperrors',
  tags: ['http'],
  // Which events it looks at: edit the clauses to describe what you detect.
  criteria: search({ minutes: 15 }).must(match('category', 'httperrors')),
  onEvent: (event) => ({
    summary: 'Bro notice: Bugzilla authentication brute force: ' + (typeof event._source['summary'] === 'string' ? event._source['summary'] : event._id),
  }),
});

export default alert;
