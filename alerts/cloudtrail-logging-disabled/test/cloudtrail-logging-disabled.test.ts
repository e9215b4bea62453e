import {
  at,
  describeAlert,
  hoursAgo,
  minutesAgo,
  negative,
  positive,
  runAlertCase,
  type Timestamp,
} from '@alertkit/harness';
import { expect, it } from 'vitest';
import { alert } from '../src/index.js';

// MozDef's tests/alerts/test_cloudtrail_logging_disabled.py: a StopLogging call on a trail.
const stopLogging = {
  _source: {
    source: 'cloudtrail',
    details: {
      eventname: 'StopLogging',
      requestparameters: { name: 'cloudtrail_example_name' },
    },
  },
};
const defaultAlert = {
  category: 'AWSCloudtrail',
  severity: 'CRITICAL',
  tags: ['cloudtrail', 'aws', 'cloudtrail_logging_disabled'],
};

const timestamps = (time: Timestamp) => ({ utctimestamp: time, receivedtimestamp: time });

describeAlert(alert, {
  defaultEvent: stopLogging,
  defaultAlert: {
    ...defaultAlert,
    summary: 'Cloudtrail Logging Disabled: cloudtrail_example_name',
  },
  cases: [
    // MozDef's cases (2 positive, 4 negative).
    positive('Positive test case with good event', [{}]),
    positive('Positive test case with an event with somewhat old timestamp', [
      timestamps(minutesAgo(29)),
    ]),
    negative('Negative test case with bad event source', [{ source: 'event' }]),
    negative('Negative test case with bad eventName', [{ details: { eventname: 'Badeventname' } }]),
    negative('Negative test case with old timestamp', [timestamps(minutesAgo(31))]),
    negative('Negative test case with excluding errorCode', [{ errorcode: 'AccessDenied' }]),

    // must source = cloudtrail and details.eventname = StopLogging: exact, case-sensitive.
    negative('a source differing only in case does not match', [{ source: 'CloudTrail' }]),
    negative('starting logging (StartLogging) does not match', [
      { details: { eventname: 'StartLogging' } },
    ]),
    negative('deleting a trail (DeleteTrail) is not this alert', [
      { details: { eventname: 'DeleteTrail' } },
    ]),
    negative('an event name differing only in case does not match', [
      { details: { eventname: 'stoplogging' } },
    ]),
    // must_not errorcode = AccessDenied (top-level errorcode only).
    positive('a call that failed for another reason still alerts', [
      { errorcode: 'TrailNotFoundException' },
    ]),
    positive('AccessDenied under details (not the top-level errorcode) still alerts', [
      { details: { errorcode: 'AccessDenied' } },
    ]),
    // The 30-minute window on utctimestamp OR receivedtimestamp, both edges inclusive.
    positive('a call exactly 30 minutes old is in the window', [timestamps(minutesAgo(30))]),
    negative('a call 30 minutes and 1 second old is out of the window', [timestamps(at('-30m1s'))]),
    positive('an old utctimestamp with a recent receivedtimestamp is in the window', [
      { utctimestamp: hoursAgo(2), receivedtimestamp: minutesAgo(1) },
    ]),
    positive('a recent utctimestamp with an old receivedtimestamp is in the window', [
      { utctimestamp: minutesAgo(1), receivedtimestamp: hoursAgo(2) },
    ]),
    negative('a call 1 second in the future is after the window', [timestamps(at('+1s'))]),
    // De-duplication (must_not alert_names = AlertCloudtrailLoggingDisabled).
    negative('a call already tagged by this alert does not alert again', [
      { alert_names: ['AlertCloudtrailLoggingDisabled'] },
    ]),
    // FIX: MozDef concatenated the name with +: a null one raised a TypeError and aborted the run.
    positive(
      'FIX: a null trail name alerts with None as the name (MozDef: TypeError)',
      [{ details: { requestparameters: { name: null } } }],
      { summary: 'Cloudtrail Logging Disabled: None' },
    ),
    positive(
      'FIX: a trail name that is not text is printed as Python would (MozDef: TypeError)',
      [{ details: { requestparameters: { name: ['trail-a', 'trail-b'] } } }],
      { summary: "Cloudtrail Logging Disabled: ['trail-a', 'trail-b']" },
    ),
  ],
});

// FIX: an event without details.requestparameters.name made MozDef's onEvent raise a KeyError
// that aborted the run: no alert for it nor for any StopLogging after it, on every run while it
// stayed in the window. The port raises the alert with None as the name.
const namelessStopLogging = {
  _source: { source: 'cloudtrail', details: { eventname: 'StopLogging' } },
};
describeAlert(alert, {
  defaultEvent: namelessStopLogging,
  defaultAlert: { ...defaultAlert, summary: 'Cloudtrail Logging Disabled: None' },
  cases: [
    positive('FIX: a StopLogging without requestparameters alerts with None (MozDef: KeyError)', [
      {},
    ]),
    positive(
      'FIX: a StopLogging with requestparameters but no name alerts with None (MozDef: KeyError)',
      [{ details: { requestparameters: { includeShadowTrails: true } } }],
    ),
  ],
});

it('FIX: a StopLogging without a name does not stop the alerts on the other StopLogging calls', async () => {
  const run = await runAlertCase(
    alert,
    { defaultEvent: namelessStopLogging, defaultAlert: {}, numSamples: 1 },
    positive('a nameless call between two named ones', [
      { details: { requestparameters: { name: 'trail-a' } } },
      {},
      { details: { requestparameters: { name: 'trail-b' } } },
    ]),
  );
  const alerts = run.alerts.map((a) => [a._source.summary, a._source.events[0]?.documentid]);
  expect(alerts.sort()).toEqual([
    ['Cloudtrail Logging Disabled: None', 'event-2'],
    ['Cloudtrail Logging Disabled: trail-a', 'event-1'],
    ['Cloudtrail Logging Disabled: trail-b', 'event-3'],
  ]);
  expect(run.result.taggedEvents).toBe(3);
});
