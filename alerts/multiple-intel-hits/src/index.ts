import { Category, defineAlert, pyFormat, Severity, type JsonValue } from '@alertkit/core';
import { exists, match, search, terms } from '@alertkit/query';

/** Where Bro saw the indicator on the answering side: the hit's source address is the one to look at. */
const SOURCE_SIDE = ['Conn::IN_RESP', 'HTTP::IN_HOST_HEADER', 'DNS::IN_REQUEST'];
/** Where Bro saw it on the asking side: the destination address is the one to look at. */
const DESTINATION_SIDE = [
  'Conn::IN_ORIG',
  'HTTP::IN_X_CLUSTER_CLIENT_IP_HEADER',
  'HTTP::IN_X_FORWARDED_FOR_HEADER',
];
/** How many sample hits the summary describes. */
const DESCRIBED = 3;

/**
 * Python's `needle in haystack` for the JSON values `seenwhere` can hold: a substring of a
 * string, an element of a list, a key of an object. MozDef raised TypeError (and aborted the
 * run) for a number or null; alertkit treats them as not containing it.
 */
function pyContains(haystack: JsonValue | undefined, needle: string): boolean {
  if (typeof haystack === 'string') return haystack.includes(needle);
  if (Array.isArray(haystack)) return haystack.includes(needle);
  if (haystack !== null && typeof haystack === 'object') return Object.hasOwn(haystack, needle);
  return false;
}

/**
 * Ten or more Bro intel hits on one indicator (an address, domain, URL, certificate hash on a
 * threat feed) within 2 minutes, seen by the production sensors: something keeps talking to a
 * known-bad party. One alert per indicator, naming for up to three sample hits the address on
 * our side. Port of MozDef's `AlertMultipleIntelHits` (alerts/multiple_intel_hits.py).
 */
export const alert = defineAlert({
  name: 'multiple-intel-hits',
  classname: 'AlertMultipleIntelHits',
  description: 'Ten or more Bro intel hits on one indicator within 2 minutes',
  severity: Severity.NOTICE,
  category: Category.BRO,
  // One tag with commas in it, exactly as MozDef writes it.
  tags: ['nsm,bro,intel'],
  criteria: search({ minutes: 2 }).must(
    match('category', 'bro'),
    match('source', 'intel'),
    exists('details.seenindicator'),
    // hostname is a keyword: exactly one of MozDef's sensor names.
    terms('hostname', ['sensor1', 'sensor2', 'sensor3']),
  ),
  aggregate: { field: 'details.seenindicator', samples: 10, threshold: 10 },
  onAggregation: (group) => {
    const hostname = group.events[0]?._source.hostname;
    // MozDef's '{0} {1} {2} on {3}' with ' Bro intel match for indicator:' as {2}: two spaces.
    let summary = pyFormat(
      '{0} {1} {2} on {3}',
      group.count,
      hostname,
      ' Bro intel match for indicator:',
      group.value,
    );
    summary += ' sample hosts that hit it: ';
    for (const hit of group.events.slice(0, DESCRIBED)) {
      const details = hit._source.details;
      if (details === null || typeof details !== 'object' || Array.isArray(details)) continue;
      if (!Object.hasOwn(details, 'sourceipaddress') || !Object.hasOwn(details, 'seenwhere'))
        continue;
      const seenwhere = details.seenwhere;
      // Someone talking to the bad party, resolving its name or asked by it: the address on our
      // side. A missing destination address made MozDef raise KeyError; alertkit leaves it empty.
      let address: JsonValue | undefined = '';
      if (SOURCE_SIDE.some((where) => pyContains(seenwhere, where)))
        address = details.sourceipaddress;
      else if (DESTINATION_SIDE.some((where) => pyContains(seenwhere, where)))
        address = Object.hasOwn(details, 'destinationipaddress')
          ? details.destinationipaddress
          : '';
      summary += pyFormat('{0} in {1} ', address, seenwhere);
    }
    return { summary };
  },
});

export default alert;
