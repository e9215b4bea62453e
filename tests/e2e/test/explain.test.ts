import { describe, expect, it } from 'vitest';
import { alertkit, ndjson, scratch } from './lib/cli.js';

const NOW = '2017-01-01T01:00:00Z';
const dir = scratch();

function at(secondsAgo: number): string {
  return new Date(Date.parse(NOW) - secondsAgo * 1000).toISOString();
}

function sshFailure(id: string, summary: string, secondsAgo = 30) {
  return {
    _index: 'events',
    _id: id,
    _source: {
      utctimestamp: at(secondsAgo),
      receivedtimestamp: at(secondsAgo),
      category: 'syslog',
      summary,
      hostname: 'web1.example.org',
      details: { program: 'sshd', sourceipaddress: '1.2.3.4' },
    },
  };
}

interface Explained {
  alert: string;
  events: { _id: string; matched: boolean; explanation?: { children?: unknown[] } }[];
  aggregation?: {
    groups: { key: unknown; count: number; alerts: boolean }[];
    outsideWindow: string[];
  };
  alerts: { _source: { summary: string } }[];
}

const json = (out: string) => JSON.parse(out) as Explained;

describe('alertkit explain on catalogue alerts', () => {
  it('bruteforce-ssh, positive: ten failures from one address form a group at the threshold and an alert', () => {
    const events = ndjson(
      dir,
      'ssh-positive.ndjson',
      Array.from({ length: 10 }, (_, i) =>
        sshFailure(`f${i}`, 'Failed password for invalid user root from 1.2.3.4 port 22 ssh2'),
      ),
    );
    const out = alertkit([
      'explain',
      'alerts/bruteforce-ssh',
      '--events',
      events,
      '--now',
      NOW,
      '--format',
      'json',
    ]);
    expect(out.status, out.stderr).toBe(0);
    const x = json(out.stdout);
    expect(x.events.every((e) => e.matched)).toBe(true);
    expect(x.aggregation?.groups).toEqual([
      { key: '1.2.3.4', count: 10, alerts: true, events: x.events.map((e) => e._id) },
    ]);
    expect(x.alerts.map((a) => a._source.summary)).toEqual([
      '10 ssh bruteforce attempts by 1.2.3.4 web1.example.org (10 hits)',
    ]);
  });

  it('bruteforce-ssh, negative: nine in the window, one too old, one whose summary has none of the terms', () => {
    const events = ndjson(dir, 'ssh-negative.ndjson', [
      ...Array.from({ length: 9 }, (_, i) =>
        sshFailure(`f${i}`, 'Failed password for invalid user root'),
      ),
      sshFailure('old', 'Failed password for invalid user root', 600),
      sshFailure('root', 'Failed password for root from 1.2.3.4'),
    ]);
    const out = alertkit(['explain', 'alerts/bruteforce-ssh', '--events', events, '--now', NOW]);
    expect(out.status, out.stderr).toBe(0);
    expect(out.stdout).toContain(
      '  "1.2.3.4": 9 event(s) < 10: no alert [f0, f1, f2, f3, f4, f5, f6, f7, f8]',
    );
    expect(out.stdout).toContain('  matched every clause but outside the window: old');
    expect(out.stdout).toContain('— the event is older than the window');
    // The analyser is the answer: `terms` compares each value with the summary's lower-cased tokens.
    expect(out.stdout).toContain(
      '✗ must: terms summary ["login","invalid","ldap_count_entries","publickey","keyboard"]; event summary ["failed","password","for","root","from","1.2.3.4"] — not analysed: the value must equal one of the event\'s analysed tokens, and none does',
    );
    expect(out.stdout).toMatch(/alerts \(0\):\n {2}none/);
    // Colour only on a terminal: captured output has none.
    expect(out.stdout).not.toContain('\u001b[');
  });

  it('ldap-add: --event narrows the explanation; a must_not that matches says it excluded the event', () => {
    const ldap = (id: string, actor: string) => ({
      _index: 'events',
      _id: id,
      _source: {
        utctimestamp: at(60),
        category: 'ldapChange',
        summary: 'ldap add',
        details: { changetype: 'add', actor, dn: 'mail=new@example.org,o=com' },
      },
    });
    const events = ndjson(dir, 'ldap.ndjson', [
      ldap('human', 'admin@example.org'),
      ldap('bot', 'binduser'),
    ]);
    const out = alertkit([
      'explain',
      'alerts/ldap-add',
      '--events',
      events,
      '--now',
      NOW,
      '--event',
      'bot',
    ]);
    expect(out.status, out.stderr).toBe(0);
    expect(out.stdout).toContain('events (1):');
    expect(out.stdout).toContain(
      '✗ must_not: wildcard details.actor "*bind*" (matched, so the event is excluded); event details.actor ["binduser"]',
    );
    expect(out.stdout).toContain('alerts (1):');
    const unknown = alertkit([
      'explain',
      'alerts/ldap-add',
      '--events',
      events,
      '--now',
      NOW,
      '--event',
      'nope',
    ]);
    expect(unknown.status).toBe(1);
    expect(unknown.stderr).toContain('--event: no event with _id "nope"');
  });

  it('proxy-drop-executable: explains the query string clause by clause, with the regexp and the terms it was tried on', () => {
    const events = ndjson(dir, 'proxy.ndjson', [
      {
        _index: 'events',
        _id: 'zip',
        _source: {
          utctimestamp: at(60),
          category: 'proxy',
          details: {
            proxyaction: 'TCP_DENIED',
            sourceipaddress: '10.1.1.1',
            destination: 'http://x.example.org/a.zip',
          },
        },
      },
    ]);
    const out = alertkit([
      'explain',
      'alerts/proxy-drop-executable',
      '--events',
      events,
      '--now',
      NOW,
    ]);
    expect(out.status, out.stderr).toBe(0);
    expect(out.stdout).toMatch(/✗ must: query_string "details\.destination: .*"/);
    expect(out.stdout).toMatch(
      /✗ regexp details\.destination ".*"; event details\.destination \["http:\/\/x\.example\.org\/a\.zip"\] — the regexp matches none of the event's 1 indexed term\(s\)/,
    );
  });
});
