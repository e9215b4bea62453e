import { Category, defineAlert, pyStr, Severity } from '@alertkit/core';
import { match, phrase, search } from '@alertkit/query';

/**
 * Many failed Duo authentications of one user on the OpenVPN integration within 2 minutes:
 * someone with the user's password hammering the second factor (push fatigue), or a broken
 * client. Port of MozDef's `AlertManyVPNDuoAuthFailures` (alerts/vpn_duo_auth_failures.py).
 */
export const alert = defineAlert({
  name: 'vpn-duo-auth-failures',
  classname: 'AlertManyVPNDuoAuthFailures',
  description:
    'At least 5 failed Duo authentications of one user on the OpenVPN integration within 2 minutes',
  severity: Severity.NOTICE,
  category: Category.OPENVPN,
  tags: ['vpn', 'auth', 'duo'],
  criteria: search({ minutes: 2 }).must(
    match('category', 'event'),
    match('tags', 'duosecurity'),
    // Both keyword fields: a phrase is the exact whole value.
    phrase('details.integration', 'global and external openvpn'),
    phrase('details.result', 'FAILURE'),
  ),
  aggregate: { field: 'details.username', samples: 5, threshold: 5 },
  onAggregation: (group, { helpers }) => {
    let summary = `${group.count} openvpn authentication attempts by ${pyStr(group.value)}`;
    // The addresses tried from most, as MozDef lists them: top 5, count descending, ties first seen.
    for (const { value, count } of helpers
      .mostCommon(group.allEvents, '_source.details.ip')
      .slice(0, 5)) {
      summary += ` ${pyStr(value)} (${count} hits)`;
    }
    return { summary };
  },
});

export default alert;
