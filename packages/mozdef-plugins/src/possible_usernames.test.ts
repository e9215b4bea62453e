import { describe, expect, it } from 'vitest';
import type { JsonObject } from '@alertkit/core';
import {
  enrichPossibleUsernames,
  mostCommonHostname,
  possibleUsernamesPlugin,
} from './possible_usernames.js';
import { alertWith, eventWith, hoursAgo, runPlugin, storeWith } from './plugins.testkit.js';

const accepted = (hostname: string, username: string, hours: number) => ({
  utctimestamp: hoursAgo(hours),
  category: 'syslog',
  hostname,
  summary: `Accepted publickey for ${username} from 10.0.0.1 port 4242 ssh2`,
  details: { program: 'sshd', username },
});

describe('possible_usernames (MozDef tests)', () => {
  it('test_enrichment', () => {
    const events: JsonObject[] = [
      { details: { username: 'tester1' } },
      { details: { otherthing: 'somevalue' } },
      { notwhatwewant: { something: 'else' } },
      { details: { username: 'tester1' } },
    ];
    const enriched = enrichPossibleUsernames(
      alertWith({ summary: '', details: { username: 'tester2' } }),
      events,
    );
    expect(enriched['details']).toEqual({ username: 'tester2', possible_usernames: ['tester1'] });
    expect(enriched.summary).toContain('tester1');
  });

  it('test_hostname_detection', () => {
    const events: JsonObject[] = [
      { documentsource: { hostname: 'host1' } },
      { notdocsource: { hostname: 'host1' } },
      { documentsource: { nothostname: 'notahost' } },
      { documentsource: { hostname: 'host1' } },
      { documentsource: { hostname: 'host2' } },
    ];
    expect(mostCommonHostname(events)).toBe('host1');
  });
});

describe('possible_usernames', () => {
  const promisc = () =>
    alertWith({
      summary: 'Promiscuous mode enabled on host1',
      classname: 'PromiscKernel',
      events: [eventWith({ hostname: 'host1' }), eventWith({ hostname: 'host1' })],
    });

  it('registers on PromiscKernel alerts (lower-cased classname)', () => {
    expect(possibleUsernamesPlugin.registration).toEqual(['promisckernel']);
  });

  it("lists who logged in to the alert's host with a public key in the last 24 hours", async () => {
    const store = storeWith([
      accepted('host1', 'alice', 1),
      accepted('host1', 'bob', 20),
      accepted('host1', 'alice', 2),
      accepted('host1', 'too-old', 25),
      accepted('host2', 'other-host', 1),
      { ...accepted('host1', 'password-login', 1), summary: 'Accepted password for x' },
    ]);
    const out = await runPlugin(possibleUsernamesPlugin, promisc(), { store });
    expect(out?.['details']).toEqual({ possible_usernames: ['alice', 'bob'] });
    expect(out?.summary).toBe('Promiscuous mode enabled on host1; Possible users: alice, bob');
  });

  it('sets an empty list and keeps the summary when nobody logged in, or without a host', async () => {
    const out = await runPlugin(possibleUsernamesPlugin, promisc(), { store: storeWith([]) });
    expect(out?.['details']).toEqual({ possible_usernames: [] });
    expect(out?.summary).toBe('Promiscuous mode enabled on host1');
    const noHost = alertWith({ classname: 'PromiscKernel' });
    expect(await runPlugin(possibleUsernamesPlugin, noHost, { store: storeWith([]) })).toEqual(
      noHost,
    );
  });

  it('breaks a tie between host names as MozDef (the greatest name)', () => {
    const events = ['a-host', 'b-host'].map((hostname) => ({ documentsource: { hostname } }));
    expect(mostCommonHostname(events)).toBe('b-host');
  });
});
