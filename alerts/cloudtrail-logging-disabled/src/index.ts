import { defineAlert } from '@alertkit/core';
import { match, search } from '@alertkit/query';

/**
 * CloudTrail logging was stopped
 */
export const alert = defineAlert({
  name: 'cloudtrail-logging-disabled',
  description: 'CloudTrail logging was stopped',
  severity: 'CRITICAL',
  category: 'AWSCloudtrail',
  tags: ['cloudtrail', 'aws', 'cloudtrail_logging_disabled'],
  // Which events it looks at: edit the clauses to describe what you detect.
  criteria: search({ minutes: 30 }).must(match('category', 'AWSCloudtrail')),
  onEvent: (event) => ({
    summary: 'CloudTrail logging was stopped: ' + (typeof event._source['summary'] === 'string' ? event._source['summary'] : event._id),
  }),
});

export default alert;
