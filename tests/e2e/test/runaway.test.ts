import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { alertkit, ndjson, scratch } from './lib/cli.js';
import { repoRoot } from './lib/workspaceCopy.js';

const NOW = '2017-01-01T01:00:00Z';

describe('alertkit run --once with an alert in a synchronous endless loop', () => {
  it('stops that alert at its time limit, records it, and delivers the other alerts', () => {
    const dir = scratch();
    const at = new Date(Date.parse(NOW) - 30_000).toISOString();
    const events = ndjson(
      dir,
      'logins.ndjson',
      Array.from({ length: 10 }, () => ({
        utctimestamp: at,
        receivedtimestamp: at,
        category: 'authentication',
        summary: 'alice failed to log in',
        details: { username: 'alice', success: false },
      })),
    );
    const delivered = join(dir, 'delivered.ndjson');
    const config = join(dir, 'alertkit.config.json');
    writeFileSync(
      config,
      JSON.stringify({
        alerts: [
          { path: join(repoRoot, 'tests/e2e/fixtures/runaway-alert'), timeoutMs: 1_500 },
          { path: join(repoRoot, 'alerts/failed-logins') },
        ],
        store: { type: 'memory', events: [events] },
        sinks: [{ type: 'file', path: delivered }],
        stateDir: join(dir, 'state'),
      }),
    );
    const run = alertkit(['run', '--once', '--config', config, '--now', NOW]);
    // One alert failed: the exit status says so, and the other alert's alert was delivered.
    expect(run.status, run.stderr).toBe(1);
    expect(run.stderr).toContain(
      'alert "runaway-loop": the run did not finish within 1500 ms; its worker was stopped',
    );
    expect(run.stderr).toMatch(/"timedOut":true/);
    const lines = readFileSync(delivered, 'utf8').trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0] ?? '{}')).toMatchObject({
      _source: { classname: 'AlertFailedLogins' },
    });
  });
});
