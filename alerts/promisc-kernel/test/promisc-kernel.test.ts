import {
  at,
  describeAlert,
  event,
  events,
  minutesAgo,
  negative,
  positive,
  runAlertCase,
  type Timestamp,
} from '@alertkit/harness';
import { describe, expect, it } from 'vitest';
import { alert } from '../src/index.js';

// MozDef's tests/alerts/test_promisc_kernel.py: the kernel's line for eth0, ten times.
const suite = {
  defaultEvent: {
    _source: {
      category: 'syslog',
      summary: 'device eth0 entered promiscuous mode',
      hostname: 'logging.server.com',
      details: { program: 'kernel' },
    },
  },
  defaultAlert: {
    category: 'promisc',
    severity: 'WARNING',
    summary: 'Promiscuous mode enabled on logging.server.com [10]',
    tags: ['promisc', 'kernel'],
  },
};

const timed = (time: Timestamp) => ({ utctimestamp: time, receivedtimestamp: time });
const oneLine = { summary: 'Promiscuous mode enabled on logging.server.com [1]' };

// Every case of MozDef's test (2 positive, 4 negative). MozDef ships no case file for this
// alert, so they are written from its test source, events and descriptions unchanged.
const mozdefCases = [
  positive('Positive test case with good event', events({}, 10)),
  positive(
    'Positive test case with an event with somewhat old timestamp',
    events(timed(minutesAgo(1)), 10),
  ),
  negative('Negative test case with bad eventName', events({ category: 'badcategory' }, 10)),
  negative(
    'Negative test case with bad summary',
    events({ summary: 'Promisc: Interface eth0 set promiscuous off' }, 10),
  ),
  negative(
    'Negative test case with a bad interface',
    events({ summary: 'device vethc0c001e entered promiscuous mode' }, 10),
  ),
  negative('Negative test case with old timestamp', events(timed(minutesAgo(3)), 10)),
];

// The threshold pair (threshold 1), one positive and one negative case per criterion, the window
// edges and de-duplication.
const criterionCases = [
  negative('threshold 1: no line, no alert', []),
  positive('threshold 1: one line alerts', [event({})], oneLine),
  negative("category must be exactly 'syslog'", [event({ category: 'Syslog' })]),
  positive(
    'the summary words are matched case-insensitively, in any order',
    [event({ summary: 'Promiscuous mode ENTERED by device eth1' })],
    oneLine,
  ),
  negative("'left promiscuous mode' has no 'entered'", [
    event({ summary: 'device eth0 left promiscuous mode' }),
  ]),
  negative("'promisc' is not the word 'promiscuous'", [
    event({ summary: 'device eth0 entered promisc mode' }),
  ]),
  // must_not summary: veth* — any analysed (lower-cased) summary word starting with veth.
  negative("a word starting with 'VETH' is excluded too (summary words are lower-cased)", [
    event({ summary: 'device VETH42 entered promiscuous mode' }),
  ]),
  negative("'veth' anywhere as a word start excludes the line", [
    event({ summary: 'device eth0 entered promiscuous mode (bridge of veth9)' }),
  ]),
  positive(
    "a word that merely contains 'veth' is not excluded (brveth0)",
    [event({ summary: 'device brveth0 entered promiscuous mode' })],
    { summary: 'Promiscuous mode enabled on logging.server.com [1]' },
  ),
  negative('an event without hostname has nothing to group by', [event({ hostname: null })]),
  positive('exactly at the window edge (2 minutes ago) is in', [event(timed(at('-2m')))], oneLine),
  negative('one second outside the window is out', [event(timed(at('-2m1s')))]),
  negative('lines already used by this alert do not alert again', [
    event({ alert_names: ['PromiscKernel'] }),
  ]),
];

describeAlert(alert, { ...suite, cases: [...mozdefCases, ...criterionCases] });

describe('groups and samples', () => {
  it('one alert per host, each with its own count', async () => {
    const run = await runAlertCase(
      alert,
      { ...suite, defaultAlert: { category: 'promisc' }, numSamples: 3 },
      positive('two hosts', [...events({}, 3), ...events({ hostname: 'capture.example.com' }, 3)]),
    );
    expect(run.alerts.map((a) => a._source.summary).sort()).toEqual([
      'Promiscuous mode enabled on capture.example.com [3]',
      'Promiscuous mode enabled on logging.server.com [3]',
    ]);
  });

  it('12 lines on one host: the alert counts 12, carries 10, all 12 are tagged', async () => {
    const run = await runAlertCase(
      alert,
      { ...suite, numSamples: 10 },
      positive('12 lines', events({}, 12), {
        summary: 'Promiscuous mode enabled on logging.server.com [12]',
      }),
    );
    const stored = await run.store.getEvents(
      run.events.map(({ _index, _id }) => ({ _index, _id })),
    );
    expect(stored).toHaveLength(12);
    for (const tagged of stored) expect(tagged._source.alert_names).toEqual(['PromiscKernel']);
  });
});
