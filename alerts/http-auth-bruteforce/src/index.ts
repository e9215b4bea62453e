import { defineAlert } from '@alertkit/core';
import { match, search } from '@alertkit/query';

/**
 * Bro notice: HTTP authentication brute force
 */
export const alert = defineAlert({
  name: 'http-auth-bruteforce',
  description: 'Bro notice: HTTP authentication brute force',
  severity: 'WARNING',
  category: 'httperrors',
  tags: ['http'],
  // Which events it looks at: edit the clauses to describe what you detect.
  criteria: search({ minutes: 15 }).must(match('category', 'httperrors')),
  onEvent: (event) => ({
    summary: 'Bro notice: HTTP authentication brute force: ' + (typeof event._source['summary'] === 'string' ? event._source['summary'] : event._id),
  }),
});

export default alert;
