import { describeAlert, negative, positive, events, nested } from '@alertkit/harness';
import { alert } from '../src/index.js';

// Events with the same details.sourceipaddress form one group; 1 of them reach the threshold.
const threshold = 1;
const value = '10.0.0.1';

describeAlert(alert, {
  defaultEvent: { _source: { category: 'squid', ...nested('details.sourceipaddress', value) } },
  defaultAlert: {
    category: 'squid',
    severity: 'WARNING',
    tags: ['squid', 'proxy'],
    summary: 'Proxy traffic to domains known for data exfiltration: ' + String(threshold) + ' events for ' + value,
  },
  // An alert carries at most 5 sample events (every event of the group is tagged).
  numSamples: Math.min(threshold, 5),
  cases: [
    positive('the threshold reached alerts', events({}, threshold)),
    negative('one event below the threshold does not', events({}, threshold - 1)),
  ],
});
