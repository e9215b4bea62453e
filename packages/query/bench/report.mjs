// @ts-check
// Turns vitest's benchmark medians (bench/.raw.json) and the bench's side notes
// (bench/.bench-meta.json) into events/s, ratios and peak RSS; writes bench/results.json for
// the 1M run (the shape compared across commits).
import { readFileSync, writeFileSync } from 'node:fs';

/** @param {string} name */
const here = (name) => new URL(name, import.meta.url);
const raw = JSON.parse(readFileSync(here('.raw.json'), 'utf8'));
const meta = JSON.parse(readFileSync(here('.bench-meta.json'), 'utf8'));

/** @param {number[]} values */
function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2
    ? (sorted[mid] ?? NaN)
    : ((sorted[mid - 1] ?? NaN) + (sorted[mid] ?? NaN)) / 2;
}

/** @type {Map<string, Map<string, number[]>>} size -> bench name (rounds merged) -> medians (ms) */
const rounds = new Map();
for (const file of raw.files) {
  for (const group of file.groups) {
    const size = /(\d+) events/.exec(group.fullName)?.[1];
    if (!size) continue;
    const bySize = rounds.get(size) ?? new Map();
    for (const b of group.benchmarks) {
      const name = b.name.replace(/ \[round \d+\]$/, '');
      bySize.set(name, [...(bySize.get(name) ?? []), b.median]);
    }
    rounds.set(size, bySize);
  }
}
/** @type {Map<string, Map<string, number>>} size -> bench name -> median of the rounds' medians */
const medians = new Map(
  [...rounds].map(([size, bySize]) => [
    size,
    new Map([...bySize].map(([name, values]) => [name, median(values)])),
  ]),
);

/** @param {number} n */
const fmt = (n) => Math.round(n).toLocaleString('en');
for (const [size, bySize] of medians) {
  const n = Number(size);
  const sizeMeta = meta.sizes[size] ?? {
    ingestMs: NaN,
    parseMs: NaN,
    floorMs: NaN,
    rssAfterIngestMb: NaN,
    bytesPerEvent: {},
    hits: {},
  };
  /** @type {string[]} */
  const names = [];
  for (const key of bySize.keys()) {
    const name = /^(.*) \((ours|hand|mingo)\)$/.exec(key)?.[1];
    if (name && !name.startsWith('window') && !names.includes(name)) names.push(name);
  }
  const queries = names.map((name) => {
    /** @param {string} impl */
    const eps = (impl) => Math.round(n / ((bySize.get(`${name} (${impl})`) ?? Infinity) / 1000));
    return { name, ours_eps: eps('ours'), hand_eps: eps('hand'), mingo_eps: eps('mingo') };
  });
  const windowMs = bySize.get('window: bruteforce-ssh over the last 2 minutes (ours)') ?? NaN;
  console.log(
    `\n${fmt(n)} events: ingest ${fmt(sizeMeta.ingestMs)} ms (${fmt(n / (sizeMeta.ingestMs / 1000))} events/s; JSON.parse alone ${fmt(n / (sizeMeta.parseMs / 1000))} events/s; with the least work any ingest with Elasticsearch's semantics adds, no index built: ${fmt(n / (sizeMeta.floorMs / 1000))} events/s), RSS after ingest ${sizeMeta.rssAfterIngestMb} MB, bytes per event ${JSON.stringify(sizeMeta.bytesPerEvent)}`,
  );
  console.log(
    'query                        |     ours ev/s |     hand ev/s |  mingo ev/s | ours/hand | ours/mingo | hits ours/hand/mingo',
  );
  for (const q of queries) {
    const hits = sizeMeta.hits[q.name] ?? {};
    const mismatch = hits.ours === hits.hand ? '' : '  MISMATCH ours vs hand';
    console.log(
      [
        q.name.padEnd(28),
        fmt(q.ours_eps).padStart(13),
        fmt(q.hand_eps).padStart(13),
        fmt(q.mingo_eps).padStart(11),
        (q.ours_eps / q.hand_eps).toFixed(2).padStart(9),
        (q.ours_eps / q.mingo_eps).toFixed(1).padStart(10),
        ` ${hits.ours}/${hits.hand}/${hits.mingo}${mismatch}`,
      ].join(' | '),
    );
  }
  console.log(
    `window: bruteforce-ssh criteria over the last 2 minutes of ${fmt(n)} events: median ${windowMs.toFixed(3)} ms`,
  );
  if (n === 1_000_000) {
    const results = {
      events: n,
      queries,
      window_ms: Number(windowMs.toFixed(3)),
      rss_mb: meta.peakRssMb,
      ingest_eps: Math.round(n / (sizeMeta.ingestMs / 1000)),
      parse_eps: Math.round(n / (sizeMeta.parseMs / 1000)),
      floor_eps: Math.round(n / (sizeMeta.floorMs / 1000)),
      rss_mb_after_ingest: sizeMeta.rssAfterIngestMb,
      bytes_per_event: sizeMeta.bytesPerEvent,
    };
    writeFileSync(here('results.json'), `${JSON.stringify(results, null, 2)}\n`);
    console.log('wrote bench/results.json');
  }
}
console.log(`\npeak RSS of the benchmark process: ${meta.peakRssMb} MB`);

// The hostile fuzz (bench/hostile.bench.ts): the slowest of 10,000 query strings (goal: 50 ms).
try {
  const hostile = JSON.parse(readFileSync(here('.hostile.json'), 'utf8'));
  console.log(
    `hostile query strings: ${fmt(hostile.cases)} parsed and compiled, slowest ${hostile.worstMs} ms CPU (${JSON.stringify(hostile.slowest)}), p99 ${hostile.p99Ms} ms (goal: none over 50 ms)`,
  );
  try {
    const results = JSON.parse(readFileSync(here('results.json'), 'utf8'));
    results.fuzz_worst_ms = hostile.worstMs;
    writeFileSync(here('results.json'), `${JSON.stringify(results, null, 2)}\n`);
  } catch {
    // No 1M run this time (BENCH_SIZES): nothing to add the figure to.
  }
  if (hostile.worstMs > 50) process.exitCode = 1;
} catch {
  console.log('hostile query strings: not measured (bench/.hostile.json missing)');
}
