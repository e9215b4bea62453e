import {
  at,
  describeAlert,
  event,
  events,
  negative,
  positive,
  runAlertCase,
} from '@alertkit/harness';
import { expect, it } from 'vitest';
import { loadSet, ruleNamed } from './rules.js';

// The bundled rule rules/sudo_auth_failures.json (hjson with comments and quoteless strings):
// syslog + details.program sudo + summary:"authentication failure", 10 minutes, grouped by
// details.username, 5 samples, threshold 3, WARNING.
const { alerts, log } = await loadSet();
const alert = ruleNamed(alerts, 'generic-rules-sudo-auth-failures');

it('loads from the bundled rules without a problem, with its MozDef classname', () => {
  expect(log).toEqual([]);
  expect(alert.classname).toBe('AlertGenericLoader:sudo_auth_failures');
  expect(alert.kind).toBe('aggregation');
});

const failure = {
  _source: {
    category: 'syslog',
    hostname: 'bastion1.example.com',
    summary:
      'pam_unix(sudo:auth): authentication failure; logname=alice uid=1000 euid=0 tty=/dev/pts/0 ruser=alice rhost=  user=alice',
    details: { program: 'sudo', username: 'alice' },
  },
};
const timed = (time: ReturnType<typeof at>) => ({ utctimestamp: time, receivedtimestamp: time });

describeAlert(alert, {
  defaultEvent: failure,
  defaultAlert: {
    category: 'authentication',
    tags: ['sudo', 'generic'],
    severity: 'WARNING',
    url: 'https://mozdef.readthedocs.io/en/latest/',
    classname: 'AlertGenericLoader:sudo_auth_failures',
    summary: 'Repeated sudo authentication failures (3): alice [bastion1.example.com]',
  },
  cases: [
    // The threshold pair: num_aggregations is 3.
    positive('3 failures of one user (the threshold) alert', events({}, 3)),
    negative('2 failures of one user (one below the threshold) do not', events({}, 2)),
    negative('3 failures split over two users are two groups below the threshold', [
      ...events({}, 2),
      event({ details: { username: 'bob' } }),
    ]),
    negative(
      'the filter details.program sudo is required (sshd)',
      events({ details: { program: 'sshd' } }, 3),
    ),
    negative(
      'the filter details.program is exact (SUDO)',
      events({ details: { program: 'SUDO' } }, 3),
    ),
    negative('the filter category syslog is required', events({ category: 'authentication' }, 3)),
    negative(
      'the query string needs the phrase (a sudo session line)',
      events(
        { summary: 'pam_unix(sudo:session): session opened for user root by alice(uid=0)' },
        3,
      ),
    ),
    positive(
      'the phrase is matched on analysed tokens (upper case)',
      events({ summary: 'PAM: Authentication Failure for alice' }, 3),
    ),
    positive('events at the window edge (10 minutes ago) are in', events(timed(at('-10m')), 3)),
    negative('one second outside the 10-minute window is out', events(timed(at('-10m1s')), 3)),
    negative(
      'events this rule already alerted on do not alert again',
      events({ alert_names: ['AlertGenericLoader:sudo_auth_failures'] }, 3),
    ),
    positive(
      'the hostnames of the samples are listed once each, in first-seen order',
      [...events({}, 2), event({ hostname: 'bastion2.example.com' }), ...events({}, 1)],
      {
        summary:
          'Repeated sudo authentication failures (4): alice [bastion1.example.com, bastion2.example.com]',
      },
    ),
    positive('without hostname the summary has no host list', events({ hostname: null }, 3), {
      summary: 'Repeated sudo authentication failures (3): alice',
    }),
  ],
});

it('7 failures alert with the count of all 7 and carry 5 samples (num_samples); all 7 are tagged', async () => {
  const run = await runAlertCase(
    alert,
    { defaultEvent: failure, numSamples: 5, defaultAlert: { category: 'authentication' } },
    positive('7 failures', events({}, 7)),
  );
  expect(run.alerts.map((a) => a._source.summary)).toEqual([
    'Repeated sudo authentication failures (7): alice [bastion1.example.com]',
  ]);
  const stored = await run.store.getEvents(run.events.map(({ _index, _id }) => ({ _index, _id })));
  expect(stored).toHaveLength(7);
  for (const tagged of stored)
    expect(tagged._source.alert_names).toEqual(['AlertGenericLoader:sudo_auth_failures']);
});
