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
import { runAlert } from '@alertkit/core';
import { createEmbeddedStore } from '@alertkit/query';
import { expect, it } from 'vitest';
import { alert } from '../src/index.js';

// audisp-json's record of an ssh process whose parent is sftp (MozDef has no test for this
// alert: the cases are written from alerts/auditd_sftp.py and the catalogue, E1).
const sftpExec = {
  _source: {
    category: 'execve',
    processname: 'audisp-json',
    hostname: 'files1.example.com',
    summary: 'Execve: ssh -x -oForwardAgent=no -l bob -s files1.example.com sftp',
    tags: ['audisp-json', '2.1.0', 'audit'],
    details: {
      processname: 'ssh',
      parentprocess: 'sftp',
      originaluser: 'bob',
      user: 'bob',
      cwd: '/home/bob',
    },
  },
};
const defaultAlert = {
  category: 'execve',
  severity: 'NOTICE',
  tags: ['audisp-json, audit'],
  summary: 'SFTP Event by bob from host files1.example.com in directory /home/bob',
};

const timed = (time: Timestamp) => ({ utctimestamp: time, receivedtimestamp: time });

describeAlert(alert, {
  defaultEvent: sftpExec,
  defaultAlert,
  cases: [
    positive('an ssh process started by sftp alerts', [event({})]),
    positive('an event a minute old alerts', [event(timed(minutesAgo(1)))]),
    // must category = execve (exact keyword).
    negative("category must be exactly 'execve'", [event({ category: 'Execve' })]),
    negative('another audit category (write) does not match', [event({ category: 'write' })]),
    // must processname = audisp-json (the top-level shipper, not the audited process).
    negative('an event not shipped by audisp-json does not match', [
      event({ processname: 'auditbeat' }),
    ]),
    // must details.processname = ssh.
    negative("the audited process must be 'ssh' ('sshd' is the server)", [
      event({ details: { processname: 'sshd' } }),
    ]),
    negative("the audited process must be exactly 'ssh' ('SSH')", [
      event({ details: { processname: 'SSH' } }),
    ]),
    // must details.parentprocess phrase sftp: on a keyword, the exact whole value.
    negative("a parent other than sftp ('bash') does not match", [
      event({ details: { parentprocess: 'bash' } }),
    ]),
    negative("the parent must be exactly 'sftp' ('sftp-server')", [
      event({ details: { parentprocess: 'sftp-server' } }),
    ]),
    negative('an event without a parent process does not match', [
      event({ details: { parentprocess: null } }),
    ]),
    // The 5-minute window on utctimestamp OR receivedtimestamp, both edges inclusive.
    positive('exactly at the window edge (5 minutes ago) is in', [event(timed(at('-5m')))]),
    negative('one second outside the window is out', [event(timed(at('-5m1s')))]),
    positive('an old utctimestamp with a recent receivedtimestamp is in the window', [
      event({ utctimestamp: hoursAgo(3), receivedtimestamp: minutesAgo(2) }),
    ]),
    negative('an event already used by this alert does not alert again', [
      event({ alert_names: ['AlertSFTPEvent'] }),
    ]),
    // A null value is present (Python's `in` is true) and prints None.
    positive(
      'a null originaluser prints None, as Python would',
      [event({ details: { originaluser: null } })],
      { summary: 'SFTP Event by None from host files1.example.com in directory /home/bob' },
    ),
  ],
});

// Missing fields print `unknown`, as MozDef's defaults (the generic default event has a hostname).
describeAlert(alert, {
  defaultEvent: {
    _source: {
      category: 'execve',
      processname: 'audisp-json',
      details: { processname: 'ssh', parentprocess: 'sftp' },
    },
  },
  defaultAlert: {
    ...defaultAlert,
    summary: 'SFTP Event by unknown from host exhostname in directory unknown',
  },
  cases: [
    positive('no originaluser and no cwd print unknown', [event({})]),
    positive('only the cwd known', [event({ details: { cwd: '/srv/upload' } })], {
      summary: 'SFTP Event by unknown from host exhostname in directory /srv/upload',
    }),
  ],
});

it('an event stored without a hostname prints unknown for it', async () => {
  const now = new Date('2017-01-01T01:00:00Z');
  const store = createEmbeddedStore();
  const source = {
    utctimestamp: '2017-01-01T00:59:00+00:00',
    receivedtimestamp: '2017-01-01T00:59:00+00:00',
    category: 'execve',
    processname: 'audisp-json',
    summary: 'Execve: ssh sftp',
    details: { processname: 'ssh', parentprocess: 'sftp', originaluser: 'bob' },
  };
  expect(store.ingest([{ _index: 'events', _id: 'raw-1', _source: source }]).rejected).toEqual([]);
  const { alerts } = await runAlert(alert, store, { now });
  expect(alerts.map((a) => a._source.summary)).toEqual([
    'SFTP Event by bob from host unknown in directory unknown',
  ]);
});
