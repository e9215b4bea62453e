import type { AlertDocument } from '@alertkit/core';
import type { AlertPlugin } from '@alertkit/runner';
import { detailsOf, isIPv4, isIPv6, objectAt } from './common.js';

/** Appends a note to the alert's `errors` list (MozDef's `addError`; a non-list is left alone). */
function addError(alert: AlertDocument, error: string): void {
  if (!('errors' in alert)) alert['errors'] = [];
  const errors = alert['errors'];
  if (Array.isArray(errors)) errors.push(error);
}

/**
 * Puts the source and destination address of the alert's first event into the alert's
 * `details` (MozDef's `alerts/plugins/ipaddr.py`, priority 1 so later plugins see them):
 * `sourceipaddress`/`sourceipv4address` for IPv4; an IPv6 source is moved to the event's
 * `sourceipv6address` and `sourceipaddress` becomes `0.0.0.0` with an `errors` note; anything
 * else goes to `details.source` with `sourceipaddress: null`. The same for the destination (its
 * IPv6 address goes to `details.destinationipv6address`). `http_x_forwarded_for` (its first entry)
 * is tried first, `cluster_client_ip` (IPv4) wins last.
 */
export const ipaddrPlugin: AlertPlugin = {
  name: 'ipaddr',
  registration: ['*'],
  priority: 1,
  onAlert(alert) {
    const source = objectAt(alert.events[0]?.documentsource);
    const event = objectAt(source?.['details']);
    if (!event) return alert;
    const details = detailsOf(alert);
    // The forwarded header can be spoofed: tried first, overridden by better fields below.
    const forwarded = event['http_x_forwarded_for'];
    if (typeof forwarded === 'string') {
      const ip = forwarded.split(',')[0] ?? '';
      if (isIPv4(ip) && !('sourceipaddress' in event)) details['sourceipaddress'] = ip;
      if (isIPv4(ip) && !('sourceipv4address' in event)) details['sourceipv4address'] = ip;
      if (isIPv6(ip) && !('sourceipv6address' in event)) details['sourceipv6address'] = ip;
    }
    if ('sourceipaddress' in event) {
      const ip = event['sourceipaddress'];
      if (isIPv6(ip)) {
        // As MozDef: the IPv6 address is written onto the event's details, not the alert's.
        event['sourceipv6address'] = ip;
        details['sourceipaddress'] = '0.0.0.0';
        addError(alert, 'plugin: ipFixUp.py error: sourceipaddress is ipv6, moved');
      } else if (isIPv4(ip)) {
        details['sourceipv4address'] = ip;
        details['sourceipaddress'] = ip;
      } else {
        // Smells like a hostname: kept as the source.
        details['source'] = ip ?? null;
        details['sourceipaddress'] = null;
      }
    }
    if ('destinationipaddress' in event) {
      const ip = event['destinationipaddress'];
      if (isIPv6(ip)) {
        details['destinationipv6address'] = ip;
        details['destinationipaddress'] = '0.0.0.0';
        addError(alert, 'plugin: ipFixUp.py error: destinationipaddress is ipv6, moved');
      } else if (isIPv4(ip)) {
        details['destinationipv4address'] = ip;
        details['destinationipaddress'] = ip;
      } else {
        details['destination'] = ip ?? null;
        details['destinationipaddress'] = null;
      }
    }
    const cluster = event['cluster_client_ip'];
    if (isIPv4(cluster)) details['sourceipaddress'] = cluster;
    return alert;
  },
};

export default ipaddrPlugin;
