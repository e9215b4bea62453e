#!/usr/bin/env node
// Benchmark (not a test): `alertkit run --once` with every alert of `alerts/` over N MozDef
// events (default 1,000,000: the bundled sample as the newest six hours, older copies shifted
// back a day each) on the embedded store, with the sample's installation. Reports the wall time, the cycle
// time and the peak RSS of the CLI process, loading on one thread and then on two (store.loadThreads),
// then `alertkit backtest` over the same file (its time
// per tick against the cycle time) (/usr/bin/time would need installing; the CLI's
// own getrusage is read through the `--report` of node instead). Needs `pnpm build` first.
//   node packages/cli/bench/runOnce.mjs [events]   (pnpm bench runs it with 1,000,000)
import { spawnSync } from 'node:child_process';
import {
  closeSync,
  createWriteStream,
  fsyncSync,
  openSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';

const root = new URL('../../../', import.meta.url).pathname; // the repository
const total = Number(process.argv[2] ?? 1_000_000);
// Inside the package, so the installation's plugins resolve from its node_modules, as the
// sample's do (git-ignored, removed at the end).
const dir = mkdtempSync(join(root, 'packages/cli/.bench-'));
const now = Date.parse('2026-11-01T12:00:00Z'); // the sample's `pnpm start` time
const iso = (ms) => new Date(ms).toISOString();

// The bundled sample (packages/cli/samples) is the newest copy; each older copy is the sample
// shifted back one more day, until `total` events: a year of the sample's traffic.
const DAY = 24 * 3600_000;
const sampleDir = join(root, 'packages/cli/samples');
const sample = readFileSync(join(sampleDir, 'events.ndjson'), 'utf8')
  .split('\n')
  .filter((line) => line.trim() !== '')
  .map((line) => JSON.parse(line));
const TIME_FIELDS = ['utctimestamp', 'receivedtimestamp', 'timestamp'];
const file = join(dir, 'events.ndjson');
const out = createWriteStream(file);
for (let i = 0; i < total; i++) {
  const copy = Math.floor(i / sample.length);
  const event = sample[i % sample.length];
  const source = { ...event._source };
  if (copy > 0)
    for (const field of TIME_FIELDS) {
      const at = Date.parse(source[field]);
      if (!Number.isNaN(at)) source[field] = iso(at - copy * DAY);
    }
  const id = copy === 0 ? event._id : `${event._id}-${copy}`;
  const line = JSON.stringify({ _index: event._index, _id: id, _source: source });
  if (!out.write(line + '\n')) await new Promise((resolve) => out.once('drain', resolve));
}
await new Promise((resolve) => out.end(resolve));
// On disk before the first timed run, or the kernel writes the file's dirty pages back (~540 MB
// at 1M events) during it: that run took 15.2-15.3 s in two benches, against 13.9 s after the
// fsync and 12.6-13.7 s over a file written long before.
{
  const fd = openSync(file, 'r+');
  fsyncSync(fd);
  closeSync(fd);
}
// The sample's installation (its alerts' settings and plugins), over this file.
const sampleConfig = JSON.parse(readFileSync(join(sampleDir, 'alertkit.config.json'), 'utf8'));
delete sampleConfig.$schema;
// Peak RSS of the child: Node's process.resourceUsage().maxRSS, printed at exit by a preload.
const preload = join(dir, 'rss.cjs');
writeFileSync(
  preload,
  "process.on('exit', () => process.stderr.write('MAXRSS_KB ' + process.resourceUsage().maxRSS + '\\n'));",
);

/**
 * `alertkit run --once` from fresh state, the events loaded on `loadThreads` threads; with
 * `indexCache`, through the index cache in `<dir>/index-cache` (kept from run to run).
 */
function runOnce(loadThreads, indexCache = false) {
  rmSync(join(dir, 'state'), { recursive: true, force: true });
  writeFileSync(
    join(dir, 'alertkit.config.json'),
    JSON.stringify({
      ...sampleConfig,
      store: {
        type: 'memory',
        events: ['events.ndjson'],
        loadThreads,
        ...(indexCache ? { indexCache: 'index-cache' } : {}),
      },
      sinks: [{ type: 'file', path: 'alerts.ndjson' }],
      stateDir: join(dir, 'state'),
      log: { level: 'info' },
    }),
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
  const loaded = run.stderr
    .split('\n')
    .filter((l) => l.includes('memory store loaded') || l.includes('index cache'))
    .join('\n');
  const rssKb = Number(/MAXRSS_KB (\d+)/.exec(run.stderr)?.[1] ?? NaN);
  if (!cycle) console.error(run.stderr.slice(-2000));
  if (loaded) console.error(loaded);
  return {
    alerts: Number(cycle?.[1]),
    cycle_ms: Number(cycle?.[2]),
    raised: Number(cycle?.[3]),
    failed: Number(cycle?.[4]),
    wall_ms: Math.round(wallMs),
    peak_rss_mb: Math.round(rssKb / 1024),
    exit: run.status,
  };
}

const result = { events: total, ...runOnce(1) };
// The slowest runs of the cycle (the run history), for where its time goes.
try {
  const runs = readFileSync(join(dir, 'state', 'runs.ndjson'), 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line))
    .filter((run) => typeof run.durationMs === 'number')
    .sort((a, b) => b.durationMs - a.durationMs);
  result.slowest_alerts = runs.slice(0, 5).map((run) => `${run.alert} ${run.durationMs} ms`);
} catch {
  // No history (the run failed): the result says so already.
}
// The same with the events loaded on two threads (store.loadThreads: 2).
result.two_load_threads = runOnce(2);
// Through the index cache (store.indexCache): the first run loads the file and saves the load,
// the second (the same file and mapping) reads it back.
result.index_cache_saving = runOnce(1, true);
result.index_cache_reading = runOnce(1, true);
const cached = readdirSync(join(dir, 'index-cache')).map(
  (name) => statSync(join(dir, 'index-cache', name)).size,
);
result.index_cache_entry_mb = Math.round(cached.reduce((a, b) => a + b, 0) / 1048576);
// The backtest over the same file: every alert at every tick of the last 6 hours (each tick
// like one run --once cycle), to compare its time per tick with the cycle above
// (BENCH_BACKTEST=0 leaves it out).
const backtestStarted = performance.now();
const backtest =
  process.env.BENCH_BACKTEST === '0'
    ? undefined
    : spawnSync(
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
const report = backtest?.status === 0 ? JSON.parse(backtest.stdout) : undefined;
if (!backtest) {
  // Not asked for.
} else if (report) {
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
rmSync(dir, { recursive: true, force: true });
