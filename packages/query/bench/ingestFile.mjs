// @ts-check
// One measurement of ingest, in a process of its own so its resident memory is the store's and
// not the benchmark's: `node --expose-gc bench/ingestFile.mjs <parse|floor|ingest> <events.ndjson>`.
// All read the file as the runner does (64 KiB synchronous reads, lines split on bytes and
// decoded one by one). `parse`: JSON.parse of every line (the floor of ingest); `floor`: the
// least any ingest with Elasticsearch's semantics does besides (see `floorOf`); `ingest`: the
// lines into an embedded store of the built package (parseEventJson with each line's bytes,
// batches of 250, sized after the first, compacted at the end, the compressed sources settled),
// then resident memory after a full collection and the bytes per event by structure. Prints
// one JSON object.
import { closeSync, openSync, readSync, statSync } from 'node:fs';
import { createEmbeddedStore, parseEventJson } from '../dist/index.js';

const [mode, file] = process.argv.slice(2);
if (!file || (mode !== 'parse' && mode !== 'floor' && mode !== 'ingest')) {
  console.error(
    'usage: node --expose-gc bench/ingestFile.mjs <parse|floor|ingest> <events.ndjson>',
  );
  process.exit(2);
}
const gc = /** @type {{ gc?: () => void }} */ (globalThis).gc;
if (!gc) throw new Error('run with --expose-gc');

/**
 * The file's lines as `[text, bytes]` (`bytes` a view of the chunk read), read and split as the
 * runner's events reader does, with a turn of the event loop after each read.
 * @returns {AsyncGenerator<[string, Buffer]>}
 */
async function* lines() {
  const fd = openSync(/** @type {string} */ (file), 'r');
  /** @type {Buffer[]} */
  let carry = [];
  try {
    for (let position = 0; ;) {
      const chunk = Buffer.allocUnsafeSlow(64 * 1024);
      const read = readSync(fd, chunk, 0, chunk.length, position);
      if (read === 0) break;
      position += read;
      let begin = 0;
      for (
        let newline = chunk.indexOf(10, begin);
        newline !== -1 && newline < read;
        newline = chunk.indexOf(10, begin)
      ) {
        const bytes =
          carry.length === 0
            ? chunk.subarray(begin, newline)
            : Buffer.concat([...carry, chunk.subarray(begin, newline)]);
        carry = [];
        yield [bytes.toString('utf8'), bytes];
        begin = newline + 1;
      }
      if (begin < read) carry.push(chunk.subarray(begin, read));
      await new Promise((resolve) => setImmediate(resolve));
    }
    if (carry.length > 0) {
      const bytes = Buffer.concat(carry);
      yield [bytes.toString('utf8'), bytes];
    }
  } finally {
    closeSync(fd);
  }
}
const BLOCK_BYTES = 64 << 10;

/** A field path's node in {@link floorOf}'s tree (the least a mapping lookup can be). */
class PathNode {
  /** @type {Map<string, PathNode>} */
  children = new Map();
  values = 0;
}

/**
 * What every ingest that keeps Elasticsearch's semantics must do besides parsing, done as cheaply
 * as JavaScript allows, with no index built: JSON.parse of each line, a visit of every value
 * through a tree of field paths (one `Map` lookup per key: a mapping must be consulted for each
 * field to refuse conflicts), the three MozDef timestamps read with `Date.parse` (laxer and faster
 * than Elasticsearch's date format; the time index needs them), and the line's bytes copied (the
 * `_source` a store keeps). Tokenizing, term dictionaries, columns and the `_id` table come on
 * top of this.
 * @param {AsyncGenerator<[string, Buffer]>} input
 */
async function floorOf(input) {
  const root = new PathNode();
  /** @param {unknown} value @param {PathNode} node */
  const visit = (value, node) => {
    if (value === null) return;
    if (Array.isArray(value)) for (const element of value) visit(element, node);
    else if (typeof value === 'object') {
      const object = /** @type {Record<string, unknown>} */ (value);
      for (const key in object) {
        let child = node.children.get(key);
        if (!child) node.children.set(key, (child = new PathNode()));
        visit(object[key], child);
      }
    } else node.values++;
  };
  // Copied into a block that is then reused: the copy every store makes, not the memory or the
  // compression of keeping them (a lower bound, as the rest of this floor).
  let block = Buffer.allocUnsafeSlow(BLOCK_BYTES);
  let used = 0;
  let copied = 0;
  let events = 0;
  let times = 0;
  for await (const [line, bytes] of input) {
    const event = JSON.parse(line);
    const source = event._source;
    visit(source, root);
    times += Date.parse(source.utctimestamp) + Date.parse(source.receivedtimestamp);
    times += Date.parse(source.timestamp ?? source.utctimestamp);
    if (used + bytes.length > block.length) {
      if (bytes.length > block.length) block = Buffer.allocUnsafeSlow(bytes.length);
      used = 0;
    }
    used += bytes.copy(block, used);
    copied += bytes.length;
    if (event._id) events++;
  }
  const ms = Math.round(performance.now() - started);
  // Printed so that no step can be optimised away.
  return {
    events,
    ms,
    copiedBytes: copied,
    dated: Number.isNaN(times) ? 0 : events,
  };
}

const started = performance.now();

if (mode === 'parse') {
  let events = 0;
  for await (const [line] of lines()) if (JSON.parse(line)._id) events++;
  console.log(JSON.stringify({ events, ms: Math.round(performance.now() - started) }));
} else if (mode === 'floor') {
  console.log(JSON.stringify(await floorOf(lines())));
} else {
  const store = createEmbeddedStore();
  /** @type {import('@alertkit/core').StoredEvent[]} */
  let batch = [];
  let rejected = 0;
  let first = true;
  let firstChars = 0;
  const flush = () => {
    rejected += store.ingest(batch, { owned: true }).rejected.length;
    // As the runner does: after a first batch, the file's size says about how many will come.
    if (first && batch.length > 0) {
      store.reserve((statSync(file).size / firstChars) * batch.length);
      first = false;
    }
    batch = [];
  };
  for await (const [line, bytes] of lines()) {
    if (first) firstChars += line.length + 1;
    batch.push(/** @type {import('@alertkit/core').StoredEvent} */ (parseEventJson(line, bytes)));
    if (batch.length === 250) flush();
  }
  flush();
  store.compact(); // as the runner does when it has read the events files
  await store.index.sources.settled();
  const ms = Math.round(performance.now() - started);
  // Array buffers are freed by a sweeper after a collection: collect, let it run, collect again.
  gc();
  await new Promise((resolve) => setTimeout(resolve, 200));
  gc();
  const memory = process.memoryUsage();
  const events = store.size;
  let columnArrays = 0;
  let terms = 0;
  let termChars = 0;
  for (const column of store.index.columns.values()) {
    if ('terms' in column) {
      columnArrays += column.single.byteLength + column.pool.byteLength;
      columnArrays += column.positions?.byteLength ?? 0;
      terms += column.terms.length;
      for (const term of column.terms) termChars += term.length;
    } else {
      columnArrays += column.single.byteLength;
      for (const values of column.multi.values()) columnArrays += values.byteLength + 64;
    }
  }
  const sources = store.index.sources.byteSizes();
  const perEvent = (/** @type {number} */ bytes) => Math.round(bytes / events);
  console.log(
    JSON.stringify({
      events,
      rejected,
      ms,
      rssMb: Math.round(memory.rss / 1048576),
      mem: Object.fromEntries(Object.entries(memory).map(([k, v]) => [k, Math.round(v / 1048576)])),
      bytesPerEvent: {
        rss: perEvent(memory.rss),
        heap: perEvent(memory.heapUsed),
        columnArrays: perEvent(columnArrays),
        // A dictionary entry: the term's string (16-byte header), its slot in the term list (8)
        // and in the table over it (two Int32 slots at most half full: 8).
        termDictionaries: perEvent(termChars + terms * 32),
        compressedSources: perEvent(sources.compressed),
        uncompressedSources: perEvent(sources.text),
        ids: perEvent(sources.ids),
      },
    }),
  );
}
