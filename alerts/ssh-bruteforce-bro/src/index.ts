import { defineAlert } from '@alertkit/core';
import { match, search } from '@alertkit/query';

/**
 * Bro notice: ssh password guessing
 */
export const alert = defineAlert({
  name: 'ssh-bruteforce-bro',
  description: 'Bro notice: ssh password guessing',
  severity: 'NOTICE',
  category: 'bruteforce',
  tags: ['http'],
  // Which events it looks at: edit the clauses to describe what you detect.
  criteria: search({ minutes: 15 }).must(match('category', 'bruteforce')),
  onEvent: (event) => ({
    summary: 'Bro notice: ssh password guessing: ' + (typeof event._source['summary'] === 'string' ? event._source['summary'] : event._id),
  }),
});

export default alert;
