import { defineAlert } from '@alertkit/core';
import { match, search } from '@alertkit/query';

/**
 * An LDAP entry was deleted
 */
export const alert = defineAlert({
  name: 'ldap-delete',
  description: 'An LDAP entry was deleted',
  severity: 'INFO',
  category: 'ldap',
  tags: ['ldap'],
  // Which events it looks at: edit the clauses to describe what you detect.
  criteria: search({ minutes: 15 }).must(match('category', 'ldap')),
  onEvent: (event) => ({
    summary: 'An LDAP entry was deleted: ' + (typeof event._source['summary'] === 'string' ? event._source['summary'] : event._id),
  }),
});

export default alert;
