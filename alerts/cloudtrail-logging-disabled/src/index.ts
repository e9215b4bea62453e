import { Category, Severity, defineAlert, pyStr, valueByPath } from '@alertkit/core';
import { match, search } from '@alertkit/query';

/**
 * Someone stopped a CloudTrail trail (`StopLogging`): AWS API calls stop being recorded, which is
 * what an attacker does before acting in an account, so this is CRITICAL and goes to the chat
 * bot. Calls that AWS refused (`errorcode: AccessDenied`) are left out. One alert per event.
 * Port of MozDef's `AlertCloudtrailLoggingDisabled` (alerts/cloudtrail_logging_disabled.py).
 *
 * The summary is `Cloudtrail Logging Disabled: ` + the trail's name
 * (`details.requestparameters.name`). One deliberate difference: MozDef concatenated the name
 * with `+`, so an event without it (KeyError) or with a null or non-text name (TypeError)
 * aborted the whole run: that StopLogging and every later one went unreported, on every run
 * while the event stayed in the window. Here the alert is raised and the name printed as
 * Python's `str()` would (`None` when absent or null).
 */
export const alert = defineAlert({
  name: 'cloudtrail-logging-disabled',
  classname: 'AlertCloudtrailLoggingDisabled',
  description: 'Someone stopped CloudTrail logging (StopLogging)',
  severity: Severity.CRITICAL,
  category: Category.AWS_CLOUDTRAIL,
  tags: ['cloudtrail', 'aws', 'cloudtrail_logging_disabled'],
  criteria: search({ minutes: 30 })
    .must(match('source', 'cloudtrail'), match('details.eventname', 'StopLogging'))
    // Top-level `errorcode`, as in MozDef.
    .mustNot(match('errorcode', 'AccessDenied')),
  onEvent: (event) => ({
    summary:
      'Cloudtrail Logging Disabled: ' +
      pyStr(valueByPath(event._source, 'details.requestparameters.name') ?? null),
  }),
});

export default alert;
