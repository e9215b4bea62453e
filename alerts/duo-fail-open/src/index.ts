import { Category, defineAlert, pyStr, Severity } from '@alertkit/core';
import { phrase, search } from '@alertkit/query';

/**
 * Duo fail-open: the VPN's Duo plugin could not reach Duo and let a login through on the
 * password alone ("Failsafe Duo login"). Port of MozDef's `AlertDuoFailOpen` (alerts/duo_fail_open.py).
 */
export const alert = defineAlert({
  name: 'duo-fail-open',
  classname: 'AlertDuoFailOpen',
  description: 'Duo could not be reached and a host let a login through without the second factor',
  severity: Severity.WARNING,
  category: Category.BYPASS,
  tags: ['openvpn', 'duosecurity'],
  criteria: search({ minutes: 15 }).must(phrase('summary', 'Failsafe Duo login')),
  aggregate: { field: 'hostname', samples: 10, threshold: 1 },
  onAggregation: (group) => ({
    summary: `DuoSecurity contact failed, fail open triggered on ${pyStr(group.value)}`,
  }),
});

export default alert;
