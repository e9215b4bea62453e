#!/usr/bin/env node
// Benchmark (not a test): `alertkit run --once` with every alert of `alerts/` over N synthetic
// MozDef events (default 1,000,000) on the embedded store. Reports the load time, the cycle
// time and the peak RSS of the CLI process, then `alertkit backtest` over the same file (its time
// per tick against the cycle time) (/usr/bin/time would need installing; the CLI's
// own getrusage is read through the `--report` of node instead). Needs `pnpm build` first.
//   node packages/cli/bench/runOnce.mjs [events]   (pnpm bench runs it with 1,000,000)
import { spawnSync } from 'node:child_process';
import { createWriteStream, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const root = new URL('../../../', import.meta.url).pathname; // the repository
const total = Number(process.argv[2] ?? 1_000_000);
const dir = mkdtempSync(join(tmpdir(), 'alertkit-bench-'));
const now = Date.parse('2026-11-01T12:00:00Z');
const SPAN = 7 * 24 * 3600_000;

let seed = 7;
const random = () => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32;
const pick = (list) => list[Math.floor(random() * list.length)];
const iso = (ms) => new Date(ms).toISOString();
const kinds = [
  () => ({
    category: 'syslog',
    hostname: pick(['web1', 'web2', 'db1']),
    summary: `Failed password for invalid user ${pick(['admin', 'root', 'test'])} from 203.0.113.${Math.floor(random() * 20)} port 22 ssh2`,
    details: { program: 'sshd', sourceipaddress: `203.0.113.${Math.floor(random() * 20)}` },
  }),
  () => ({
    category: 'syslog',
    hostname: pick(['web1', 'web2']),
    summary: 'Started Daily apt download activities.',
    details: { program: 'systemd' },
  }),
  () => ({
    category: 'authentication',
    summary: 'login failed',
    details: {
      username: pick(['alice', 'bob', 'carol']),
      success: random() < 0.5,
      sourceipaddress: `10.0.${Math.floor(random() * 255)}.1`,
    },
  }),
  () => ({
    category: 'proxy',
    summary: 'squid',
    details: {
      sourceipaddress: `10.1.${Math.floor(random() * 255)}.2`,
      destination: pick(['http://x.example/a.exe', 'github.com:443']),
      host: pick(['pastebin.com', 'github.com', '203.0.113.9']),
      destinationport: pick([443, 6667]),
      method: pick(['GET', 'CONNECT']),
      proxyaction: pick(['TCP_DENIED', 'TCP_TUNNEL']),
    },
  }),
  () => ({
    category: 'ldapChange',
    summary: 'LDAP change',
    details: {
      actor: pick(['cn=admin,dc=mozilla', 'mail=x@example.org']),
      changetype: pick(['add', 'delete', 'modify']),
      dn: 'mail=y@example.org',
    },
  }),
];

const file = join(dir, 'events.ndjson');
const out = createWriteStream(file);
for (let i = 0; i < total; i++) {
  const at = now - Math.floor((i / total) * SPAN);
  const event = pick(kinds)();
  const line = JSON.stringify({
    _index: 'events',
    _id: `e${i}`,
    _source: { utctimestamp: iso(at), receivedtimestamp: iso(at), ...event },
  });
  if (!out.write(line + '\n')) await new Promise((resolve) => out.once('drain', resolve));
}
await new Promise((resolve) => out.end(resolve));
writeFileSync(
  join(dir, 'alertkit.config.json'),
  JSON.stringify({
    store: { type: 'memory', events: ['events.ndjson'] },
    stateDir: join(dir, 'state'),
    log: { level: 'info' },
  }),
);

// Peak RSS of the child: Node's process.resourceUsage().maxRSS, printed at exit by a preload.
const preload = join(dir, 'rss.cjs');
writeFileSync(
  preload,
  "process.on('exit', () => process.stderr.write('MAXRSS_KB ' + process.resourceUsage().maxRSS + '\\n'));",
);
const started = performance.now();
const run = spawnSync(
  process.execPath,
  [
    '--require',
    preload,
    join(root, 'packages/cli/dist/bin.js'),
    'run',
    '--once',
    '--config',
    join(dir, 'alertkit.config.json'),
    '--alerts',
    join(root, 'alerts'),
    '--now',
    iso(now),
  ],
  { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 },
);
const wallMs = performance.now() - started;
const cycle = /cycle at \S+: (\d+) alerts ran in (\d+) ms, (\d+) raised, (\d+) failed/.exec(
  run.stderr,
);
const loaded = run.stderr.split('\n').find((l) => l.includes('memory store loaded'));
const rssKb = Number(/MAXRSS_KB (\d+)/.exec(run.stderr)?.[1] ?? NaN);
const result = {
  events: total,
  alerts: Number(cycle?.[1]),
  cycle_ms: Number(cycle?.[2]),
  raised: Number(cycle?.[3]),
  failed: Number(cycle?.[4]),
  wall_ms: Math.round(wallMs),
  peak_rss_mb: Math.round(rssKb / 1024),
  exit: run.status,
};
// The backtest over the same file: every alert at every tick of the last 6 hours (each tick
// like one run --once cycle), to compare its time per tick with the cycle above.
const backtestStarted = performance.now();
const backtest = spawnSync(
  process.execPath,
  [
    join(root, 'packages/cli/dist/bin.js'),
    'backtest',
    '--events',
    file,
    '--since',
    '6h',
    '--until',
    iso(now),
    '--format',
    'json',
  ],
  { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024, cwd: root },
);
const backtestMs = performance.now() - backtestStarted;
const report = backtest.status === 0 ? JSON.parse(backtest.stdout) : undefined;
if (report) {
  const ticks = Math.max(...report.alerts.map((a) => a.ticks));
  result.backtest_6h_wall_ms = Math.round(backtestMs);
  result.backtest_6h_evaluation_ms = report.durationMs;
  result.backtest_ticks = ticks;
  result.backtest_ms_per_tick = Math.round((report.durationMs / ticks) * 100) / 100;
  result.backtest_alerts = report.alerts.reduce((n, a) => n + a.total, 0);
} else
  console.error(
    `backtest failed: status ${backtest.status} signal ${backtest.signal} ${backtest.error?.message ?? ''} ${backtest.stderr.slice(-2000)}`,
  );
console.log(JSON.stringify(result));
if (!cycle) console.error(run.stderr.slice(-2000));
if (loaded) console.error(loaded);
rmSync(dir, { recursive: true, force: true });
