import { defineAlert } from '@alertkit/core';
import { match, search } from '@alertkit/query';

/**
 * A user marked a Duo authentication attempt as fraud
 */
export const alert = defineAlert({
  name: 'duo-authfail',
  description: 'A user marked a Duo authentication attempt as fraud',
  severity: 'WARNING',
  category: 'duosecurity',
  tags: ['duosecurity', 'duosecurity_auth_fail'],
  // Which events it looks at: edit the clauses to describe what you detect.
  criteria: search({ minutes: 15 }).must(match('category', 'duosecurity')),
  onEvent: (event) => ({
    summary: 'A user marked a Duo authentication attempt as fraud: ' + (typeof event._source['summary'] === 'string' ? event._source['summary'] : event._id),
  }),
});

export default alert;
