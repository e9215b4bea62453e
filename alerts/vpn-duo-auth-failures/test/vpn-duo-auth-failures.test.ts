import { describeAlert, negative, positive, events, nested } from '@alertkit/harness';
import { alert } from '../src/index.js';

// Events with the same details.username form one group; 5 of them reach the threshold.
const threshold = 5;
const value = '10.0.0.1';

describeAlert(alert, {
  defaultEvent: { _source: { category: 'openvpn', ...nested('details.username', value) } },
  defaultAlert: {
    category: 'openvpn',
    severity: 'NOTICE',
    tags: ['vpn', 'auth', 'duo'],
    summary: 'Many failed OpenVPN Duo logins for one user: ' + String(threshold) + ' events for ' + value,
  },
  // An alert carries at most 5 sample events (every event of the group is tagged).
  numSamples: Math.min(threshold, 5),
  cases: [
    positive('the threshold reached alerts', events({}, threshold)),
    negative('one event below the threshold does not', events({}, threshold - 1)),
  ],
});
