import { describeAlert, events, negative, positive } from '@alertkit/harness';
import { alert } from '../src/index.js';

// A failed login for bob; 10 of them within 5 minutes reach the threshold.
const failedLogin = {
  _source: { category: 'authentication', details: { username: 'bob', success: false } },
};

describeAlert(alert, {
  defaultEvent: failedLogin,
  defaultAlert: {
    category: 'authentication',
    severity: 'NOTICE',
    tags: ['auth', 'login'],
    summary: '10 failed logins for bob in the last 5 minutes',
  },
  // The alert carries 5 sample events; all 10 are tagged.
  numSamples: 5,
  cases: [
    positive('10 failed logins for one user alert', events({}, 10)),
    negative('9 failed logins do not', events({}, 9)),
  ],
});
