import { Category, defineAlert, pyStr, Severity } from '@alertkit/core';
import { exists, match, search } from '@alertkit/query';

/**
 * AWS GuardDuty saw an address probing ports of an instance (a `PORT_PROBE` finding): one alert
 * per probing address. Port of MozDef's `AlertGuardDutyProbe` (alerts/guard_duty_probe.py).
 */
export const alert = defineAlert({
  name: 'guard-duty-probe',
  classname: 'AlertGuardDutyProbe',
  description: 'AWS GuardDuty reported an address probing ports of an instance',
  severity: Severity.INFO,
  category: Category.BRUTEFORCE,
  tags: ['guardduty', 'bruteforce'],
  criteria: search({ minutes: 20 }).must(
    match('source', 'guardduty'),
    match('details.finding.action.actionType', 'PORT_PROBE'),
    exists('details.sourceipaddress'),
  ),
  aggregate: { field: 'details.sourceipaddress', samples: 10, threshold: 1 },
  onAggregation: (group) => ({ summary: `Guard Duty Port Probe by ${pyStr(group.value)}` }),
});

export default alert;
