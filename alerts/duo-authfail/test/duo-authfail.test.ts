import { describeAlert, negative, positive } from '@alertkit/harness';
import { alert } from '../src/index.js';

describeAlert(alert, {
  defaultEvent: { _source: { category: 'duosecurity' } },
  defaultAlert: {
    category: 'duosecurity',
    severity: 'WARNING',
    tags: ['duosecurity', 'duosecurity_auth_fail'],
    summary: 'A user marked a Duo authentication attempt as fraud: Example summary',
  },
  cases: [
    positive('a matching event alerts', [{}]),
    negative('an event of another category does not', [{ category: 'not-duosecurity' }]),
  ],
});
