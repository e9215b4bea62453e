import { describeAlert, negative, positive } from '@alertkit/harness';
import { alert } from '../src/index.js';

describeAlert(alert, {
  defaultEvent: { _source: { category: 'ldap' } },
  defaultAlert: {
    category: 'ldap',
    severity: 'INFO',
    tags: ['ldap'],
    summary: 'An LDAP entry was deleted: Example summary',
  },
  cases: [
    positive('a matching event alerts', [{}]),
    negative('an event of another category does not', [{ category: 'not-ldap' }]),
  ],
});
