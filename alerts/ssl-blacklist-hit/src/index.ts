import { Category, defineAlert, pyFormat, Severity } from '@alertkit/core';
import { exists, match, search } from '@alertkit/query';

/**
 * Bro's intel framework matched a TLS certificate (or its host) against abuse.ch's SSL
 * Blacklist, a list of certificates used by botnet command-and-control servers and malware
 * sites: a host talked to one. The alert forwards each such intel hit, one alert per event.
 *
 * Port of MozDef's `AlertSSLBlacklistHit` (alerts/ssl_blacklist_hit.py).
 */
export const alert = defineAlert({
  name: 'ssl-blacklist-hit',
  classname: 'AlertSSLBlacklistHit',
  description: "Bro intel: a connection used a TLS certificate on abuse.ch's SSL Blacklist",
  severity: Severity.NOTICE,
  category: Category.CORRELATED_ALERTS,
  // One tag with commas in it, exactly as MozDef writes it.
  tags: ['nsm,bro,correlated'],
  criteria: search({ minutes: 15 }).must(
    match('eventsource', 'nsm'),
    match('category', 'brointel'),
    // details.sources is a keyword (a list of feed names): one element equal to this name.
    match('details.sources', 'abuse.ch SSLBL'),
    exists('details.sourceipaddress'),
  ),
  onEvent(event) {
    // MozDef reads both with `event['_source'][key]`: a missing key raised KeyError and aborted
    // the whole run (no alert for this or any later event). alertkit skips this event only.
    if (!Object.hasOwn(event._source, 'hostname') || !Object.hasOwn(event._source, 'summary'))
      return null;
    // The event's own summary, prefixed with the sensor (Python str(): null -> None).
    return { summary: pyFormat('{0} {1}', event._source.hostname, event._source.summary) };
  },
});

export default alert;
