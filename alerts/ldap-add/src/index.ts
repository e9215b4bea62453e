import { defineAlert } from '@alertkit/core';
import { match, search } from '@alertkit/query';

/**
 * An LDAP entry was added
 */
export const alert = defineAlert({
  name: 'ldap-add',
  description: 'An LDAP entry was added',
  severity: 'INFO',
  category: 'ldap',
  tags: ['ldap'],
  // Which events it looks at: edit the clauses to describe what you detect.
  criteria: search({ minutes: 15 }).must(match('category', 'ldap')),
  onEvent: (event) => ({
    summary: 'An LDAP entry was added: ' + (typeof event._source['summary'] === 'string' ? event._source['summary'] : event._id),
  }),
});

export default alert;
