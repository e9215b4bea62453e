import { spawn } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { alertkit, alertkitBin, ndjson, scratch } from './lib/cli.js';
import { repoRoot, run } from './lib/workspaceCopy.js';

const NOW = '2017-01-01T01:00:00Z';
let dir: string;

function failedLogin(user: string, secondsAgo: number) {
  const at = new Date(Date.parse(NOW) - secondsAgo * 1000).toISOString();
  return {
    utctimestamp: at,
    receivedtimestamp: at,
    category: 'authentication',
    summary: `${user} failed to log in`,
    details: { username: user, success: false },
  };
}

beforeAll(() => {
  dir = scratch();
});

describe('alertkit replay', () => {
  it('prints only the alerts as {_id, _index, _source} lines; identical events stay distinct; bad lines are reported and skipped', () => {
    const lines: (object | string)[] = Array.from({ length: 10 }, () => failedLogin('alice', 30));
    lines.splice(3, 0, '{this is not json');
    const events = ndjson(dir, 'alice.ndjson', lines);
    const args = ['replay', 'alerts/failed-logins', '--events', events, '--now', NOW];
    const replay = alertkit([...args, '--format', 'json']);
    expect(replay.status).toBe(0);
    expect(replay.stderr).toContain('alice.ndjson: line 4: not JSON');
    const out = replay.stdout
      .trim()
      .split('\n')
      .map(
        (l) => JSON.parse(l) as { _id: string; _index: string; _source: Record<string, unknown> },
      );
    expect(out).toHaveLength(1);
    expect(out[0]?._index).toBe('alerts');
    expect(out[0]?._id).toMatch(/^[0-9a-f]{32}$/);
    expect(out[0]?._source).toMatchObject({
      utctimestamp: '2017-01-01T01:00:00+00:00',
      severity: 'NOTICE',
      summary: '10 failed logins for alice in the last 5 minutes',
      category: 'authentication',
      tags: ['auth', 'login'],
      channel: null,
      notify_mozdefbot: false,
      status: 'manual',
      classname: 'AlertFailedLogins',
    });
    expect((out[0]?._source['events'] as unknown[]).length).toBe(5);
    // A replay is a pure function of its inputs: the same command gives the same alert.
    const again = alertkit([
      'replay',
      'alert-failed-logins',
      '--events',
      events,
      '--now',
      NOW,
      '--format',
      'json',
    ]);
    expect(again.stdout).toBe(replay.stdout);

    // Through the index cache: saved by the first, read back by the second, same alert and
    // the same skipped line reported.
    const cached = (): ReturnType<typeof alertkit> =>
      alertkit([...args, '--format', 'json', '--index-cache', join(dir, 'index-cache')]);
    const saving = cached();
    expect(saving.stderr).toContain('alertkit: saved the load to the index cache in ');
    const reading = cached();
    expect(reading.stderr).toContain('alertkit: read 10 events from the index cache in ');
    for (const through of [saving, reading]) {
      expect(through.status).toBe(0);
      expect(through.stdout).toBe(replay.stdout);
      expect(through.stderr).toContain('alice.ndjson: line 4: not JSON');
    }
  });

  it('exits 0 with empty stdout when nothing fires, and non-zero with one line for a bad alert', () => {
    const events = ndjson(
      dir,
      'few.ndjson',
      Array.from({ length: 9 }, () => failedLogin('bob', 30)),
    );
    const quiet = alertkit([
      'replay',
      'alerts/failed-logins',
      '--events',
      events,
      '--now',
      NOW,
      '--format',
      'json',
    ]);
    expect(quiet).toMatchObject({ status: 0, stdout: '' });
    const missing = alertkit(['replay', 'alerts/no-such-alert', '--events', events, '--now', NOW]);
    expect(missing.status).toBe(1);
    expect(missing.stderr.trim().split('\n')).toHaveLength(1);
    expect(missing.stderr).toContain('no alert "alerts/no-such-alert"');
  });

  it('applies config overrides from an installation file', () => {
    const events = ndjson(
      dir,
      'nine.ndjson',
      Array.from({ length: 9 }, () => failedLogin('carol', 30)),
    );
    const config = join(dir, 'alertkit.config.json');
    writeFileSync(
      config,
      JSON.stringify({ alerts: [{ package: 'alert-failed-logins', config: { nonsense: 1 } }] }),
    );
    const replay = alertkit([
      'replay',
      'alerts/failed-logins',
      '--events',
      events,
      '--now',
      NOW,
      '--config',
      config,
    ]);
    expect(replay.status).toBe(1);
    expect(replay.stderr).toMatch(/alert "failed-logins".*nonsense/);
  });
});

describe('alertkit analyze', () => {
  it('prints the _analyze tokens of the text after --, verbatim', () => {
    const out = alertkit(['analyze', '--format', 'json', '--', '-Failed password for ADMIN']);
    expect(out.status).toBe(0);
    expect(JSON.parse(out.stdout)).toEqual([
      { token: 'failed', start_offset: 1, end_offset: 7, type: '<ALPHANUM>', position: 0 },
      { token: 'password', start_offset: 8, end_offset: 16, type: '<ALPHANUM>', position: 1 },
      { token: 'for', start_offset: 17, end_offset: 20, type: '<ALPHANUM>', position: 2 },
      { token: 'admin', start_offset: 21, end_offset: 26, type: '<ALPHANUM>', position: 3 },
    ]);
    expect(JSON.parse(alertkit(['analyze', '--format', 'json', '--', '']).stdout)).toEqual([]);
    expect(
      JSON.parse(
        alertkit(['analyze', '--field', 'hostname', '--format', 'json', '--', 'Web1.Example.org'])
          .stdout,
      ),
    ).toEqual([
      { token: 'Web1.Example.org', start_offset: 0, end_offset: 16, type: 'word', position: 0 },
    ]);
  });
});

describe('alertkit search', () => {
  it('prints the ids of matching events, with the MozDef mapping by default', () => {
    const events = ndjson(dir, 'hunt.ndjson', [
      {
        _id: 'a',
        _source: {
          summary: 'Failed password for root',
          details: { program: 'sshd', sourceipaddress: '10.1.1.1' },
        },
      },
      {
        _id: 'b',
        _source: {
          summary: 'Accepted password for root',
          details: { program: 'sshd', sourceipaddress: '10.1.1.2' },
        },
      },
      {
        _id: 'c',
        _source: {
          summary: 'FAILED PASSWORD',
          details: { program: 'SSHD', sourceipaddress: '10.2.0.1' },
        },
      },
      { _id: 'bad-ip', _source: { summary: 'failed', details: { sourceipaddress: 'not-an-ip' } } },
    ]);
    const ids = alertkit([
      'search',
      '--events',
      events,
      '--query',
      'summary:"failed password" AND details.program:sshd',
      '--format',
      'ids',
    ]);
    expect(ids.status).toBe(0);
    expect(ids.stdout).toBe('a\n');
    expect(ids.stderr).toContain('skipped event events/bad-ip');
    const dsl = join(dir, 'subnet.json');
    writeFileSync(
      dsl,
      JSON.stringify({
        bool: { filter: [{ term: { 'details.sourceipaddress': '10.1.0.0/16' } }] },
      }),
    );
    expect(alertkit(['search', '--events', events, '--dsl', dsl, '--format', 'ids']).stdout).toBe(
      'a\nb\n',
    );
  });

  it('refuses what Elasticsearch would refuse, in one line', () => {
    const events = ndjson(dir, 'one.ndjson', [{ summary: 'x' }]);
    for (const args of [
      ['--query', 'summary:(unclosed'],
      ['--query', 'hostname:/(a|b)*a(a|b){20}/'],
    ]) {
      const out = alertkit(['search', '--events', events, ...args, '--format', 'ids']);
      expect(out.status, args.join(' ')).not.toBe(0);
      expect(out.stdout).toBe('');
      expect(out.stderr.trim().split('\n'), out.stderr).toHaveLength(1);
    }
    // With no default_field Elasticsearch runs the query string leniently: a value a typed field
    // cannot take matches nothing there, it is not an error.
    for (const query of ['details.sourceipaddress:not-an-ip', 'details.sourceipaddress:10.*']) {
      const out = alertkit(['search', '--events', events, '--query', query, '--format', 'ids']);
      expect(out.status, out.stderr).toBe(0);
      expect(out.stdout).toBe('');
    }
  });
});

describe("pnpm start (the README's main job) and alertkit run --once", () => {
  it('builds, runs every alert over the bundled sample and shows the same alerts each time; a run over kept state raises nothing new', () => {
    const start = run(repoRoot, 'pnpm', ['--silent', 'start']);
    expect(start.status, start.stderr).toBe(0);
    expect(start.stdout).toMatch(/SEVERITY\s+CATEGORY\s+CLASSNAME\s+EVENTS\s+SUMMARY/);
    expect(start.stdout).toContain('12 failed logins for alice in the last 5 minutes');

    expect(start.stderr).toMatch(
      /alerts \(NDJSON.*\): packages\/cli\/samples\/\.alertkit\/alerts\.ndjson/,
    );
    const alertLines = (text: string) =>
      text
        .split('\n')
        .filter((l) => /^(INFO|NOTICE|WARNING|ERROR|CRITICAL)\s/.test(l))
        .sort();
    const saved = readFileSync(
      join(repoRoot, 'packages/cli/samples/.alertkit/alerts.ndjson'),
      'utf8',
    )
      .trim()
      .split('\n');
    expect(saved).toHaveLength(alertLines(start.stdout).length);
    // Every alert of alerts/ but get-watchlist (off in the sample config: it needs an HTTP
    // endpoint) runs, the generic rules as their two bundled rules; each story of the sample
    // raises its alert.
    expect(start.stderr).toContain('43 alerts ran');
    expect(start.stderr).not.toContain('get-watchlist');
    expect(alertLines(start.stdout)).toHaveLength(33);
    const classnames = new Set(alertLines(start.stdout).map((l) => l.split(/\s+/)[2]));
    for (const classname of [
      'AlertSFTPEvent',
      'PromiscAudit',
      'PromiscKernel',
      'TraceAudit',
      'WriteAudit',
      'SessionOpenedUser',
      'AlertSSHAccess',
      'AlertAuthSignRelengSSH',
      'SshLateral',
      'NSMScanAddress',
      'NSMScanPort',
      'NSMScanRandom',
      'AlertMultipleIntelHits',
      'AlertSSLBlacklistHit',
      'AlertHTTPErrors',
      'OldEvents',
      'AlertTriageBotEscalation',
      'broNSM',
      'AlertDeadmanGeneric',
    ])
      expect(classnames, classname).toContain(classname);
    // The dead-man alerts: the quiet sensor and the quiet bastion, not the live ones.
    expect(start.stdout).toContain(
      'No nsm2.example.org bro healthcheck events found the past 20 minutes',
    );
    expect(start.stdout).not.toContain('No nsm1.example.org');
    expect(start.stdout).toContain(
      "Deadman check failed for 'bastion1 heartbeat' the past 30 minutes",
    );
    expect(start.stdout).not.toContain('squid proxy logs');
    // The sample enables ip_source_enrichment (@alertkit/mozdef-plugins): the brute force's
    // source is in the range it names LAB-NET.
    const bruteforce = saved
      .map(
        (line) =>
          JSON.parse(line) as {
            _source: { classname: string; summary: string; details: { sites?: unknown } };
          },
      )
      .find((a) => a._source.classname === 'AlertBruteforceSsh');
    expect(bruteforce?._source.summary).toMatch(
      / by 203\.0\.113\.45 .*; 203\.0\.113\.45 is in LAB-NET\.$/,
    );
    expect(bruteforce?._source.details.sites).toEqual([{ ip: '203.0.113.45', site: 'LAB-NET' }]);

    const again = run(repoRoot, 'pnpm', ['--silent', 'start']);
    expect(alertLines(again.stdout)).toEqual(alertLines(start.stdout));

    // Without --fresh the state of the previous run is kept: the events are tagged, nothing re-alerts.
    const kept = alertkit([
      'run',
      '--once',
      '--config',
      'packages/cli/samples/alertkit.config.json',
      '--alerts',
      'alerts',
      '--now',
      '2026-11-01T12:00:00Z',
    ]);
    expect(kept.status, kept.stderr).toBe(0);
    expect(kept.stdout).toBe('');
    expect(kept.stderr).toContain(' 0 raised');
  });
});

describe('alertkit run (the scheduler)', () => {
  it('stops cleanly on SIGTERM: the run in flight finishes, state is persisted, exit 0', async () => {
    const stateDir = join(dir, 'scheduler-state');
    const config = join(dir, 'scheduler.json');
    writeFileSync(
      config,
      JSON.stringify({
        store: { type: 'memory', events: [] },
        stateDir,
        alerts: [{ path: join(repoRoot, 'alerts/failed-logins') }],
      }),
    );
    const child = spawn(
      process.execPath,
      [alertkitBin, 'run', '--config', config, '--log-level', 'warn'],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    await new Promise<void>((resolve) => {
      const wait = setInterval(() => {
        if (stderr.includes('running 1 alerts')) {
          clearInterval(wait);
          resolve();
        }
      }, 50);
    });
    child.kill('SIGTERM');
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    expect(code).toBe(0);
    expect(stderr).toContain('SIGTERM: finishing the run in flight, flushing sinks');
    expect(existsSync(join(stateDir, 'store.json'))).toBe(true);
  });
});

describe('--help', () => {
  it.each(['run', 'replay', 'search', 'analyze', 'list', 'validate'])(
    'alertkit %s --help',
    (command) => {
      const help = alertkit([command, '--help']);
      expect(help.status).toBe(0);
      expect(help.stdout).toContain(`Usage: alertkit ${command}`);
    },
  );
});
