import { describeAlert, negative, positive } from '@alertkit/harness';
import { alert } from '../src/index.js';

describeAlert(alert, {
  defaultEvent: { _source: { category: 'AWSCloudtrail' } },
  defaultAlert: {
    category: 'AWSCloudtrail',
    severity: 'CRITICAL',
    tags: ['cloudtrail', 'aws', 'cloudtrail_logging_disabled'],
    summary: 'CloudTrail logging was stopped: Example summary',
  },
  cases: [
    positive('a matching event alerts', [{}]),
    negative('an event of another category does not', [{ category: 'not-AWSCloudtrail' }]),
  ],
});
