import { mkdir, open, readFile, type FileHandle } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { Writable } from 'node:stream';
import type { StoredAlert } from '@alertkit/core';
import { alertMessage, sinkError, type Sink } from './sink.js';

/** How the stdout sink prints an alert. */
export type StdoutFormat = 'ndjson' | 'table';

/**
 * One readable line per alert: time, severity, classname, summary and `_id`, tab-separated so
 * that `column -t -s $'\t'` lines it up.
 */
export function alertTableLine(alert: StoredAlert): string {
  const doc = alert._source;
  return [
    doc.utctimestamp,
    doc.severity.padEnd(8),
    doc.classname,
    doc.summary.replace(/\s+/g, ' '),
    alert._id,
  ].join('\t');
}

/** Options of {@link createStdoutSink}. */
export interface StdoutSinkOptions {
  name?: string;
  /** Default `ndjson`: `{_id, _index, _source}` per line (the RabbitMQ message shape). */
  format?: StdoutFormat;
  /** Default `process.stdout`. */
  stream?: Writable;
}

/** Writes each alert to stdout (or the given stream) as NDJSON or a readable line. */
export function createStdoutSink(options: StdoutSinkOptions = {}): Sink {
  const name = options.name ?? 'stdout';
  const stream = options.stream ?? process.stdout;
  const format = options.format ?? 'ndjson';
  return {
    name,
    async deliver(alert) {
      const line = `${format === 'table' ? alertTableLine(alert) : alertMessage(alert)}\n`;
      await new Promise<void>((resolve, reject) => {
        stream.write(line, (error) =>
          error ? reject(sinkError(name, alert, error.message, { cause: error })) : resolve(),
        );
      });
    },
    async close() {
      // The stream belongs to the caller (usually process.stdout): nothing to release.
    },
  };
}

/** Options of {@link createFileSink}. */
export interface FileSinkOptions {
  name?: string;
  /** The NDJSON file; created (with its directory) when missing, appended to otherwise. */
  path: string;
}

/** Appends each alert as one JSON line `{_id, _index, _source}` to a file. */
export function createFileSink(options: FileSinkOptions): Sink {
  const name = options.name ?? 'file';
  let handle: Promise<FileHandle> | undefined;
  /** Ids already in the file: a delivery repeated after a crash is not written twice. */
  let written: Promise<Set<string>> | undefined;
  const file = (): Promise<FileHandle> => {
    if (handle === undefined) {
      const opening = mkdir(dirname(options.path), { recursive: true }).then(() =>
        open(options.path, 'a'),
      );
      // A failed open is not cached: the next delivery tries again (e.g. after a disk was mounted).
      opening.catch(() => {
        if (handle === opening) handle = undefined;
      });
      handle = opening;
    }
    return handle;
  };
  const ids = (): Promise<Set<string>> => {
    written ??= readFile(options.path, 'utf8').then(
      (text) => {
        const found = new Set<string>();
        for (const line of text.split('\n')) {
          try {
            const id = (JSON.parse(line) as { _id?: unknown })._id;
            if (typeof id === 'string') found.add(id);
          } catch {
            // a torn last line: its alert is written again, whole
          }
        }
        return found;
      },
      () => new Set<string>(),
    );
    return written;
  };
  return {
    name,
    async deliver(alert) {
      try {
        const seen = await ids();
        if (seen.has(alert._id)) return;
        // One write call per line: with O_APPEND, concurrent writers never interleave a line.
        await (await file()).write(`${alertMessage(alert)}\n`);
        seen.add(alert._id);
      } catch (cause) {
        throw sinkError(
          name,
          alert,
          `cannot append to ${options.path}: ${(cause as Error).message}`,
          { cause },
        );
      }
    },
    async close() {
      const opened = handle;
      handle = undefined;
      if (opened) await (await opened.catch(() => undefined))?.close();
    },
  };
}
