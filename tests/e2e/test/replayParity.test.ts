/**
 * The two ways to run an alert case agree: the harness (runAlert over an embedded store, in
 * process) and `alertkit replay` (the built CLI over an NDJSON file). A handful of cases across
 * the ported MozDef alerts — positive and negative, one-per-event and aggregated, a samples cap,
 * config overrides — each run both ways on the very same stored events.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expandAlertSet, type AlertDefinition, type StoredAlert } from '@alertkit/core';
import {
  events,
  negative,
  positive,
  runAlertCase,
  type AlertCase,
  type AlertSuiteOptions,
} from '@alertkit/harness';
import auth0BruteforceUser from 'alert-auth0-bruteforce-user';
import bruteforceSsh from 'alert-bruteforce-ssh';
import cloudtrailLoggingDisabled from 'alert-cloudtrail-logging-disabled';
import genericRules from 'alert-generic-rules';
import ldapAdd from 'alert-ldap-add';
import ldapGroup from 'alert-ldap-group';
import ldapLockout from 'alert-ldap-lockout';
import proxyDropExecutable from 'alert-proxy-drop-executable';
import { beforeAll, describe, expect, it } from 'vitest';
import { alertkit, ndjson, scratch } from './lib/cli.js';

const NOW = '2017-01-01T01:00:00Z';
// MozDef's reverse-DNS mock, which the harness uses by default; the CLI reads it from a file.
const MOZDEF_REVERSE_DNS = { '10.2.3.4': 'mock_hostname1.mozilla.org', '*': 'mock.mozilla.org' };

interface ParityCase {
  /** The alert package directory the CLI replays. */
  dir: string;
  alert: AlertDefinition<unknown>;
  suite: AlertSuiteOptions;
  case: AlertCase;
}

const ldapChange = {
  category: 'ldapChange',
  processid: '1697',
  severity: 'INFO',
};
const cloudtrailAlert = {
  category: 'AWSCloudtrail',
  severity: 'CRITICAL',
  tags: ['cloudtrail', 'aws', 'cloudtrail_logging_disabled'],
};
const proxySummary = (destinations: string) =>
  `Suspicious Proxy DROP event(s) detected from 1.2.3.4 to the following executable file destination(s): ${destinations}`;

// The generic rules' alerts, as the runner expands the set (its bundled example rules).
const ruleAlerts = await expandAlertSet(
  genericRules,
  {},
  {
    log: { warn: () => undefined, error: () => undefined },
    baseDir: process.cwd(),
  },
);
const sudoRule = ruleAlerts.find((a) => a.name === 'generic-rules-sudo-auth-failures');
if (!sudoRule) throw new Error('alert-generic-rules: no sudo_auth_failures rule');

const cases: ParityCase[] = [
  {
    // An alert set: replay runs every rule of it; the events fire one.
    dir: 'alerts/generic-rules',
    alert: sudoRule,
    suite: {
      defaultEvent: {
        _source: {
          category: 'syslog',
          hostname: 'bastion1.example.com',
          summary: 'pam_unix(sudo:auth): authentication failure; user=alice',
          details: { program: 'sudo', username: 'alice' },
        },
      },
      defaultAlert: {
        category: 'authentication',
        severity: 'WARNING',
        tags: ['sudo', 'generic'],
        classname: 'AlertGenericLoader:sudo_auth_failures',
        summary: 'Repeated sudo authentication failures (4): alice [bastion1.example.com]',
      },
    },
    case: positive('generic-rules: 4 failed sudo authentications (bundled rule)', events({}, 4)),
  },
  {
    dir: 'alerts/ldap-add',
    alert: ldapAdd,
    suite: {
      defaultEvent: {
        _source: {
          ...ldapChange,
          details: {
            dn: 'cn=example_cn,ou=groups,dc=example',
            changetype: 'add',
            actor: 'mail=user_la@example.com,o=com,dc=example',
          },
        },
      },
      defaultAlert: {
        category: 'ldap',
        severity: 'INFO',
        tags: ['ldap'],
        summary:
          'mail=user_la@example.com,o=com,dc=example added cn=example_cn,ou=groups,dc=example',
      },
    },
    case: positive('ldap-add: Positive test case with good event (MozDef)', [{}]),
  },
  {
    dir: 'alerts/ldap-group',
    alert: ldapGroup,
    suite: {
      defaultEvent: {
        _source: {
          ...ldapChange,
          summary:
            'mail=user_la@example.com,o=com,dc=example modify cn=example_cn,ou=groups,dc=example add:memberUid: anotheruser@example.com',
          details: {
            changetype: 'modify',
            actor: 'mail=user_la@example.com,o=com,dc=example',
            email: 'user_la@example.com',
          },
        },
      },
      defaultAlert: {
        category: 'ldap',
        severity: 'INFO',
        tags: ['ldap'],
        summary: 'LDAP group change initiated by user_la@example.com',
      },
      numSamples: 50,
    },
    case: positive(
      'ldap-group: 51 changes by one person, the alert carries 50 samples',
      events({}, 51),
    ),
  },
  {
    dir: 'alerts/ldap-lockout',
    alert: ldapLockout,
    suite: {
      defaultEvent: {
        _source: {
          ...ldapChange,
          details: {
            dn: 'mail=jdoe@mozilla.com,o=com,dc=mozilla',
            actor: 'cn=admin,dc=mozilla',
            changepairs: [['replace:pwdAccountLockedTime', '20170101005959Z']],
          },
        },
      },
      defaultAlert: {
        category: 'ldap',
        severity: 'NOTICE',
        tags: ['ldap'],
        summary: 'mail=jdoe@mozilla.com,o=com,dc=mozilla LDAP account locked',
      },
    },
    case: positive('ldap-lockout: a lockout by the directory admin', [{}]),
  },
  {
    dir: 'alerts/cloudtrail-logging-disabled',
    alert: cloudtrailLoggingDisabled,
    suite: {
      defaultEvent: { _source: { source: 'cloudtrail', details: { eventname: 'StopLogging' } } },
      defaultAlert: cloudtrailAlert,
      numSamples: 1,
    },
    // Three alerts: the FIX for a StopLogging without a trail name (MozDef aborted the run).
    case: positive('cloudtrail-logging-disabled: a nameless StopLogging between two named ones', [
      { details: { requestparameters: { name: 'trail-a' } } },
      {},
      { details: { requestparameters: { name: 'trail-b' } } },
    ]),
  },
  {
    dir: 'alerts/cloudtrail-logging-disabled',
    alert: cloudtrailLoggingDisabled,
    suite: {
      defaultEvent: {
        _source: {
          source: 'cloudtrail',
          details: {
            eventname: 'StopLogging',
            requestparameters: { name: 'cloudtrail_example_name' },
          },
        },
      },
    },
    case: negative(
      'cloudtrail-logging-disabled: Negative test case with excluding errorCode (MozDef)',
      [{ errorcode: 'AccessDenied' }],
    ),
  },
  {
    dir: 'alerts/bruteforce-ssh',
    alert: bruteforceSsh,
    suite: {
      defaultEvent: {
        _source: {
          summary: 'login invalid ldap_count_entries failed by 1.2.3.4',
          details: { program: 'sshd', sourceipaddress: '1.2.3.4' },
        },
      },
      defaultAlert: {
        category: 'bruteforce',
        severity: 'NOTICE',
        tags: ['ssh'],
        summary: '10 ssh bruteforce attempts by 1.2.3.4 exhostname (10 hits)',
      },
    },
    case: positive(
      'bruteforce-ssh: Positive test with default event and default alert expected (MozDef)',
      events({}, 10),
    ),
  },
  {
    dir: 'alerts/bruteforce-ssh',
    alert: bruteforceSsh,
    suite: {
      defaultEvent: {
        _source: {
          summary: 'login invalid ldap_count_entries failed by 1.2.3.4',
          details: { program: 'sshd', sourceipaddress: '1.2.3.4' },
        },
      },
    },
    case: negative(
      'bruteforce-ssh: Negative test case with not enough events (MozDef)',
      events({}, 9),
    ),
  },
  {
    dir: 'alerts/proxy-drop-executable',
    alert: proxyDropExecutable,
    suite: {
      defaultEvent: {
        _source: {
          category: 'proxy',
          details: {
            sourceipaddress: '1.2.3.4',
            destination: 'http://evil.com/evil.exe',
            proxyaction: 'TCP_DENIED',
          },
        },
      },
      defaultAlert: {
        category: 'squid',
        severity: 'WARNING',
        tags: ['squid', 'proxy'],
        summary: proxySummary('http://evil.com/evil.exe,http://evil.com/evil.sh'),
      },
    },
    case: positive('proxy-drop-executable: different destinations (MozDef)', [
      {},
      { details: { destination: 'http://evil.com/evil.sh' } },
    ]),
  },
  {
    dir: 'alerts/auth0-bruteforce-user',
    alert: auth0BruteforceUser,
    suite: {
      defaultEvent: {
        _source: {
          category: 'authentication',
          tags: ['auth0'],
          details: {
            sourceipaddress: '1.1.1.1',
            eventname: 'Failed Login (wrong password)',
            success: false,
            username: 'foo@mozilla.com',
          },
        },
      },
      // An installation's overrides: 3 failed logins, alerted as CRITICAL.
      config: { thresholdCount: 3, severity: 'CRITICAL' },
      defaultAlert: {
        category: 'bruteforce',
        severity: 'CRITICAL',
        tags: ['auth0'],
        summary:
          'Auth0 Username/Password Bruteforce Attack in Progress against user (foo@mozilla.com) from the following source ip(s): 1.1.1.1',
      },
    },
    case: positive(
      'auth0-bruteforce-user: 3 failed logins with thresholdCount 3 from the installation config',
      events({}, 3),
    ),
  },
];

let dir: string;
let reverseDns: string;
beforeAll(() => {
  dir = scratch();
  reverseDns = join(dir, 'reverse-dns.json');
  writeFileSync(reverseDns, JSON.stringify(MOZDEF_REVERSE_DNS));
});

/** Alerts in a stable order (by summary, then events), for comparing two runs. */
function ordered(alerts: readonly StoredAlert[]): StoredAlert[] {
  const key = (a: StoredAlert) =>
    `${a._source.summary}\0${a._source.events.map((e) => e.documentid).join(',')}`;
  return [...alerts].sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
}

/** What MozDef's harness compares, per alert. */
function outline(alert: StoredAlert) {
  const {
    summary,
    severity,
    category,
    tags,
    classname,
    channel,
    notify_mozdefbot,
    events: carried,
  } = alert._source;
  return {
    summary,
    severity,
    category,
    tags,
    classname,
    channel,
    notify_mozdefbot,
    events: carried.length,
  };
}

describe('alertkit replay agrees with the harness', () => {
  it('covers several alerts, both outcomes and more than one alert per run', () => {
    expect(new Set(cases.map((c) => c.dir)).size).toBeGreaterThanOrEqual(6);
    expect(cases.some((c) => c.case.kind === 'negative')).toBe(true);
  });

  for (const parity of cases) {
    it(parity.case.description, async () => {
      // The harness checks the case as MozDef would (fires or not, expected fields, tags).
      const run = await runAlertCase(parity.alert, parity.suite, parity.case);
      const safe = parity.case.description.replace(/[^a-z0-9]+/gi, '-');
      // The same stored events, ids included, so the alerts can be compared whole.
      const file = ndjson(dir, `${safe}.ndjson`, run.events);
      const args = ['replay', parity.dir, '--events', file, '--now', NOW, '--format', 'json'];
      if (parity.suite.config !== undefined) {
        const config = join(dir, `${safe}.config.json`);
        const packageName = `alert-${parity.dir.split('/').pop() ?? ''}`;
        writeFileSync(
          config,
          JSON.stringify({ alerts: [{ package: packageName, config: parity.suite.config }] }),
        );
        args.push('--config', config);
      }
      const replay = alertkit(args, { ALERTKIT_REVERSE_DNS: reverseDns });
      expect(replay.stderr).toBe('');
      expect(replay.status).toBe(0);
      const replayed = replay.stdout
        .split('\n')
        .filter((line) => line !== '')
        .map((line) => JSON.parse(line) as StoredAlert);

      expect(replayed).toHaveLength(run.result.alerts.length);
      expect(ordered(replayed).map(outline)).toEqual(ordered(run.result.alerts).map(outline));
      // Beyond MozDef's checks: the documents are the same, down to the ids and event sources.
      expect(ordered(replayed)).toEqual(ordered(run.result.alerts));
    });
  }
});
