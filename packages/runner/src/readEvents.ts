import { closeSync, createReadStream, openSync, readSync } from 'node:fs';
import { readFile, readdir, stat } from 'node:fs/promises';
import { basename, join } from 'node:path';
import type { JsonObject, StoredEvent } from '@alertkit/core';
import { parseEventJson } from '@alertkit/query';

/** A line or element of an events file that could not be read. */
export interface EventProblem {
  file: string;
  /** 1-based line (NDJSON) or 0-based array index (JSON array), as `location` says. */
  location: string;
  message: string;
}

/** Options for reading events. */
export interface ReadEventsOptions {
  /** Index for events that do not name one (default `events`). */
  defaultIndex?: string;
  /** Called for each malformed line or element; it is skipped and reading goes on. */
  onProblem?: (problem: EventProblem) => void;
  /**
   * The largest event (an NDJSON line, in bytes) accepted, as Elasticsearch's
   * `http.max_content_length` bounds a request. A longer line is refused before it is parsed
   * or even held whole: it costs no more memory than the read buffer. Default 1 MiB.
   */
  maxEventBytes?: number;
}

/** Default of {@link ReadEventsOptions.maxEventBytes}: 1 MiB. */
export const DEFAULT_MAX_EVENT_BYTES = 1024 * 1024;

const EMPTY = Buffer.alloc(0);
const BLANK = /^\s*$/;

/** Bytes of an over-long line kept to find its `_id` for the report. */
const HEAD_BYTES = 4096;

/** A line of a file: its text, or (over the size limit) its length and first bytes. */
/** A line: its text and the bytes it was decoded from (a view of the chunk read), or too long. */
type Line =
  | { number: number; text: string; bytes: Buffer }
  | { number: number; oversized: number; head: string };

/**
 * Part of an events file: the lines that start at a byte offset in `[start, end)`. A line that
 * begins before `start` belongs to the part before, however far it runs on.
 */
export interface FilePart {
  file: string;
  start: number;
  end: number;
}

/** How many lines end (`\n`) in the first `bytes` bytes of a file. */
async function countLines(file: string, bytes: number): Promise<number> {
  if (bytes <= 0) return 0;
  let count = 0;
  const stream = createReadStream(file, { highWaterMark: 1024 * 1024, end: bytes - 1 });
  for await (const chunk of stream as AsyncIterable<Buffer>)
    for (let i = chunk.indexOf(10); i !== -1; i = chunk.indexOf(10, i + 1)) count++;
  return count;
}

/** Bytes read at a time (see readLines). */
const CHUNK_BYTES = 64 * 1024;

/**
 * A file's bytes from `from` on, in fresh chunks of {@link CHUNK_BYTES}: read synchronously,
 * with a turn of the event loop after each (so the source store's compressions finish between
 * reads). A read stream's thread-pool hop and stream machinery per chunk were ~3% of a load
 * that the reads keep waiting for anyway; a chunk of the page cache is read in microseconds.
 */
async function* fileChunks(file: string, from: number): AsyncGenerator<Buffer> {
  const fd = openSync(file, 'r');
  try {
    for (let position = from; ;) {
      // A fresh buffer each time: the lines handed on are views of it.
      const chunk = Buffer.allocUnsafeSlow(CHUNK_BYTES);
      const read = readSync(fd, chunk, 0, CHUNK_BYTES, position);
      if (read === 0) return;
      position += read;
      yield read < CHUNK_BYTES ? chunk.subarray(0, read) : chunk;
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
  } finally {
    closeSync(fd);
  }
}

/**
 * The lines of a file (or of the part from byte `start` to `end`, see {@link FilePart}), split
 * on bytes (`\n`, an optional `\r` dropped), numbered from the file's first line. A line longer
 * than `maxBytes` is not assembled: its bytes are counted and dropped as they stream by.
 */
async function* readLines(
  file: string,
  maxBytes: number,
  start = 0,
  end = Number.POSITIVE_INFINITY,
): AsyncGenerator<Line[]> {
  // From byte `start - 1`: the line it ends or lies in is the part before's, and is skipped.
  const from = start > 0 ? start - 1 : 0;
  let number = await countLines(file, from);
  let skipping = start > 0;
  let position = from; // the file offset of the chunk being split
  let lineStart = from;
  // Chunks of 64 KiB (~100 events): a chunk's lines are parsed and indexed before the next read,
  // and the source store's compressions finish between reads. With 1 MiB chunks (~1,900 events)
  // the lines and the sources waiting for compression outlived two scavenges: a 1M-event load
  // promoted 1.3 GB to the old generation, against ~0.2 GB now, and paused twice as long.
  let parts: Buffer[] = [];
  let held = 0; // bytes in `parts`
  let skipped = -1; // bytes of the current over-long line, -1 when within the limit
  let head = '';
  const finish = (last: Buffer): Line => {
    number++;
    if (skipped >= 0) {
      const line: Line = { number, oversized: skipped + last.length, head };
      skipped = -1;
      head = '';
      return line;
    }
    const bytes = parts.length === 0 ? last : Buffer.concat([...parts, last]);
    parts = [];
    held = 0;
    // Without a final `\r`, the line is the bytes as they are (no second view of them).
    const line = bytes.length > 0 && bytes[bytes.length - 1] === 13 ? bytes.subarray(0, -1) : bytes;
    return { number, text: line.toString('utf8'), bytes: line };
  };
  const keep = (piece: Buffer): void => {
    if (skipped >= 0) {
      skipped += piece.length;
      return;
    }
    parts.push(piece);
    held += piece.length;
    if (held > maxBytes) {
      head = Buffer.concat(parts).toString('utf8', 0, HEAD_BYTES);
      skipped = held;
      parts = [];
      held = 0;
    }
  };
  for await (const chunk of fileChunks(file, from)) {
    // Lines are handed over per chunk: an async step per line would cost more than parsing it.
    const lines: Line[] = [];
    let begin = 0;
    if (skipping) {
      const newline = chunk.indexOf(10);
      if (newline === -1) {
        position += chunk.length;
        continue;
      }
      skipping = false;
      number++;
      begin = newline + 1;
      lineStart = position + begin;
    }
    for (
      let newline = chunk.indexOf(10, begin);
      newline !== -1;
      newline = chunk.indexOf(10, begin)
    ) {
      if (lineStart >= end) break;
      const piece = chunk.subarray(begin, newline);
      if (skipped >= 0 || held + piece.length > maxBytes) keep(piece);
      lines.push(finish(skipped >= 0 ? EMPTY : piece));
      begin = newline + 1;
      lineStart = position + begin;
    }
    if (lineStart >= end) {
      if (lines.length > 0) yield lines;
      return;
    }
    if (begin < chunk.length) keep(chunk.subarray(begin));
    position += chunk.length;
    if (lines.length > 0) yield lines;
  }
  if (!skipping && (held > 0 || skipped >= 0)) yield [finish(EMPTY)];
}

/** An over-long line's `_id`, if its first bytes name one (`{"_index":..,"_id":"x",...`). */
function idFromHead(head: string): string | undefined {
  const match =
    /^\s*\{(?:\s*"_index"\s*:\s*"(?:[^"\\]|\\.)*"\s*,)?\s*"_id"\s*:\s*("(?:[^"\\]|\\.)*")/.exec(
      head,
    );
  if (!match?.[1]) return undefined;
  try {
    return JSON.parse(match[1]) as string;
  } catch {
    return undefined;
  }
}

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * One event from a parsed value: a full document `{_index?, _id?, _source}` or a bare event.
 * A missing `_id` comes from the event's position (file and line or index), never from its
 * content, so identical events stay distinct.
 */
function toStoredEvent(
  value: unknown,
  fallbackId: string,
  defaultIndex: string,
): StoredEvent | string {
  if (!isObject(value))
    return `expected a JSON object, got ${value === null ? 'null' : Array.isArray(value) ? 'an array' : typeof value}`;
  if ('_source' in value) {
    const source = value['_source'];
    if (!isObject(source)) return '`_source` must be a JSON object';
    const id = value['_id'];
    const index = value['_index'];
    if (id !== undefined && typeof id !== 'string') return '`_id` must be a string';
    if (index !== undefined && typeof index !== 'string') return '`_index` must be a string';
    return { _index: index ?? defaultIndex, _id: id ?? fallbackId, _source: source };
  }
  return { _index: defaultIndex, _id: fallbackId, _source: value };
}

async function* readNdjson(
  file: string,
  options: Required<Pick<ReadEventsOptions, 'defaultIndex'>> & ReadEventsOptions,
  start = 0,
  end = Number.POSITIVE_INFINITY,
): AsyncGenerator<LocatedEvent[]> {
  const name = basename(file);
  const maxBytes = options.maxEventBytes ?? DEFAULT_MAX_EVENT_BYTES;
  for await (const lines of readLines(file, maxBytes, start, end)) {
    const events: LocatedEvent[] = [];
    for (const read of lines) {
      const lineNumber = read.number;
      if (!('text' in read)) {
        const id = idFromHead(read.head) ?? `${name}:${lineNumber}`;
        options.onProblem?.({
          file,
          location: `line ${lineNumber}`,
          message: `event ${id} refused: ${read.oversized.toLocaleString('en-US')} bytes is more than the maximum event size of ${maxBytes.toLocaleString('en-US')} bytes (maxEventBytes)`,
        });
        continue;
      }
      const line = read.text;
      if (BLANK.test(line)) continue;
      let parsed: unknown;
      try {
        parsed = parseEventJson(line, read.bytes);
      } catch (error) {
        options.onProblem?.({
          file,
          location: `line ${lineNumber}`,
          message: `not JSON: ${(error as Error).message}`,
        });
        continue;
      }
      const event = toStoredEvent(parsed, `${name}:${lineNumber}`, options.defaultIndex);
      if (typeof event === 'string')
        options.onProblem?.({ file, location: `line ${lineNumber}`, message: event });
      else events.push({ event, file, line: lineNumber, chars: line.length + 1 });
    }
    if (events.length > 0) yield events;
  }
}

/** An event and where it was read (a line of NDJSON or an element of a JSON array). */
interface LocatedEvent {
  event: StoredEvent;
  file: string;
  line?: number;
  element?: number;
  /** The characters of its line (NDJSON), newline included. */
  chars?: number;
}

function locationOf(located: LocatedEvent): string {
  return located.line !== undefined ? `line ${located.line}` : `element ${located.element}`;
}

/**
 * Reads the events of one file: NDJSON (one event per line) or a JSON array, each element a
 * full document `{_index, _id, _source}` or a bare event. Malformed lines are reported through
 * `onProblem` and skipped.
 */
export async function* readEventsFile(
  file: string,
  options: ReadEventsOptions = {},
): AsyncGenerator<StoredEvent> {
  for await (const events of readLocatedFile(file, options))
    for (const located of events) yield located.event;
}

/** The events of one file (or of part of an NDJSON file), in batches. */
async function* readLocatedFile(
  file: string,
  options: ReadEventsOptions,
  part?: FilePart,
): AsyncGenerator<LocatedEvent[]> {
  const defaultIndex = options.defaultIndex ?? 'events';
  if (part) {
    yield* readNdjson(file, { ...options, defaultIndex }, part.start, part.end);
    return;
  }
  const head = await readHead(file);
  if (head !== '[') {
    yield* readNdjson(file, { ...options, defaultIndex });
    return;
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(await readFile(file, 'utf8'));
  } catch (error) {
    options.onProblem?.({
      file,
      location: 'file',
      message: `not a JSON array: ${(error as Error).message}`,
    });
    return;
  }
  const name = basename(file);
  const events: LocatedEvent[] = [];
  for (const [index, value] of (parsed as unknown[]).entries()) {
    const event = toStoredEvent(value, `${name}:${index}`, defaultIndex);
    if (typeof event === 'string')
      options.onProblem?.({ file, location: `element ${index}`, message: event });
    else events.push({ event, file, element: index });
  }
  if (events.length > 0) yield events;
}

/** The first non-blank character of a file ('' when empty). */
async function readHead(file: string): Promise<string> {
  const stream = createReadStream(file, { encoding: 'utf8', highWaterMark: 4096 });
  try {
    for await (const chunk of stream) {
      const match = /\S/.exec(chunk as string);
      if (match) return match[0];
    }
    return '';
  } finally {
    stream.destroy();
  }
}

/**
 * Reads every events file of the given paths: files as they are, directories by their
 * `*.ndjson`, `*.jsonl` and `*.json` files in name order.
 */
export async function* readEvents(
  paths: readonly string[],
  options: ReadEventsOptions = {},
): AsyncGenerator<StoredEvent> {
  for await (const events of readLocated(paths, options))
    for (const located of events) yield located.event;
}

/** The events files `paths` name (directories: their events files, in name order) and their sizes. */
async function listEventFiles(paths: readonly string[]): Promise<{ file: string; size: number }[]> {
  const files: { file: string; size: number }[] = [];
  for (const path of paths) {
    if ((await stat(path)).isDirectory()) {
      const names = (await readdir(path)).filter((n) => /\.(ndjson|jsonl|json)$/.test(n)).sort();
      for (const name of names) {
        const file = join(path, name);
        files.push({ file, size: (await stat(file)).size });
      }
    } else files.push({ file: path, size: (await stat(path)).size });
  }
  return files;
}

async function* readLocated(
  paths: readonly string[],
  options: ReadEventsOptions,
): AsyncGenerator<LocatedEvent[]> {
  for (const { file } of await listEventFiles(paths)) yield* readLocatedFile(file, options);
}

/** An event the store refused (a value that conflicts with the mapping, or a limit). */
export interface RejectedEvent {
  _index: string;
  _id: string;
  error: Error;
  /** Where it was read (set by `ingestEventFiles`). */
  file?: string;
  /** `line N` or `element N` in that file. */
  location?: string;
}

/** The part of the embedded store reading events files into it needs. */
export interface IngestTarget {
  ingest(
    events: StoredEvent[],
    options: { owned: boolean },
  ): { rejected: (RejectedEvent & { position?: number })[] };
  /**
   * How many events a bulk load is expected to bring (sizes the columns once); returns the
   * events it has room for, if it knows.
   */
  reserve?(expectedEvents: number): number | void;
  /** Gives back the room reserved for more events, once all are read. */
  compact?(): void;
}

/** What {@link ingestParts} reports as it goes. */
export interface IngestPartsOptions {
  /** A malformed line or element (skipped). */
  onProblem?: (problem: EventProblem) => void;
  /** An event the store refused (skipped). */
  onRejected?: (rejected: RejectedEvent) => void;
  /** How many events have been read so far, after each read chunk. */
  onRead?: (read: number) => void;
  /** See {@link ReadEventsOptions.maxEventBytes}. */
  maxEventBytes?: number;
}

/**
 * Events handed to the store at a time: small enough that a batch's parsed objects die young
 * (the store keeps their text, not the objects); with 10,000, most survived a scavenge and
 * were promoted, and old-generation collection became a third of ingest. 250 rather than
 * 1,000: over 1M events, ~150 MB promoted instead of ~195 MB and ~25% less time in GC pauses.
 */
const BATCH = 250;

/**
 * The most events the first estimate of a load makes room for. The first batch's lines can be
 * far smaller than the rest (a burst of heartbeats, or lines written to be): 250 lines of `{}`
 * at the head of a 540 MB file asked for room for 180M events, an id table of 4 GB at once.
 * A larger load is sized again as it goes (each time at most doubling, one copy of the columns:
 * ~50 ms per million events).
 */
const FIRST_ESTIMATE_MAX = 1 << 20;

/**
 * Reads files, or parts of files, into a store in batches, handing it the freshly parsed
 * objects (`owned`: no copy). `totalBytes`, the bytes to come in all, sizes the store once after
 * the first batch. Malformed lines and refused events are reported and skipped.
 */
export async function ingestParts(
  store: IngestTarget,
  parts: readonly (FilePart | string)[],
  totalBytes: number,
  options: IngestPartsOptions = {},
): Promise<{ read: number; rejected: number }> {
  let batch: StoredEvent[] = [];
  let located: LocatedEvent[] = [];
  let read = 0;
  let rejected = 0;
  // The store's room, estimated from the bytes still to come over the bytes per event.
  let reserved = 0; // events it has room for (infinite: no more estimates)
  let handed = 0; // events handed to it
  let chars = 0; // their lines' characters
  let last = { handed: 0, chars: 0 }; // at the last estimate
  const flush = (): void => {
    const report = store.ingest(batch, { owned: true });
    handed += batch.length;
    for (const one of located) chars += one.chars ?? 0;
    if (store.reserve && batch.length > 0 && handed + BATCH > reserved) {
      // So the store sizes its columns once instead of growing them step by step: after the
      // first batch, and again if the load outgrows that, at the rate since the last estimate
      // (the first events are not always the average). Growing by half near the end instead,
      // then trimming, was ~0.4 s of copying in a 1M-event load. (No more to spare at first:
      // the id table doubles its slots at each power of two.)
      if (reserved === 0 && chars === 0)
        // A JSON array's elements have no line: their size as text.
        chars = located.reduce((sum, one) => sum + JSON.stringify(one.event).length + 1, 0);
      const perEvent = (chars - last.chars) / (handed - last.handed);
      let estimate =
        perEvent > 0
          ? Math.ceil(handed + ((totalBytes - chars) / perEvent) * (reserved === 0 ? 1 : 1.02))
          : 0;
      // At most FIRST_ESTIMATE_MAX at first, and again at most twice what came so far: a run
      // of tiny lines (attacker-written or not) must not make the store reserve for hundreds
      // of millions of events.
      estimate = Math.min(estimate, reserved === 0 ? FIRST_ESTIMATE_MAX : 2 * handed);
      // At the end by the estimate (or none): the store grows by itself if more come after all.
      const room = estimate > handed ? store.reserve(estimate) : undefined;
      // Estimated again once the store runs out of the room it made (a little more than asked).
      if (estimate <= handed + BATCH) reserved = Number.POSITIVE_INFINITY;
      else reserved = typeof room === 'number' && room > estimate ? room : estimate;
      last = { handed, chars };
    }
    for (const refused of report.rejected) {
      rejected++;
      const where = refused.position === undefined ? undefined : located[refused.position];
      options.onRejected?.({
        _index: refused._index,
        _id: refused._id,
        error: refused.error,
        ...(where ? { file: where.file, location: locationOf(where) } : {}),
      });
    }
    batch = [];
    located = [];
  };
  const readOptions: ReadEventsOptions = {};
  if (options.onProblem) readOptions.onProblem = options.onProblem;
  if (options.maxEventBytes !== undefined) readOptions.maxEventBytes = options.maxEventBytes;
  for (const part of parts) {
    const chunks =
      typeof part === 'string'
        ? readLocatedFile(part, readOptions)
        : readLocatedFile(part.file, readOptions, part);
    for await (const events of chunks) {
      for (const one of events) {
        batch.push(one.event);
        located.push(one);
        if (batch.length >= BATCH) flush();
      }
      read += events.length;
      options.onRead?.(read);
    }
  }
  flush();
  return { read, rejected };
}

export { listEventFiles, readHead };
