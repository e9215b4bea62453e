import { execFileSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { JsonObject, StoredEvent } from '@alertkit/core';
import { bench, describe } from 'vitest';
import { type EmbeddedStore, createEmbeddedStore } from '../src/engine/embeddedStore.js';
import { parseEventJson } from '../src/engine/sourceText.js';
import { BRUTEFORCE_SSH, QUERIES, type BenchQuery } from './queries.js';
import { END, syntheticEvents } from './syntheticEvents.js';

/**
 * `pnpm bench`: the embedded engine against a hand-specialised loop over the same ingested data
 * and against mingo over the raw events, for 100k and 1M synthetic MozDef events spread over
 * 7 days (BENCH_SIZES=20000,50000 overrides the sizes). Each query is a full scan (no window).
 * vitest measures; `report.mjs` turns the medians into events/s and ratios and writes
 * `results.json`. This file also writes `.bench-meta.json` (ingest time, RSS, hit counts),
 * only from the mingo runs and data loading, where a file write cannot distort a measurement.
 */
const SIZES = (process.env.BENCH_SIZES ?? '100000,1000000').split(',').map(Number);
const ITERATIONS = { ours: 7, hand: 7, mingo: 3 } as const;
/**
 * Ours and hand-written run in interleaved rounds (the report takes the median of the rounds'
 * medians), so a burst of load from other processes hits both alike rather than one of them.
 */
const ROUNDS = 3;
type Impl = keyof typeof ITERATIONS;

interface Dataset {
  size: number;
  store: EmbeddedStore;
  sources: JsonObject[];
}

interface SizeMeta {
  /** Reading the events file into a store, in a process of its own (bench/ingestFile.mjs). */
  ingestMs: number;
  /** JSON.parse alone over the same file's lines: the floor of ingest. */
  parseMs: number;
  /**
   * JSON.parse plus the least an ingest with Elasticsearch's semantics must do besides (a visit
   * of every field, the timestamps, the source kept; no index): see bench/ingestFile.mjs.
   */
  floorMs: number;
  /** Resident memory of that process after ingest and a full collection. */
  rssAfterIngestMb: number;
  /** Bytes per event after ingest, by structure (heap: everything on the JS heap). */
  bytesPerEvent: Record<string, number>;
  hits: Record<string, Partial<Record<Impl, number>>>;
}

let current: Dataset | undefined;
// With --expose-gc (the bench script sets it), collect before each benchmark's warmup and run,
// so no benchmark pays for the garbage of the one before (mingo's, or the ingest's).
const collectGarbage = (globalThis as { gc?: () => void }).gc;
const meta: { peakRssMb: number; sizes: Record<string, SizeMeta> } = { peakRssMb: 0, sizes: {} };
const metaFile = fileURLToPath(new URL('.bench-meta.json', import.meta.url));
const ingestScript = fileURLToPath(new URL('ingestFile.mjs', import.meta.url));

function saveMeta(): void {
  meta.peakRssMb = Math.round(process.resourceUsage().maxRSS / 1024);
  writeFileSync(metaFile, `${JSON.stringify(meta, null, 2)}\n`);
}

interface FileMeasurement {
  events: number;
  ms: number;
  rejected?: number;
  rssMb?: number;
  bytesPerEvent?: Record<string, number>;
}

/**
 * Ingest measured as a user meets it: the events written to an NDJSON file, then read into a
 * store of the built package by a process of its own (so its resident memory is the store's,
 * not this benchmark's with its lines and mingo's copies), and JSON.parse of the same lines in
 * another (the floor), and the least ingest work that keeps Elasticsearch's semantics in a third.
 */
function measureIngest(lines: string[]): Omit<SizeMeta, 'hits'> {
  const dir = mkdtempSync(join(tmpdir(), 'alertkit-bench-'));
  try {
    const file = join(dir, 'events.ndjson');
    // In chunks: 1M lines joined would pass V8's longest string (~512M characters).
    const fd = openSync(file, 'w');
    for (let from = 0; from < lines.length; from += 10_000)
      writeSync(fd, `${lines.slice(from, from + 10_000).join('\n')}\n`);
    closeSync(fd);
    const child = (mode: string): FileMeasurement =>
      JSON.parse(
        execFileSync(process.execPath, ['--expose-gc', ingestScript, mode, file], {
          encoding: 'utf8',
          maxBuffer: 1 << 20,
        }),
      ) as FileMeasurement;
    const parse = child('parse');
    const floor = child('floor');
    const ingest = child('ingest');
    if (ingest.events !== lines.length || ingest.rejected)
      throw new Error(`bench: ${JSON.stringify(ingest)} for ${lines.length} events`);
    return {
      ingestMs: ingest.ms,
      parseMs: parse.ms,
      floorMs: floor.ms,
      rssAfterIngestMb: ingest.rssMb ?? NaN,
      bytesPerEvent: ingest.bytesPerEvent ?? {},
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The dataset of that size, loaded on first use (in a warmup call, never in a measured one). */
let failed: Error | undefined;

function dataset(size: number): Dataset {
  if (current?.size === size) return current;
  // A dataset that could not be built fails every benchmark of its size, once.
  if (failed) throw failed;
  current = undefined; // let the previous size go before building the next
  collectGarbage?.();
  const lines: string[] = Array.from(syntheticEvents(size), (e) => JSON.stringify(e));
  let measured: Omit<SizeMeta, 'hits'>;
  try {
    measured = measureIngest(lines);
  } catch (error) {
    failed = error instanceof Error ? error : new Error(String(error));
    throw failed;
  }
  const store = createEmbeddedStore();
  const BATCH = 1000;
  for (let from = 0; from < lines.length; from += BATCH) {
    const batch = lines
      .slice(from, from + BATCH)
      .map((line) => parseEventJson(line) as StoredEvent);
    const report = store.ingest(batch, { owned: true });
    if (report.rejected.length > 0)
      throw new Error(`bench: ${report.rejected.length} synthetic events rejected`);
  }
  lines.length = 0;
  current = { size, store, sources: [...store.index.allEvents()].map((e) => e._source) };
  meta.sizes[size] = { ...measured, hits: {} };
  saveMeta();
  return current;
}

async function run(size: number, query: BenchQuery, impl: Impl): Promise<void> {
  const { store, sources } = dataset(size);
  let hits: number;
  if (impl === 'hand') hits = query.hand(store.index);
  else if (impl === 'mingo') hits = query.mingo(sources);
  else if (query.criteria.aggregation) {
    hits = (
      await store.aggregate({
        criteria: { ...query.criteria, aggregation: query.criteria.aggregation },
        now: new Date(END),
      })
    ).buckets.length;
  } else hits = (await store.search({ criteria: query.criteria, now: new Date(END) })).total;
  const counts = ((meta.sizes[size] as SizeMeta).hits[query.name] ??= {});
  counts[impl] = hits;
  if (impl === 'mingo') saveMeta();
}

const windowCriteria = { ...BRUTEFORCE_SSH, window: { minutes: 2 } };
const once = { time: 0, warmupTime: 0, warmupIterations: 1, setup: () => collectGarbage?.() };

for (const size of SIZES) {
  describe(`${size} events`, () => {
    bench(
      'window: bruteforce-ssh over the last 2 minutes (ours)',
      async () => {
        await dataset(size).store.search({ criteria: windowCriteria, now: new Date(END) });
      },
      { ...once, iterations: 51 },
    );
    for (let round = 1; round <= ROUNDS; round++) {
      for (const query of QUERIES) {
        for (const impl of round === 1
          ? (['ours', 'hand', 'mingo'] as const)
          : (['ours', 'hand'] as const)) {
          bench(`${query.name} (${impl}) [round ${round}]`, () => run(size, query, impl), {
            ...once,
            iterations: ITERATIONS[impl],
          });
        }
      }
    }
  });
}
