import { describeAlert, negative, positive } from '@alertkit/harness';
import { alert } from '../src/index.js';

describeAlert(alert, {
  defaultEvent: { _source: { category: 'bruteforce' } },
  defaultAlert: {
    category: 'bruteforce',
    severity: 'NOTICE',
    tags: ['http'],
    summary: 'Bro notice: ssh password guessing: Example summary',
  },
  cases: [
    positive('a matching event alerts', [{}]),
    negative('an event of another category does not', [{ category: 'not-bruteforce' }]),
  ],
});
