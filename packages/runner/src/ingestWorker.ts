import { parentPort, workerData } from 'node:worker_threads';
import { IndexMapping, createEmbeddedStore } from '@alertkit/query';
import type { IngestWorkerData, IngestWorkerMessage, IngestWorkerReport } from './ingestEvents.js';
import { toWireError } from './isolation/protocol.js';
import { ingestParts } from './readEvents.js';

// The second thread of a large load (see ingestEventFiles): indexes its parts of the files into
// a store of its own, started from the main store's mapping, and posts the store's segment.

/** Events between two counts posted to the main thread (its progress lines). */
const POST_EVERY = 10_000;

const data = workerData as IngestWorkerData;
const port = parentPort;
if (!port) throw new Error('ingestWorker runs as a worker thread');

// The main store's codec and level, so the appended blocks are alike. Without one, LZ4: both
// cores index, none is left idle for the thread pool's compression (DEFLATE level 1 took ~1 s
// of the ~10 s two-thread load of 1M events; LZ4 takes under half of that).
const compression = data.compression ?? { codec: 'lz4' };
const store = createEmbeddedStore({
  mapping: IndexMapping.fromState(data.mapping),
  ...(compression.codec !== undefined ? { codec: compression.codec } : {}),
  ...(compression.level !== undefined ? { compressionLevel: compression.level } : {}),
});
const reports: IngestWorkerReport[] = [];
let posted = 0;
const result = await ingestParts(store, data.parts, data.bytes, {
  onProblem: (problem) => reports.push({ kind: 'problem', problem }),
  onRejected: (rejected) =>
    reports.push({ kind: 'rejected', ...rejected, error: toWireError(rejected.error) }),
  onRead: (read) => {
    if (read - posted < POST_EVERY) return;
    posted = read;
    port.postMessage({ type: 'read', read } satisfies IngestWorkerMessage);
  },
  ...(data.maxEventBytes !== undefined ? { maxEventBytes: data.maxEventBytes } : {}),
});
// Not compacted: the segment is views of the arrays, and the main thread copies what they hold.
const { segment, transfer } = await store.segment();
port.postMessage(
  { type: 'done', segment, reports, ...result } satisfies IngestWorkerMessage,
  transfer,
);
