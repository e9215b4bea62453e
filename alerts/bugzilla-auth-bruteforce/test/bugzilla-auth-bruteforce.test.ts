import { describeAlert, negative, positive } from '@alertkit/harness';
import { alert } from '../src/index.js';

describeAlert(alert, {
  defaultEvent: { _source: { category: 'httperrors' } },
  defaultAlert: {
    category: 'httperrors',
    severity: 'NOTICE',
    tags: ['http'],
    summary: 'Bro notice: Bugzilla authentication brute force: Example summary',
  },
  cases: [
    positive('a matching event alerts', [{}]),
    negative('an event of another category does not', [{ category: 'not-httperrors' }]),
  ],
});
