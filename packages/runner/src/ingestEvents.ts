import { fileURLToPath } from 'node:url';
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { IndexSegment, MappingState, SourceCompression } from '@alertkit/query';
import {
  type CachedLoad,
  dropCachedLoad,
  loadKey,
  readCachedLoad,
  writeCachedLoad,
} from './indexCache.js';
import { type WireError, fromWireError, toWireError } from './isolation/protocol.js';
import {
  type EventProblem,
  type FilePart,
  type IngestPartsOptions,
  type IngestTarget,
  type RejectedEvent,
  ingestParts,
  listEventFiles,
  readHead,
} from './readEvents.js';

/** What {@link ingestEventFiles} reports as it goes, and how it loads. */
export interface IngestEventFilesOptions {
  /** A malformed line or element (skipped). */
  onProblem?: (problem: EventProblem) => void;
  /** An event the store refused (skipped). */
  onRejected?: (rejected: RejectedEvent) => void;
  /** Every `progressEvery` events read (default 250,000), for long files. */
  onProgress?: (read: number) => void;
  progressEvery?: number;
  /** See {@link ReadEventsOptions.maxEventBytes}. */
  maxEventBytes?: number;
  /**
   * Whether a large load uses a second thread (default false): a worker reads and indexes the
   * second half of the bytes while this thread does the first, and its part is then appended
   * to the store (see `EmbeddedStore.appendSegment`). The store ends up the same as loading on
   * one thread; where it would not (an `_id` in both halves, a field mapped differently in
   * each), the second half is loaded again here. Needs a store that appends segments, NDJSON
   * files and two cores. Measured on two cores over 1M events: ~1.3-1.8x faster, and ~100-300
   * MB more at the peak of the load (the worker's heap, and its columns until appended).
   */
  parallel?: boolean;
  /** From how many bytes of events files a load is split (default 32 MiB). */
  parallelMinBytes?: number;
  /**
   * Notes worth a log line: a split load that fell back to one thread, and why; what the index
   * cache did.
   */
  onNote?: (message: string) => void;
  /**
   * A directory for the index cache (see `indexCache.ts`): a load into an empty embedded store
   * is saved there, and the next load of the same files (same paths, sizes and times) with the
   * same mapping reads it back instead of indexing the files again, reporting the same
   * problems and refused events. Entries take about half the files' size; the newest
   * two are kept.
   */
  cacheDir?: string;
}

/** Default of {@link IngestEventFilesOptions.parallelMinBytes}: below it a worker's start (~50 ms) is not worth it. */
export const PARALLEL_MIN_BYTES = 32 * 1024 * 1024;

/** A store that can take a worker's part of a load (the embedded store). */
interface SegmentTarget extends IngestTarget {
  mapping: { state(): MappingState };
  appendSegment(segment: IndexSegment, options?: { adopt?: boolean }): boolean;
  /** How its sources are compressed, which the worker's store takes (default: LZ4). */
  readonly compression?: SourceCompression;
}

/** A store whose load can be cached: it also gives its documents as a segment. */
interface CacheTarget extends SegmentTarget {
  readonly size: number;
  segment(): Promise<{ segment: IndexSegment }>;
}

function cachesLoads(store: IngestTarget): store is CacheTarget {
  const candidate = store as Partial<CacheTarget>;
  return (
    appendsSegments(store) &&
    typeof candidate.size === 'number' &&
    typeof candidate.segment === 'function'
  );
}

function appendsSegments(store: IngestTarget): store is SegmentTarget {
  const candidate = store as Partial<SegmentTarget>;
  return (
    typeof candidate.appendSegment === 'function' && typeof candidate.mapping?.state === 'function'
  );
}

/** What the ingest worker is given. */
export interface IngestWorkerData {
  parts: FilePart[];
  /** Bytes of the parts, to size the worker's store. */
  bytes: number;
  mapping: MappingState;
  /** The main store's compression, so both parts' blocks are alike; absent: LZ4. */
  compression?: SourceCompression;
  maxEventBytes?: number;
}

/** A problem or a refused event of the worker's part, in the order they came. */
export type IngestWorkerReport =
  | { kind: 'problem'; problem: EventProblem }
  | {
      kind: 'rejected';
      _index: string;
      _id: string;
      error: WireError;
      file?: string;
      location?: string;
    };

/** What the ingest worker posts: its count of events read now and then, then its part. */
export type IngestWorkerMessage =
  | { type: 'read'; read: number }
  | {
      type: 'done';
      segment: IndexSegment;
      reports: IngestWorkerReport[];
      read: number;
      rejected: number;
    };

// Under vitest the runner runs from its TypeScript sources: the worker then loads them through
// tsx (ingestWorkerSource.mjs), with the condition that resolves sibling packages to sources.
const fromSources = import.meta.url.endsWith('.ts');
const workerFile = new URL(
  fromSources ? './ingestWorkerSource.mjs' : './ingestWorker.js',
  import.meta.url,
);

/**
 * The files split in two at about half their bytes, at a line: parts for this thread and for
 * the worker. None when a file is a JSON array (read whole, not by lines).
 */
async function splitInTwo(
  files: { file: string; size: number }[],
  total: number,
): Promise<[FilePart[], FilePart[]] | undefined> {
  for (const { file } of files) if ((await readHead(file)) === '[') return undefined;
  let cut = Math.floor(total / 2);
  const first: FilePart[] = [];
  const second: FilePart[] = [];
  for (const { file, size } of files) {
    if (cut >= size) {
      first.push({ file, start: 0, end: Number.POSITIVE_INFINITY });
      cut -= size;
    } else if (cut > 0) {
      first.push({ file, start: 0, end: cut });
      second.push({ file, start: cut, end: Number.POSITIVE_INFINITY });
      cut = 0;
    } else second.push({ file, start: 0, end: Number.POSITIVE_INFINITY });
  }
  return second.length > 0 && first.length > 0 ? [first, second] : undefined;
}

function bytesOf(parts: FilePart[], files: { file: string; size: number }[]): number {
  let bytes = 0;
  for (const part of parts) {
    const size = files.find((one) => one.file === part.file)?.size ?? 0;
    bytes += Math.min(size, part.end) - part.start;
  }
  return bytes;
}

/** The worker's part, or why there is none. */
type WorkerOutcome = Extract<IngestWorkerMessage, { type: 'done' }> | { failed: string };

function startWorker(
  data: IngestWorkerData,
  onRead: (read: number) => void,
): { outcome: Promise<WorkerOutcome>; stop: () => Promise<number> } {
  const worker = new Worker(fileURLToPath(workerFile), {
    workerData: data,
    execArgv: fromSources ? ['--conditions=@alertkit/source'] : [],
  });
  const outcome = new Promise<WorkerOutcome>((resolve) => {
    worker.on('message', (message: IngestWorkerMessage) => {
      if (message.type === 'read') onRead(message.read);
      else resolve(message);
    });
    worker.on('error', (error) => resolve({ failed: error.message }));
    worker.on('exit', (code) => resolve({ failed: `the worker exited (code ${code})` }));
  });
  return { outcome, stop: () => worker.terminate() };
}

/**
 * Reads events files (see `readEvents`) into a store in batches, handing it the freshly parsed
 * objects (`owned`: no copy). Malformed lines and refused events are reported and skipped, in
 * file order. A large load into the embedded store runs on two threads (see
 * {@link IngestEventFilesOptions.parallel}).
 */
export async function ingestEventFiles(
  store: IngestTarget,
  paths: readonly string[],
  options: IngestEventFilesOptions = {},
): Promise<{ read: number; rejected: number }> {
  if (options.cacheDir !== undefined && cachesLoads(store) && store.size === 0)
    return ingestThroughCache(store, paths, options, options.cacheDir);
  const files = await listEventFiles(paths);
  const total = files.reduce((sum, one) => sum + one.size, 0);
  const every = options.progressEvery ?? 250_000;
  let firstRead = 0;
  let secondRead = 0;
  let reported = 0;
  const progress = (): void => {
    while (firstRead + secondRead >= reported + every) {
      reported += every;
      options.onProgress?.(reported);
    }
  };
  // Reading options for one thread's parts, its count of events read kept by `count`.
  const reading = (count: (read: number) => void): IngestPartsOptions => ({
    ...(options.onProblem ? { onProblem: options.onProblem } : {}),
    ...(options.onRejected ? { onRejected: options.onRejected } : {}),
    ...(options.maxEventBytes !== undefined ? { maxEventBytes: options.maxEventBytes } : {}),
    onRead: (read) => {
      count(read);
      progress();
    },
  });
  const halves =
    options.parallel === true &&
    appendsSegments(store) &&
    total >= (options.parallelMinBytes ?? PARALLEL_MIN_BYTES) &&
    availableParallelism() >= 2
      ? await splitInTwo(files, total)
      : undefined;
  if (!halves || !appendsSegments(store)) {
    const result = await ingestParts(
      store,
      files.map((one) => one.file),
      total,
      reading((read) => (firstRead = read)),
    );
    store.compact?.();
    return result;
  }

  const [first, second] = halves;
  const worker = startWorker(
    {
      parts: second,
      bytes: bytesOf(second, files),
      mapping: store.mapping.state(),
      ...(store.compression !== undefined ? { compression: store.compression } : {}),
      ...(options.maxEventBytes !== undefined ? { maxEventBytes: options.maxEventBytes } : {}),
    },
    (read) => {
      secondRead = read;
      progress();
    },
  );
  let done: WorkerOutcome;
  let mine: { read: number; rejected: number };
  try {
    // Sized for both halves: the worker's part is appended to the same columns.
    mine = await ingestParts(
      store,
      first,
      total,
      reading((read) => (firstRead = read)),
    );
    done = await worker.outcome;
  } finally {
    await worker.stop();
  }
  let theirs: { read: number; rejected: number };
  if ('segment' in done && store.appendSegment(done.segment)) {
    replay(done.reports, options);
    theirs = { read: done.read, rejected: done.rejected };
    options.onNote?.(
      `loaded on two threads: ${mine.read.toLocaleString('en-US')} events here, ${done.read.toLocaleString('en-US')} in a worker`,
    );
    secondRead = done.read;
    progress();
  } else {
    options.onNote?.(
      `loading on two threads fell back to one for the second half: ${
        'failed' in done
          ? done.failed
          : 'its events would not index the same apart (an _id in both halves, or a field mapped differently)'
      }`,
    );
    secondRead = 0;
    theirs = await ingestParts(
      store,
      second,
      total,
      reading((read) => (secondRead = read)),
    );
  }
  store.compact?.();
  return { read: mine.read + theirs.read, rejected: mine.rejected + theirs.rejected };
}

/** Reports a worker's or a cached load's problems and refused events, in their order. */
function replay(reports: readonly IngestWorkerReport[], options: IngestEventFilesOptions): void {
  for (const report of reports) {
    if (report.kind === 'problem') options.onProblem?.(report.problem);
    else {
      const { kind: _rejected, error, ...event } = report;
      options.onRejected?.({ ...event, error: fromWireError(error) });
    }
  }
}

const message = (error: unknown): string =>
  error instanceof Error ? error.message : String(error);

/**
 * {@link ingestEventFiles} through the index cache in `dir`: the cached load of these files
 * when there is one (its reports replayed), or a load of the files, then saved. The cache
 * never fails a load: a problem with it is a note, and the files are read.
 */
async function ingestThroughCache(
  store: CacheTarget,
  paths: readonly string[],
  options: IngestEventFilesOptions,
  dir: string,
): Promise<{ read: number; rejected: number }> {
  const note = (text: string): void => options.onNote?.(text);
  const identity = {
    files: (await listEventFiles(paths)).map((one) => one.file),
    mapping: store.mapping.state(),
    ...(options.maxEventBytes !== undefined ? { maxEventBytes: options.maxEventBytes } : {}),
  };
  const { cacheDir: _cached, ...uncached } = options;
  let key: string;
  try {
    key = await loadKey(identity);
  } catch (error) {
    note(`the index cache is not used: ${message(error)}`);
    return ingestEventFiles(store, paths, uncached);
  }
  let cached: CachedLoad | undefined;
  try {
    cached = await readCachedLoad(dir, key);
  } catch (error) {
    note(`the index cache entry could not be read back (${message(error)}): loading the files`);
    await dropCachedLoad(dir, key).catch(() => undefined);
  }
  // Read here, the segment's arrays are ours to give: the store takes them without a copy.
  if (cached && store.appendSegment(cached.segment, { adopt: true })) {
    store.compact?.();
    replay(cached.reports, options);
    note(`read ${cached.read.toLocaleString('en-US')} events from the index cache in ${dir}`);
    return { read: cached.read, rejected: cached.rejected };
  }
  if (cached) note('the index cache entry does not fit this store: loading the files');

  const reports: CachedLoad['reports'] = [];
  const result = await ingestEventFiles(store, paths, {
    ...uncached,
    onProblem: (problem) => {
      reports.push({ kind: 'problem', problem });
      options.onProblem?.(problem);
    },
    onRejected: (rejected) => {
      const { error, ...event } = rejected;
      reports.push({ kind: 'rejected', ...event, error: toWireError(error) });
      options.onRejected?.(rejected);
    },
  });
  try {
    // A file written to during the load: what was read may not be what the key says.
    if ((await loadKey(identity)) !== key) {
      note('an events file changed while it was loaded: the load is not cached');
      return result;
    }
    const { segment } = await store.segment();
    const bytes = await writeCachedLoad(dir, { key, ...result, reports, segment });
    note(`saved the load to the index cache in ${dir} (${Math.round(bytes / 1048576)} MB)`);
  } catch (error) {
    note(`could not save the load to the index cache: ${message(error)}`);
  }
  return result;
}
