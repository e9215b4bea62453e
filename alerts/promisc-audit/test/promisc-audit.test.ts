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
import { alert } from '../src/index.js';

// MozDef's tests/alerts/test_promisc_audit.py: auditd's line for eth0 entering promiscuous mode.
const promiscOn = {
  _source: {
    category: 'promiscuous',
    summary: 'Promisc: Interface eth0 set promiscuous on',
    hostname: 'example1.hostname.domain.com',
    details: { dev: 'eth0' },
  },
};
const defaultAlert = {
  category: 'promisc',
  severity: 'WARNING',
  summary: 'Promiscuous mode enabled on example1.hostname.domain.com',
  tags: ['promisc', 'audit'],
};

const timed = (time: Timestamp) => ({ utctimestamp: time, receivedtimestamp: time });

// Every case of MozDef's test (2 positive, 4 negative), as ../shared/mozdef-cases/promisc_audit.json holds them.
const mozdefCases = [
  positive('Positive test case with good event', [event({})]),
  positive('Positive test case with an event with somewhat old timestamp', [
    event(timed(minutesAgo(1))),
  ]),
  negative('Negative test case with bad eventName', [event({ category: 'badcategory' })]),
  negative('Negative test case with bad summary', [
    event({ summary: 'Promisc: Interface eth0 set promiscuous off' }),
  ]),
  negative('Negative test case with a bad interface', [event({ details: { dev: 'veth123abc' } })]),
  negative('Negative test case with old timestamp', [event(timed(minutesAgo(3)))]),
];

// One positive and one negative case per criterion, the window edges and de-duplication.
const criterionCases = [
  // must category = promiscuous: an exact, case-sensitive keyword.
  negative('a category differing only in case does not match', [
    event({ category: 'Promiscuous' }),
  ]),
  // must summary has the tokens `promiscuous` and `on` (anywhere, case-insensitive).
  positive('the summary tokens are lower-cased (PROMISCUOUS ... ON)', [
    event({ summary: 'PROMISC: INTERFACE ETH0 SET PROMISCUOUS ON' }),
  ]),
  positive('the two words need not be adjacent', [
    event({ summary: 'device eth0: on request, promiscuous mode set' }),
  ]),
  negative("'promisc' alone is not the word 'promiscuous'", [
    event({ summary: 'Promisc: Interface eth0 set promisc on' }),
  ]),
  negative("'on' inside another word does not count ('online')", [
    event({ summary: 'Promisc: Interface eth0 promiscuous online' }),
  ]),
  // Kept MozDef quirk: `on` is any token, so an "off" line that also says "on" matches.
  positive("KEPT: an 'off' line that also has the token 'on' alerts, as in MozDef", [
    event({ summary: 'Promisc: Interface eth0 set promiscuous off on request' }),
  ]),
  // must_not details.dev: veth* (a prefix on the keyword, case-sensitive).
  negative("a dev that is exactly 'veth' is excluded", [event({ details: { dev: 'veth' } })]),
  positive("a dev that merely contains 'veth' is not excluded (eth0veth)", [
    event({ details: { dev: 'eth0veth' } }),
  ]),
  positive("the exclusion is case-sensitive: 'VETH0' alerts", [
    event({ details: { dev: 'VETH0' } }),
  ]),
  positive('an event without details.dev is not excluded', [event({ details: { dev: null } })]),
  // The 2-minute window on utctimestamp OR receivedtimestamp, both edges inclusive.
  positive('exactly at the window edge (2 minutes ago) is in', [event(timed(at('-2m')))]),
  negative('one second outside the window is out', [event(timed(at('-2m1s')))]),
  positive('an old utctimestamp with a recent receivedtimestamp is in the window', [
    event({ utctimestamp: hoursAgo(2), receivedtimestamp: minutesAgo(1) }),
  ]),
  negative('an event already used by this alert does not alert again', [
    event({ alert_names: ['PromiscAudit'] }),
  ]),
  positive('a null hostname prints None, as Python would', [event({ hostname: null })], {
    summary: 'Promiscuous mode enabled on None',
  }),
];

describeAlert(alert, {
  defaultEvent: promiscOn,
  defaultAlert,
  cases: [...mozdefCases, ...criterionCases],
});
