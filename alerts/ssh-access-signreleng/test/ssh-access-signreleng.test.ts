import { resolveAlertConfig, runAlert } from '@alertkit/core';
import { createEmbeddedStore } from '@alertkit/query';
import {
  at,
  describeAlert,
  event,
  hoursAgo,
  minutesAgo,
  negative,
  positive,
  type Timestamp,
} from '@alertkit/harness';
import { describe, expect, it } from 'vitest';
import { alert } from '../src/index.js';

// MozDef's tests/alerts/test_ssh_access_signreleng.py: ttesterson logs in to host1 with a key.
const suite = {
  defaultEvent: {
    _source: {
      tags: ['releng'],
      hostname: 'host1',
      summary: 'Accepted publickey for ttesterson from 1.2.3.4 port 39190 ssh2',
      details: { sourceipaddress: '1.2.3.4', program: 'sshd' },
    },
  },
  defaultAlert: {
    category: 'access',
    severity: 'NOTICE',
    summary: 'SSH login from 1.2.3.4 on host1 as user ttesterson',
    tags: ['ssh'],
    channel: '#somechannel',
    // MozDef's rule: NOTICE, but a channel is set.
    notify_mozdefbot: true,
  },
};

const timed = (time: Timestamp) => ({ utctimestamp: time, receivedtimestamp: time });

// Every case of MozDef's test (6 positive, 7 negative). MozDef ships no case file for this
// alert, so they are written from its test source, events and descriptions unchanged.
const mozdefCases = [
  positive('Positive test case with good event', [event({})]),
  positive('Positive test case with an event with somewhat old timestamp', [
    event(timed(minutesAgo(14))),
  ]),
  positive(
    'Positive test case with good event with excluded user but not ip',
    [event({ summary: 'Accepted publickey for someuser from 1.2.3.4 port 39190 ssh2' })],
    { summary: 'SSH login from 1.2.3.4 on host1 as user someuser' },
  ),
  positive(
    'Positive test case with good event with excluded ip but not user',
    [event({ details: { sourceipaddress: '4.5.6.7' } })],
    { summary: 'SSH login from 4.5.6.7 on host1 as user ttesterson' },
  ),
  negative('Negative test case with old timestamp', [event(timed(minutesAgo(16)))]),
  negative('Negative test case with bad tags', [event({ tags: ['badtag'] })]),
  negative('Negative test case with bad program', [event({ details: { program: 'badprogram' } })]),
  negative('Negative test case with bad hostname', [event({ hostname: 'badhostname' })]),
  negative('Negative test case with bad summary', [event({ summary: 'bad summary' })]),
  negative('Negative test case with good event with excluded user and ip', [
    event({
      summary: 'Accepted publickey for someuser from 4.5.6.7 port 39190 ssh2',
      details: { sourceipaddress: '4.5.6.7' },
    }),
  ]),
  negative('Negative test case with good event with excluded user and ip from second index', [
    event({
      summary: 'Accepted publickey for anotheruser from 8.9.10.11 port 39190 ssh2',
      details: { sourceipaddress: '8.9.10.11' },
    }),
  ]),
  positive('Positive test case with processid at beginning of summary', [
    event({ summary: '[12345] Accepted publickey for ttesterson from 1.2.3.4 port 39190 ssh2' }),
  ]),
  positive(
    'Positive test case with good keyboard/pam event',
    [
      event({
        summary:
          '[68208]: Accepted keyboard-interactive/pam for ttesterson from 1.2.3.4 port 50942 ssh2',
      }),
    ],
    { summary: 'SSH login from 1.2.3.4 on host1 as user ttesterson' },
  ),
];

// Cases per criterion, the user extraction, the window edges and de-duplication.
const criterionCases = [
  positive('a tag list holding releng among others matches', [
    event({ tags: ['syslog', 'releng'] }),
  ]),
  negative("the tag must be exactly 'releng' ('Releng')", [event({ tags: ['Releng'] })]),
  // hostname: /(host1|host2.*).*/ — a Lucene regexp over the WHOLE hostname.
  positive(
    "a hostname starting with host2 matches ('host2-signing.example.com')",
    [event({ hostname: 'host2-signing.example.com' })],
    { summary: 'SSH login from 1.2.3.4 on host2-signing.example.com as user ttesterson' },
  ),
  positive("'host1' followed by anything matches ('host10')", [event({ hostname: 'host10' })], {
    summary: 'SSH login from 1.2.3.4 on host10 as user ttesterson',
  }),
  negative("the regexp is anchored: 'signhost1' does not match", [
    event({ hostname: 'signhost1' }),
  ]),
  negative("the regexp is case-sensitive: 'HOST1' does not match", [event({ hostname: 'HOST1' })]),
  negative("a password login ('Accepted password for') does not match", [
    event({ summary: 'Accepted password for ttesterson from 1.2.3.4 port 39190 ssh2' }),
  ]),
  positive(
    'the phrases are case-insensitive, but the user is only read from the exact wording',
    [event({ summary: 'ACCEPTED PUBLICKEY FOR ttesterson from 1.2.3.4 port 39190 ssh2' })],
    { summary: 'SSH login from 1.2.3.4 on host1 as user unknown' },
  ),
  positive(
    'a user name is letters and digits only: the part before the first other character is not taken',
    [event({ summary: 'Accepted publickey for svc-sign from 1.2.3.4 port 39190 ssh2' })],
    { summary: 'SSH login from 1.2.3.4 on host1 as user unknown' },
  ),
  // Exclusions: all the pairs of ONE entry must match.
  negative('an excluded pair matches as phrases: the user anywhere in the summary', [
    event({
      summary: 'Accepted keyboard-interactive/pam for someuser from 4.5.6.7 port 1 ssh2',
      details: { sourceipaddress: '4.5.6.7' },
    }),
  ]),
  positive(
    "pairs from two different entries do not exclude (someuser from anotheruser's address)",
    [
      event({
        summary: 'Accepted publickey for someuser from 8.9.10.11 port 39190 ssh2',
        details: { sourceipaddress: '8.9.10.11' },
      }),
    ],
    { summary: 'SSH login from 8.9.10.11 on host1 as user someuser' },
  ),
  positive('a null source address prints None', [event({ details: { sourceipaddress: null } })], {
    summary: 'SSH login from None on host1 as user ttesterson',
  }),
  positive('exactly at the window edge (15 minutes ago) is in', [event(timed(at('-15m')))]),
  negative('one second outside the window is out', [event(timed(at('-15m1s')))]),
  positive('an old utctimestamp with a recent receivedtimestamp is in the window', [
    event({ utctimestamp: hoursAgo(2), receivedtimestamp: minutesAgo(1) }),
  ]),
  negative('a login already used by this alert does not alert again', [
    event({ alert_names: ['AlertAuthSignRelengSSH'] }),
  ]),
];

describeAlert(alert, { ...suite, cases: [...mozdefCases, ...criterionCases] });

it('an event stored without a source address prints unknown for it', async () => {
  const now = new Date('2017-01-01T01:00:00Z');
  const store = createEmbeddedStore();
  const source = {
    utctimestamp: '2017-01-01T00:59:00+00:00',
    receivedtimestamp: '2017-01-01T00:59:00+00:00',
    tags: ['releng'],
    hostname: 'host1',
    summary: 'Accepted publickey for ttesterson from 1.2.3.4 port 39190 ssh2',
    details: { program: 'sshd' },
  };
  expect(store.ingest([{ _index: 'events', _id: 'raw-1', _source: source }]).rejected).toEqual([]);
  const { alerts } = await runAlert(alert, store, { now });
  expect(alerts.map((a) => [a._source.summary, a._source.channel])).toEqual([
    ['SSH login from unknown on host1 as user ttesterson', '#somechannel'],
  ]);
});

describe('config', () => {
  describeAlert(alert, {
    ...suite,
    config: {
      channel: '',
      hostFilter: 'sign[0-9]+\\.example\\.com',
      exclusions: [{ hostname: 'sign9.example.com' }],
    },
    defaultAlert: {
      ...suite.defaultAlert,
      channel: null,
      notify_mozdefbot: false,
      summary: 'SSH login from 1.2.3.4 on sign1.example.com as user ttesterson',
    },
    cases: [
      positive('an empty channel is none: NOTICE without a channel does not notify', [
        event({ hostname: 'sign1.example.com' }),
      ]),
      negative('host1 is no longer a signing host', [event({})]),
      negative('a one-field exclusion leaves out sign9', [
        event({ hostname: 'sign9.example.com' }),
      ]),
      positive(
        'the default exclusions are gone',
        [
          event({
            hostname: 'sign1.example.com',
            summary: 'Accepted publickey for someuser from 4.5.6.7 port 39190 ssh2',
            details: { sourceipaddress: '4.5.6.7' },
          }),
        ],
        { summary: 'SSH login from 4.5.6.7 on sign1.example.com as user someuser' },
      ),
    ],
  });

  it("defaults to MozDef's config and rejects a bad one", () => {
    expect(resolveAlertConfig(alert, {})).toEqual({
      hostFilter: '(host1|host2.*).*',
      channel: '#somechannel',
      exclusions: [
        { summary: 'someuser', 'details.sourceipaddress': '4.5.6.7' },
        { summary: 'anotheruser', 'details.sourceipaddress': '8.9.10.11' },
      ],
    });
    expect(() => resolveAlertConfig(alert, { hostFilter: '(host1' })).toThrow(
      /hostFilter: not a usable host regexp/,
    );
    expect(() => resolveAlertConfig(alert, { exclusions: [{}] })).toThrow(
      /exclusions\.0: must hold at least one field/,
    );
    expect(() => resolveAlertConfig(alert, { channel: null })).toThrow(/channel/);
  });
});
