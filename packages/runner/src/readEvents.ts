import { createReadStream } from 'node:fs';
import { readFile, readdir, stat } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { createInterface } from 'node:readline';
import type { JsonObject, StoredEvent } from '@alertkit/core';

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
): AsyncGenerator<StoredEvent> {
  const lines = createInterface({ input: createReadStream(file, 'utf8'), crlfDelay: Infinity });
  const name = basename(file);
  let lineNumber = 0;
  for await (const line of lines) {
    lineNumber++;
    if (line.trim() === '') continue;
    let parsed: unknown;
    try {
      parsed = JSON.parse(line);
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
    else yield event;
  }
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
  const defaultIndex = options.defaultIndex ?? 'events';
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
  for (const [index, value] of (parsed as unknown[]).entries()) {
    const event = toStoredEvent(value, `${name}:${index}`, defaultIndex);
    if (typeof event === 'string')
      options.onProblem?.({ file, location: `element ${index}`, message: event });
    else yield event;
  }
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
  for (const path of paths) {
    if ((await stat(path)).isDirectory()) {
      const names = (await readdir(path)).filter((n) => /\.(ndjson|jsonl|json)$/.test(n)).sort();
      for (const name of names) yield* readEventsFile(join(path, name), options);
    } else {
      yield* readEventsFile(path, options);
    }
  }
}

/** An event the store refused (a value that conflicts with the mapping). */
export interface RejectedEvent {
  _index: string;
  _id: string;
  error: Error;
}

/** What {@link ingestEventFiles} reports as it goes. */
export interface IngestEventFilesOptions {
  /** A malformed line or element (skipped). */
  onProblem?: (problem: EventProblem) => void;
  /** An event the store refused (skipped). */
  onRejected?: (rejected: RejectedEvent) => void;
  /** Every `progressEvery` events read (default 250,000), for long files. */
  onProgress?: (read: number) => void;
  progressEvery?: number;
}

/** The part of the embedded store {@link ingestEventFiles} needs. */
export interface IngestTarget {
  ingest(events: StoredEvent[], options: { owned: boolean }): { rejected: RejectedEvent[] };
}

const BATCH = 10_000;

/**
 * Reads events files (see {@link readEvents}) into a store in batches, handing it the freshly
 * parsed objects (`owned`: no copy). Malformed lines and refused events are reported and skipped.
 */
export async function ingestEventFiles(
  store: IngestTarget,
  paths: readonly string[],
  options: IngestEventFilesOptions = {},
): Promise<{ read: number; rejected: number }> {
  const every = options.progressEvery ?? 250_000;
  let batch: StoredEvent[] = [];
  let read = 0;
  let rejected = 0;
  const flush = (): void => {
    for (const refused of store.ingest(batch, { owned: true }).rejected) {
      rejected++;
      options.onRejected?.(refused);
    }
    batch = [];
  };
  for await (const event of readEvents(
    paths,
    options.onProblem ? { onProblem: options.onProblem } : {},
  )) {
    batch.push(event);
    if (batch.length >= BATCH) flush();
    if (++read % every === 0) options.onProgress?.(read);
  }
  flush();
  return { read, rejected };
}
