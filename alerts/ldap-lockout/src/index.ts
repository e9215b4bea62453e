import { defineAlert } from '@alertkit/core';
import { match, search } from '@alertkit/query';

/**
 * An LDAP account was locked out
 */
export const alert = defineAlert({
  name: 'ldap-lockout',
  description: 'An LDAP account was locked out',
  severity: 'NOTICE',
  category: 'ldap',
  tags: ['ldap'],
  // Which events it looks at: edit the clauses to describe what you detect.
  criteria: search({ minutes: 15 }).must(match('category', 'ldap')),
  onEvent: (event) => ({
    summary: 'An LDAP account was locked out: ' + (typeof event._source['summary'] === 'string' ? event._source['summary'] : event._id),
  }),
});

export default alert;
