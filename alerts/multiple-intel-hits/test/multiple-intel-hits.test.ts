import { runAlert, type StoredEvent } from '@alertkit/core';
import {
  DEFAULT_NOW,
  at,
  describeAlert,
  event,
  events,
  isoformat,
  minutesAgo,
  negative,
  positive,
  runAlertCase,
  type AlertSuiteOptions,
  type Timestamp,
} from '@alertkit/harness';
import { createEmbeddedStore } from '@alertkit/query';
import { describe, expect, it } from 'vitest';
import { alert } from '../src/index.js';

// MozDef has no test for this alert; these cases are written from the alert itself. The event is
// a Bro intel hit as MozDef's Bro pipeline stores it: 10.1.2.3 looked up a listed domain.
const suite: AlertSuiteOptions = {
  defaultEvent: {
    _source: {
      category: 'bro',
      source: 'intel',
      hostname: 'sensor1',
      summary: 'Bro intel hit: evil.example.com seen in DNS::IN_REQUEST',
      details: {
        seenindicator: 'evil.example.com',
        seenwhere: 'DNS::IN_REQUEST',
        sourceipaddress: '10.1.2.3',
        destinationipaddress: '10.0.0.53',
      },
    },
  },
  defaultAlert: {
    category: 'bro',
    tags: ['nsm,bro,intel'],
    severity: 'NOTICE',
    summary: summaryOf(10, 'sensor1', 'evil.example.com', '10.1.2.3 in DNS::IN_REQUEST '.repeat(3)),
  },
};

/** MozDef's summary: note the two spaces before `Bro` and the trailing space of each sample. */
function summaryOf(count: number, sensor: string, indicator: string, samples: string): string {
  return `${count} ${sensor}  Bro intel match for indicator: on ${indicator} sample hosts that hit it: ${samples}`;
}

const timed = (time: Timestamp) => ({ utctimestamp: time, receivedtimestamp: time });
const seen = (seenwhere: unknown) =>
  ({ details: { seenwhere } }) as { details: { seenwhere: never } };

const cases = [
  // The threshold pair: 10 hits on one indicator.
  negative('threshold 10: nine hits do not alert', events({}, 9)),
  positive('threshold 10: ten hits alert', events({}, 10)),
  // must category bro, source intel
  negative('hits of another category do not count', events({ category: 'brointel' }, 10)),
  negative('Bro events of another log do not count (notice)', events({ source: 'notice' }, 10)),
  // must exists details.seenindicator (also the aggregation field)
  negative(
    'hits without an indicator do not count',
    events({ details: { seenindicator: null } }, 10),
  ),
  // must hostname in sensor1..3 (keyword: exact, case-sensitive)
  positive('hits from sensor3 count', events({ hostname: 'sensor3' }, 10), {
    summary: summaryOf(10, 'sensor3', 'evil.example.com', '10.1.2.3 in DNS::IN_REQUEST '.repeat(3)),
  }),
  negative('hits from another sensor do not count', events({ hostname: 'sensor4' }, 10)),
  negative("the sensor name is case-sensitive ('Sensor1')", events({ hostname: 'Sensor1' }, 10)),
  negative('nine hits on one indicator and one on another do not alert', [
    ...events({}, 9),
    event({ details: { seenindicator: 'other.example.com' } }),
  ]),
  // window: 2 minutes, utctimestamp OR receivedtimestamp, both edges inclusive
  positive('exactly 2 minutes old is inside the window', events(timed(at('-2m')), 10)),
  negative('2 minutes and 1 second old is outside the window', events(timed(at('-2m1s')), 10)),
  positive(
    'an old utctimestamp with a recent receivedtimestamp is inside',
    events({ utctimestamp: minutesAgo(30), receivedtimestamp: minutesAgo(1) }, 10),
  ),
  negative(
    'hits already in an alert do not count again',
    events({ alert_names: ['AlertMultipleIntelHits'] }, 10),
  ),
  // Which address the summary names, by where Bro saw the indicator.
  positive('Conn::IN_RESP names the source address', events(seen('Conn::IN_RESP'), 10), {
    summary: summaryOf(10, 'sensor1', 'evil.example.com', '10.1.2.3 in Conn::IN_RESP '.repeat(3)),
  }),
  positive(
    'HTTP::IN_HOST_HEADER names the source address',
    events(seen('HTTP::IN_HOST_HEADER'), 10),
    {
      summary: summaryOf(
        10,
        'sensor1',
        'evil.example.com',
        '10.1.2.3 in HTTP::IN_HOST_HEADER '.repeat(3),
      ),
    },
  ),
  positive('Conn::IN_ORIG names the destination address', events(seen('Conn::IN_ORIG'), 10), {
    summary: summaryOf(10, 'sensor1', 'evil.example.com', '10.0.0.53 in Conn::IN_ORIG '.repeat(3)),
  }),
  positive(
    'HTTP::IN_X_FORWARDED_FOR_HEADER names the destination address',
    events(seen('HTTP::IN_X_FORWARDED_FOR_HEADER'), 10),
    {
      summary: summaryOf(
        10,
        'sensor1',
        'evil.example.com',
        '10.0.0.53 in HTTP::IN_X_FORWARDED_FOR_HEADER '.repeat(3),
      ),
    },
  ),
  positive(
    'HTTP::IN_X_CLUSTER_CLIENT_IP_HEADER names the destination address',
    events(seen('HTTP::IN_X_CLUSTER_CLIENT_IP_HEADER'), 10),
    {
      summary: summaryOf(
        10,
        'sensor1',
        'evil.example.com',
        '10.0.0.53 in HTTP::IN_X_CLUSTER_CLIENT_IP_HEADER '.repeat(3),
      ),
    },
  ),
  positive('another place names no address', events(seen('SMTP::IN_FROM'), 10), {
    summary: summaryOf(10, 'sensor1', 'evil.example.com', ' in SMTP::IN_FROM '.repeat(3)),
  }),
  positive(
    'a list of places is searched by element and printed as Python prints a list',
    events(seen(['Conn::IN_RESP', 'DNS::IN_REQUEST']), 10),
    {
      summary: summaryOf(
        10,
        'sensor1',
        'evil.example.com',
        "10.1.2.3 in ['Conn::IN_RESP', 'DNS::IN_REQUEST'] ".repeat(3),
      ),
    },
  ),
  positive(
    'the source side wins when a place names both sides (Python substring test)',
    events(seen('Conn::IN_ORIG,Conn::IN_RESP'), 10),
    {
      summary: summaryOf(
        10,
        'sensor1',
        'evil.example.com',
        '10.1.2.3 in Conn::IN_ORIG,Conn::IN_RESP '.repeat(3),
      ),
    },
  ),
  positive(
    'a null destination address prints as None (Python str)',
    events({ details: { seenwhere: 'Conn::IN_ORIG', destinationipaddress: null } }, 10),
    { summary: summaryOf(10, 'sensor1', 'evil.example.com', 'None in Conn::IN_ORIG '.repeat(3)) },
  ),
  positive('a null place names no address (MozDef raised TypeError)', events(seen(null), 10), {
    summary: summaryOf(10, 'sensor1', 'evil.example.com', ' in None '.repeat(3)),
  }),
];

describeAlert(alert, { ...suite, cases });

/** The suite's hit with some detail keys left out (a case's events can only add keys). */
function without(...keys: string[]): AlertSuiteOptions {
  const details: Record<string, string> = {
    seenindicator: 'evil.example.com',
    seenwhere: 'DNS::IN_REQUEST',
    sourceipaddress: '10.1.2.3',
    destinationipaddress: '10.0.0.53',
  };
  for (const key of keys) delete details[key];
  return {
    ...suite,
    defaultEvent: {
      _source: {
        category: 'bro',
        source: 'intel',
        hostname: 'sensor1',
        summary: 'Bro intel hit',
        details,
      },
    },
  };
}

describe('hits the summary cannot describe', () => {
  describeAlert(alert, {
    ...without('seenwhere'),
    cases: [
      positive('without seenwhere a hit is left out of the samples', events({}, 10), {
        summary: summaryOf(10, 'sensor1', 'evil.example.com', ''),
      }),
    ],
  });
  it('without a source address a hit is left out of the samples', async () => {
    // Built by hand: the harness's generic event always carries a source address.
    const now = isoformat(DEFAULT_NOW);
    const hits: StoredEvent[] = Array.from({ length: 10 }, (_, i) => ({
      _index: 'events',
      _id: `hit-${i}`,
      _source: {
        utctimestamp: now,
        receivedtimestamp: now,
        category: 'bro',
        source: 'intel',
        hostname: 'sensor1',
        details: { seenindicator: 'evil.example.com', seenwhere: 'DNS::IN_REQUEST' },
      },
    }));
    const store = createEmbeddedStore({ events: hits });
    const result = await runAlert(alert, store, { now: DEFAULT_NOW });
    expect(result.alerts.map((a) => a._source.summary)).toEqual([
      summaryOf(10, 'sensor1', 'evil.example.com', ''),
    ]);
  });
  describeAlert(alert, {
    ...without('destinationipaddress'),
    cases: [
      positive(
        'a destination-side hit without a destination address names none (MozDef raised KeyError)',
        events(seen('Conn::IN_ORIG'), 10),
        { summary: summaryOf(10, 'sensor1', 'evil.example.com', ' in Conn::IN_ORIG '.repeat(3)) },
      ),
    ],
  });
});

describe('groups and samples', () => {
  it('one alert per indicator; hits of the three sensors count together', async () => {
    const run = await runAlertCase(
      alert,
      { ...suite, numSamples: 10, defaultAlert: { category: 'bro' } },
      positive('two indicators', [
        ...events({ hostname: 'sensor2' }, 5),
        ...events({ hostname: 'sensor3' }, 5),
        ...events({ details: { seenindicator: '203.0.113.9', seenwhere: 'Conn::IN_ORIG' } }, 10),
      ]),
    );
    const summaries = run.alerts.map((a) => a._source.summary).sort();
    expect(summaries).toHaveLength(2);
    expect(summaries[0]).toBe(
      summaryOf(10, 'sensor1', '203.0.113.9', '10.0.0.53 in Conn::IN_ORIG '.repeat(3)),
    );
    expect(summaries[1]).toMatch(
      /^10 sensor[23] {2}Bro intel match for indicator: on evil\.example\.com sample hosts that hit it: (10\.1\.2\.3 in DNS::IN_REQUEST ){3}$/,
    );
  });

  it('12 hits: the alert counts 12, carries 10, tags all 12', async () => {
    const run = await runAlertCase(
      alert,
      { ...suite, numSamples: 10 },
      positive('12 hits', events({}, 12), {
        summary: summaryOf(
          12,
          'sensor1',
          'evil.example.com',
          '10.1.2.3 in DNS::IN_REQUEST '.repeat(3),
        ),
      }),
    );
    const stored = await run.store.getEvents(
      run.events.map(({ _index, _id }) => ({ _index, _id })),
    );
    expect(stored).toHaveLength(12);
    for (const tagged of stored)
      expect(tagged._source.alert_names).toEqual(['AlertMultipleIntelHits']);
  });
});
