#!/usr/bin/env node
// Writes events.ndjson: a realistic, deterministic sample of MozDef events for `pnpm start`,
// spread over the six hours before the sample's own `now` (sample.json). Background traffic
// (syslog, successful logins, allowed proxy requests, audit) plus a few stories that alerts
// should find: an ssh brute force, password guessing against one user (auth0, LDAP, generic
// auth), Duo fraud marks, proxy drops of executables, IP hosts and odd ports, exfiltration to
// paste sites, LDAP adds/deletes/lockouts, CloudTrail logging stopped, a GuardDuty port
// probe, a bastion host that went quiet (for dead-man alerts), host and audit events (sftp,
// promiscuous interfaces, strace, writes to audit rules, root sessions, key logins from a
// watched source, to a signing host and to a finance host), network monitoring (bro scans,
// intel hits, an SSL blacklist hit, HTTP errors, a bro sensor that went quiet), a replayed
// backlog of old events and a NO answer to the triage bot.
// Re-run after changing it: node packages/cli/samples/generate.mjs
import { readFileSync, writeFileSync } from 'node:fs';

const dir = new URL('.', import.meta.url);
const { now: nowIso } = JSON.parse(readFileSync(new URL('sample.json', dir), 'utf8'));
const NOW = Date.parse(nowIso);

// mulberry32: a tiny seeded generator, so the sample is the same on every run.
let seed = 20261101;
function random() {
  seed |= 0;
  seed = (seed + 0x6d2b79f5) | 0;
  let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}
const pick = (list) => list[Math.floor(random() * list.length)];
const int = (lo, hi) => lo + Math.floor(random() * (hi - lo + 1));
const iso = (ms) =>
  new Date(ms)
    .toISOString()
    .replace(/\.000Z$/, '+00:00')
    .replace(/Z$/, '+00:00');

const hosts = [
  'web1.prod.example.org',
  'web2.prod.example.org',
  'db1.prod.example.org',
  'build3.ci.example.org',
  'vpn1.example.org',
];
const users = ['alice', 'bob', 'carol', 'dave', 'erin', 'frank', 'grace', 'heidi', 'ivan', 'judy'];
const internal = () => `10.${int(0, 20)}.${int(0, 255)}.${int(1, 254)}`;
const sites = [
  'www.mozilla.org',
  'github.com',
  'registry.npmjs.org',
  'deb.debian.org',
  'docs.example.org',
  'news.ycombinator.com',
];

const events = [];
function add(msAgo, source) {
  const at = NOW - msAgo;
  const received = at + int(200, 4000);
  events.push({
    utctimestamp: iso(at),
    receivedtimestamp: iso(received),
    timestamp: iso(at),
    mozdefhostname: 'mozdef1.example.org',
    type: 'event',
    severity: 'INFO',
    processid: String(int(100, 65000)),
    tags: [],
    ...source,
    details: { ...source.details },
  });
}
const minutes = (m) => m * 60_000;
const seconds = (s) => s * 1000;
const anytime = () => int(minutes(1), minutes(360));

// Background traffic: about 2,400 ordinary events.
for (let i = 0; i < 700; i++) {
  const host = pick(hosts);
  add(anytime(), {
    category: 'syslog',
    source: 'syslog',
    hostname: host,
    processname: pick(['CRON', 'systemd', 'kernel', 'rsyslogd']),
    summary: pick([
      'Started Daily apt download activities.',
      'pam_unix(cron:session): session closed for user root',
      'Finished Rotate log files.',
      'eth0: link up',
    ]),
    details: { program: 'cron', hostname: host },
  });
}
for (let i = 0; i < 500; i++) {
  const host = pick(hosts);
  const user = pick(users);
  const ip = internal();
  add(anytime(), {
    category: 'syslog',
    source: 'syslog',
    hostname: host,
    processname: 'sshd',
    summary: `Accepted publickey for ${user} from ${ip} port ${int(30000, 65000)} ssh2`,
    details: { program: 'sshd', username: user, sourceipaddress: ip, hostname: host },
  });
}
for (let i = 0; i < 600; i++) {
  const ip = internal();
  const site = pick(sites);
  add(anytime(), {
    category: 'proxy',
    source: 'squid',
    hostname: 'proxy1.example.org',
    processname: 'squid',
    summary: `squid TCP_TUNNEL ${site}:443`,
    details: {
      sourceipaddress: ip,
      destination: `${site}:443`,
      host: site,
      destinationport: 443,
      method: 'CONNECT',
      proxyaction: 'TCP_TUNNEL',
      success: true,
    },
  });
}
for (let i = 0; i < 400; i++) {
  const user = pick(users);
  add(anytime(), {
    category: 'authentication',
    source: 'sso',
    hostname: 'sso.example.org',
    processname: 'sso',
    summary: `${user} logged in`,
    details: { username: user, sourceipaddress: internal(), success: true },
  });
}
for (let i = 0; i < 150; i++) {
  add(anytime(), {
    category: 'ldapChange',
    source: 'ldap',
    hostname: 'ldap1.example.org',
    processname: 'slapd',
    summary: 'LDAP modify of a user entry',
    details: {
      actor: 'cn=admin,dc=example',
      changetype: 'modify',
      dn: `mail=${pick(users)}@example.org,o=com,dc=example`,
      changepairs: ['replace:description'],
    },
  });
}
// Heartbeats from the bastion host until it went quiet 45 minutes ago (dead-man alerts).
for (let ago = 360; ago >= 45; ago -= 5) {
  add(minutes(ago), {
    category: 'syslog',
    source: 'syslog',
    hostname: 'bastion1.example.org',
    processname: 'heartbeat',
    summary: 'heartbeat ok',
    details: { program: 'heartbeat', hostname: 'bastion1.example.org' },
  });
}

// Story: an ssh brute force from 203.0.113.45 over the last two minutes (and a slower one).
for (let i = 0; i < 14; i++) {
  const host = i % 3 === 0 ? 'web2.prod.example.org' : 'web1.prod.example.org';
  add(seconds(int(5, 110)), {
    category: 'syslog',
    source: 'syslog',
    hostname: host,
    processname: 'sshd',
    severity: 'NOTICE',
    summary: `Failed password for invalid user ${pick(['admin', 'oracle', 'test', 'ubuntu'])} from 203.0.113.45 port ${int(30000, 65000)} ssh2`,
    details: { program: 'sshd', sourceipaddress: '203.0.113.45', hostname: host },
  });
}
for (let i = 0; i < 4; i++) {
  add(seconds(int(5, 110)), {
    category: 'syslog',
    source: 'syslog',
    hostname: 'db1.prod.example.org',
    processname: 'sshd',
    severity: 'NOTICE',
    summary: `Failed password for carol from 198.51.100.7 port ${int(30000, 65000)} ssh2`,
    details: { program: 'sshd', sourceipaddress: '198.51.100.7', hostname: 'db1.prod.example.org' },
  });
}

// Story: password guessing against alice (12 failures in 5 minutes), bob fat-fingers twice.
for (let i = 0; i < 12; i++) {
  add(seconds(int(10, 280)), {
    category: 'authentication',
    source: 'sso',
    hostname: 'sso.example.org',
    processname: 'sso',
    summary: 'alice failed to log in: wrong password',
    details: { username: 'alice', sourceipaddress: '192.0.2.77', success: false },
  });
}
for (let i = 0; i < 2; i++) {
  add(seconds(int(10, 280)), {
    category: 'authentication',
    source: 'sso',
    hostname: 'sso.example.org',
    processname: 'sso',
    summary: 'bob failed to log in: wrong password',
    details: { username: 'bob', sourceipaddress: internal(), success: false },
  });
}

// Story: auth0 failures against frank, LDAP invalid credentials against grace.
for (const ip of ['192.0.2.10', '192.0.2.11', '192.0.2.12']) {
  add(minutes(int(2, 50)), {
    category: 'authentication',
    source: 'auth0',
    hostname: 'auth0.example.org',
    processname: 'auth0',
    tags: ['auth0'],
    summary: 'Failed Login (wrong password)',
    details: {
      eventname: 'Failed Login (wrong password)',
      description: 'Wrong email or password.',
      username: 'frank@example.org',
      sourceipaddress: ip,
    },
  });
}
for (const client of ['10.9.8.7', '10.9.8.8']) {
  add(minutes(int(2, 50)), {
    category: 'ldap',
    source: 'ldap',
    hostname: 'ldap1.example.org',
    processname: 'slapd',
    summary: 'LDAP_INVALID_CREDENTIALS for grace',
    details: {
      user: 'grace@example.org',
      client,
      server: 'ldap1.example.org',
      response: { error: 'LDAP_INVALID_CREDENTIALS' },
    },
  });
}

// Story: a Duo push marked as fraud.
add(minutes(6), {
  category: 'authentication',
  source: 'duo',
  hostname: 'duo.example.org',
  processname: 'duo',
  tags: ['duosecurity'],
  summary: 'Duo authentication fraud',
  details: { username: 'heidi', sourceipaddress: '198.51.100.23', result: 'fraud' },
});

// Story: proxy drops.
const dropped = (ip, destination, host, port, method = 'GET') =>
  add(minutes(int(1, 15)), {
    category: 'proxy',
    source: 'squid',
    hostname: 'proxy1.example.org',
    processname: 'squid',
    summary: `squid TCP_DENIED ${destination}`,
    details: {
      sourceipaddress: ip,
      destination,
      host,
      destinationport: port,
      method,
      proxyaction: 'TCP_DENIED',
      success: false,
    },
  });
dropped('10.3.3.3', 'http://downloads.example.net/invoice.exe', 'downloads.example.net', 80);
dropped('10.3.3.3', 'http://downloads.example.net/run.sh', 'downloads.example.net', 80);
dropped('10.4.4.4', 'http://203.0.113.99/payload', '203.0.113.99', 80);
dropped('10.5.5.5', 'odd.example.net:6667', 'odd.example.net', 6667, 'CONNECT');
add(minutes(3), {
  category: 'proxy',
  source: 'squid',
  hostname: 'proxy1.example.org',
  processname: 'squid',
  summary: 'squid TCP_TUNNEL pastebin.com:443',
  details: {
    sourceipaddress: '10.6.6.6',
    destination: 'pastebin.com:443',
    host: 'pastebin.com',
    destinationport: 443,
    method: 'CONNECT',
    proxyaction: 'TCP_TUNNEL',
    success: true,
  },
});

// Story: LDAP changes made by people (not bind accounts), and an account lockout.
add(minutes(4), {
  category: 'ldapChange',
  source: 'ldap',
  hostname: 'ldap1.example.org',
  processname: 'slapd',
  summary: 'LDAP add',
  details: {
    actor: 'mail=judy@example.org,o=com,dc=example',
    changetype: 'add',
    dn: 'mail=newhire@example.org,o=com,dc=example',
    email: 'judy@example.org',
  },
});
add(minutes(9), {
  category: 'ldapChange',
  source: 'ldap',
  hostname: 'ldap1.example.org',
  processname: 'slapd',
  summary: 'LDAP delete',
  details: {
    actor: 'mail=judy@example.org,o=com,dc=example',
    changetype: 'delete',
    dn: 'mail=leaver@example.org,o=com,dc=example',
    email: 'judy@example.org',
  },
});
add(minutes(7), {
  category: 'ldapChange',
  source: 'ldap',
  hostname: 'ldap1.example.org',
  processname: 'slapd',
  summary: 'LDAP modify',
  details: {
    actor: 'cn=admin,dc=mozilla',
    changetype: 'modify',
    dn: 'mail=ivan@example.org,o=com,dc=example',
    changepairs: ['replace:pwdAccountLockedTime'],
  },
});

// Story: someone stopped CloudTrail logging; GuardDuty saw a port probe.
add(minutes(12), {
  category: 'AWSCloudtrail',
  source: 'cloudtrail',
  hostname: 'cloudtrail',
  processname: 'cloudtrail',
  summary: 'StopLogging',
  details: {
    eventname: 'StopLogging',
    sourceipaddress: '198.51.100.50',
    requestparameters: { name: 'org-trail' },
  },
});
add(minutes(8), {
  category: 'guardduty',
  source: 'guardduty',
  hostname: 'guardduty',
  processname: 'guardduty',
  summary: 'Port probe on an unprotected port',
  details: { sourceipaddress: '203.0.113.200', finding: { action: { actionType: 'PORT_PROBE' } } },
});

// Story: host and audit events (auditd through audisp-json, pam, sshd).
add(minutes(3), {
  category: 'execve',
  source: 'audit',
  hostname: 'files1.example.org',
  processname: 'audisp-json',
  tags: ['audisp-json', '2.1.0', 'audit'],
  summary: 'Execve: ssh -x -oForwardAgent=no -l judy -s files1.example.org sftp',
  details: {
    processname: 'ssh',
    parentprocess: 'sftp',
    originaluser: 'judy',
    user: 'judy',
    cwd: '/home/judy',
  },
});
add(seconds(40), {
  category: 'promiscuous',
  source: 'audit',
  hostname: 'db1.prod.example.org',
  processname: 'audisp-json',
  summary: 'Promisc: Interface eth0 set promiscuous on',
  details: { dev: 'eth0' },
});
for (const ago of [50, 55]) {
  add(seconds(ago), {
    category: 'syslog',
    source: 'syslog',
    hostname: 'web2.prod.example.org',
    processname: 'kernel',
    summary: 'device eth1 entered promiscuous mode',
    details: { program: 'kernel', hostname: 'web2.prod.example.org' },
  });
}
for (let i = 0; i < 3; i++) {
  add(minutes(2) + seconds(i * 20), {
    category: 'ptrace',
    source: 'audit',
    hostname: 'build3.ci.example.org',
    processname: 'audisp-json',
    tags: ['audisp-json', '2.1.0', 'audit'],
    summary: 'Ptrace',
    details: { processname: 'strace', originaluser: 'dave', user: 'root', auditkey: 'strace' },
  });
}
for (const ago of [6, 11]) {
  add(minutes(ago), {
    category: 'write',
    source: 'audit',
    hostname: 'db1.prod.example.org',
    processname: 'audisp-json',
    tags: ['audisp-json', '2.1.0', 'audit'],
    summary: 'Write: /etc/audit/rules.d/audit.rules',
    details: { processname: 'vi', originaluser: 'erin', user: 'root', auditkey: 'audit' },
  });
}
add(minutes(4), {
  category: 'syslog',
  source: 'syslog',
  hostname: 'db1.prod.example.org',
  processname: 'sshd',
  summary: 'pam_unix(sshd:session): session opened for user root by (uid=0)',
  details: { program: 'sshd', hostname: 'db1.prod.example.org' },
});
// A key login from the monitoring server (ssh-access), one to a signing host (signreleng) and
// one to a finance host from a workstation (ssh-lateral).
const keyLogin = (ago, host, user, ip, extra = {}) =>
  add(ago, {
    category: 'syslog',
    source: 'syslog',
    hostname: host,
    processname: 'sshd',
    summary: `Accepted publickey for ${user} from ${ip} port ${int(30000, 65000)} ssh2`,
    ...extra,
    details: { program: 'sshd', username: user, sourceipaddress: ip, hostname: host },
  });
keyLogin(minutes(5), 'web1.prod.example.org', 'nagios', '10.200.0.5');
keyLogin(minutes(7), 'sign1.releng.example.org', 'carol', '10.8.1.2', {
  tags: ['releng'],
});
keyLogin(minutes(9), 'finance1.corp.example.org', 'mallory', '10.0.12.34');

// Story: network security monitoring (bro notices and intel).
const broNotice = (ago, note, details, summary, hostname = 'nsm1.example.org') =>
  add(ago, {
    category: 'bro',
    source: 'notice',
    hostname,
    processname: 'bro',
    tags: ['bro'],
    summary,
    details: { note, ...details },
  });
broNotice(
  seconds(30),
  'Scan::Address_Scan',
  { sourceipaddress: '10.7.7.7', indicators: '10.7.7.7' },
  '10.7.7.7 scanned at least 100 unique hosts on port 445/tcp in 0m12s',
);
broNotice(
  seconds(70),
  'Scan::Port_Scan',
  {
    sourceipaddress: '10.7.7.8',
    indicators: '10.7.7.8',
    msg: '10.7.7.8 scanned at least 15 unique ports of host 10.0.3.4 in 0m3s',
  },
  'Scan::Port_Scan source 10.7.7.8 destination 10.0.3.4 port unknown',
);
broNotice(
  seconds(20),
  'Scan::Random_Scan',
  { sourceipaddress: '10.7.7.9', indicators: '10.7.7.9' },
  '10.7.7.9 scanned at least 25 unique hosts on random ports in 0m30s',
);
broNotice(
  minutes(10),
  'MozillaHTTPErrors::Excessive_HTTP_Errors_Attacker',
  { sourceipaddress: '198.51.100.61' },
  '198.51.100.61 had 412 HTTP errors (4xx/5xx) in 5m0s on www.example.org',
);
for (let i = 0; i < 11; i++) {
  add(seconds(int(5, 100)), {
    category: 'bro',
    source: 'intel',
    hostname: 'sensor1',
    processname: 'bro',
    summary: 'Bro intel hit: evil.example.net seen in DNS::IN_REQUEST',
    details: {
      seenindicator: 'evil.example.net',
      seenwhere: 'DNS::IN_REQUEST',
      sourceipaddress: `10.1.2.${int(2, 250)}`,
      destinationipaddress: '10.0.0.53',
    },
  });
}
add(minutes(5), {
  eventsource: 'nsm',
  category: 'brointel',
  source: 'intel',
  hostname: 'nsm1.example.org',
  processname: 'bro',
  summary: '10.1.9.9 -> 203.0.113.9:443 certificate hash in abuse.ch SSLBL (Dridex C&C)',
  details: {
    sourceipaddress: '10.1.9.9',
    destinationipaddress: '203.0.113.9',
    seenindicator: '6f2a4a5e0e1c8b1c2b9e0d7a4f3c2b1a0e9d8c7b',
    seenwhere: 'X509::IN_CERT',
    sources: ['abuse.ch SSLBL'],
  },
});
// Bro's MozillaAlive healthcheck from both sensors every ten minutes, until nsm2 went quiet 70
// minutes ago (the deadman alert).
for (let ago = 360; ago >= 5; ago -= 10) {
  for (const sensor of ['nsm1.example.org', 'nsm2.example.org']) {
    if (sensor === 'nsm2.example.org' && ago < 70) continue;
    broNotice(minutes(ago), 'MozillaAlive::Bro_Is_Watching_You', {}, `${sensor} is alive`, sensor);
  }
}

// Story: the pipeline and the triage bot. A shipper replayed a backlog from two days ago
// (received now, old utctimestamp: old-events); a user answered NO to the triage bot.
for (let i = 0; i < 3; i++) {
  const old = NOW - minutes(2 * 24 * 60 + 30 + i);
  add(minutes(20), {
    utctimestamp: iso(old),
    timestamp: iso(old),
    category: 'syslog',
    source: 'syslog',
    hostname: 'legacy1.example.org',
    processname: 'rsyslogd',
    summary: 'Finished Rotate log files.',
    details: { program: 'rsyslogd', hostname: 'legacy1.example.org' },
  });
}
add(minutes(2), {
  category: 'triagebot',
  source: 'triagebot',
  hostname: 'triagebot.example.org',
  processname: 'triagebot',
  summary: 'TriageBot Response: no from: judy@example.org',
  details: {
    identifier: 'duo-bypass-4711',
    email: 'judy@example.org',
    slack: 'U4J8Z3DJT',
    userresponse: 'no',
  },
});

// Store order is arrival order.
events.sort((a, b) =>
  a.receivedtimestamp < b.receivedtimestamp
    ? -1
    : a.receivedtimestamp > b.receivedtimestamp
      ? 1
      : 0,
);
const lines = events.map((source, i) =>
  JSON.stringify({
    _index: 'events',
    _id: `sample-${String(i + 1).padStart(5, '0')}`,
    _source: source,
  }),
);
writeFileSync(new URL('events.ndjson', dir), lines.join('\n') + '\n');
console.log(`wrote ${lines.length} events ending at ${nowIso}`);
