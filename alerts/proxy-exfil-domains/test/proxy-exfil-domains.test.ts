import { resolveAlertConfig } from '@alertkit/core';
import {
  at,
  describeAlert,
  event,
  events,
  minutesAgo,
  negative,
  positive,
  runAlertCase,
} from '@alertkit/harness';
import { describe, expect, it } from 'vitest';
import { alert } from '../src/index.js';

// MozDef's tests/alerts/test_proxy_exfil_domains.py: 1.2.3.4 reached pastebin.com through the proxy.
const defaultEvent = {
  _source: { category: 'proxy', details: { sourceipaddress: '1.2.3.4', host: 'pastebin.com' } },
};
const withHost = (host: string | string[] | null) => event(defaultEvent, { details: { host } });
const defaultEvent2 = withHost('www.sendspace.com');
const defaultNegativeEvent = withHost('foo.mozilla.com');

const summary = (hosts: string, source = '1.2.3.4') =>
  `Proxy drop events detected from ${source} to the following domain(s) that are known for exfiltrating data: ${hosts}`;

const defaultAlert = {
  category: 'squid',
  tags: ['squid', 'proxy'],
  severity: 'WARNING',
  summary: summary('pastebin.com'),
};
const old = { utctimestamp: minutesAgo(241), receivedtimestamp: minutesAgo(241) };

describeAlert(alert, {
  defaultEvent,
  defaultAlert,
  cases: [
    // MozDef's cases (mozdef-cases/proxy_exfil_domains.json).
    positive('Positive test with default events and default alert expected', events({}, 1)),
    positive('Positive test with default events and default alert expected - dedup', events({}, 2)),
    positive(
      'Positive test with default events and default alert expected - dedup',
      events(defaultEvent2, 2),
      { summary: summary('www.sendspace.com') },
    ),
    positive(
      'Positive test with default events and default alert expected - different destinations',
      [event({}), defaultEvent2],
      {
        summary: summary('pastebin.com,www.sendspace.com'),
      },
    ),
    negative('Negative test with default negative event', [defaultNegativeEvent]),
    negative(
      'Negative test case with events with incorrect category',
      events({ category: 'bad' }, 10),
    ),
    negative('Negative test case with old timestamp', events(old, 10)),

    // must category proxy
    negative('a squid event not categorised as proxy does not alert', [
      event({ category: 'squid' }),
    ]),
    // should details.host per exfil domain: exact, case-sensitive, no subdomains
    negative('a subdomain of an exfil domain does not alert', [withHost('eu.pastebin.com')]),
    negative('the host is case-sensitive (Pastebin.com)', [withHost('Pastebin.com')]),
    negative('sendspace.com without www does not alert', [withHost('sendspace.com')]),
    negative('no host does not alert', [withHost(null)]),
    // no proxyaction filter despite the summary's wording
    positive('an allowed request (TCP_MISS) alerts too', [
      event({ details: { proxyaction: 'TCP_MISS' } }),
    ]),
    // aggregation on details.sourceipaddress (must exist)
    negative('no source address does not alert', [event({ details: { sourceipaddress: null } })]),
    // window: 20 minutes, utctimestamp OR receivedtimestamp, both edges inclusive
    positive(
      'exactly 20 minutes old is inside the window',
      events({ utctimestamp: minutesAgo(20), receivedtimestamp: minutesAgo(20) }, 1),
    ),
    negative(
      '20 minutes and 1 second old is outside the window',
      events({ utctimestamp: at('-20m1s'), receivedtimestamp: at('-20m1s') }, 1),
    ),
    positive(
      'an old utctimestamp with a recent receivedtimestamp is inside',
      events({ utctimestamp: minutesAgo(241), receivedtimestamp: minutesAgo(1) }, 1),
    ),
    // threshold 1
    negative('no events, no alert', []),
    // de-duplication
    negative(
      'events already in an AlertProxyExfilDomains alert do not alert again',
      events({ alert_names: ['AlertProxyExfilDomains'] }, 2),
    ),
    // an array host matched one domain but cannot be listed (MozDef's run crashed): no alert
    negative('an array host gets no alert', [withHost(['pastebin.com', 'x.example'])]),
  ],
});

// samples 10: the alert carries 10 events, every one of the group is tagged.
const samplesSuite = { defaultEvent, defaultAlert, numSamples: 10 };
const eleven = positive('11 events: the alert carries 10 samples', events({}, 11));
describeAlert(alert, { ...samplesSuite, cases: [eleven] });

describe('alert proxy-exfil-domains, beyond the harness cases', () => {
  it('tags all 11 events of the group although it carries 10', async () => {
    const run = await runAlertCase(alert, samplesSuite, eleven);
    const tagged = await run.store.getEvents(
      run.events.map(({ _index, _id }) => ({ _index, _id })),
    );
    expect(
      tagged.filter((e) => JSON.stringify(e._source.alert_names) === '["AlertProxyExfilDomains"]'),
    ).toHaveLength(11);
  });

  it('sends its should clauses with minimum_should_match 1', () => {
    const criteria =
      typeof alert.criteria === 'function'
        ? alert.criteria(resolveAlertConfig(alert, {}), { now: new Date() })
        : alert.criteria;
    const query = 'build' in criteria ? criteria.build().query : criteria.query;
    expect(query.should).toHaveLength(2);
    expect(query.minimumShouldMatch).toBe(1);
  });

  it('defaults to MozDef domains and refuses an empty list', () => {
    expect(resolveAlertConfig(alert, {})).toEqual({
      exfilDomains: ['pastebin.com', 'www.sendspace.com'],
    });
    expect(() => resolveAlertConfig(alert, { exfilDomains: [] })).toThrow(
      /exfilDomains: expected at least one host name/,
    );
    expect(() => resolveAlertConfig(alert, { exfilDomains: ['pastebin.com', ''] })).toThrow(
      /exfilDomains\.1: expected a host name/,
    );
    expect(() => resolveAlertConfig(alert, { exfilDomains: 'pastebin.com' })).toThrow(
      /exfilDomains: expected a list of host names/,
    );
    expect(() => resolveAlertConfig(alert, { exfil_domains: ['pastebin.com'] })).toThrow(
      /exfil_domains: unknown key/,
    );
  });
});

// The domains come from config.
describeAlert(alert, {
  defaultEvent,
  defaultAlert: { ...defaultAlert, summary: summary('transfer.sh') },
  config: { exfilDomains: ['transfer.sh'] },
  cases: [
    positive('a configured domain alerts', [withHost('transfer.sh')]),
    negative('pastebin.com no longer alerts once it is off the list', events({}, 1)),
  ],
});
