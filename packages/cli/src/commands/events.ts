import { relative } from 'node:path';
import type { StoredEvent } from '@alertkit/core';
import { createEmbeddedStore, type EmbeddedStore, type IndexMapping } from '@alertkit/query';
import { readEvents } from '@alertkit/runner';
import type { Io } from '../io.js';

/**
 * A fresh embedded store holding the events of the given files. Malformed lines and events
 * Elasticsearch would refuse (a value that conflicts with the mapping) are reported on stderr,
 * with file and line, and skipped.
 */
export async function storeFromEventFiles(
  paths: readonly string[],
  io: Io,
  mapping?: IndexMapping,
): Promise<EmbeddedStore> {
  const store = createEmbeddedStore(mapping ? { mapping } : {});
  const where = new Map<string, string>();
  const batch: StoredEvent[] = [];
  let read = 0;
  const flush = (): void => {
    for (const rejected of store.ingest(batch, { owned: true }).rejected) {
      io.err(
        `alertkit: skipped event ${where.get(rejected._id) ?? rejected._id}: ${rejected.error.message}\n`,
      );
    }
    batch.length = 0;
    where.clear();
  };
  for await (const event of readEvents(paths, {
    onProblem: (p) =>
      io.err(
        `alertkit: ${relative(process.cwd(), p.file) || p.file}: ${p.location}: ${p.message} (skipped)\n`,
      ),
  })) {
    batch.push(event);
    where.set(event._id, `${event._index}/${event._id}`);
    if (batch.length >= 10_000) flush();
    // Progress for long files, on stderr (stdout carries only results).
    if (++read % 250_000 === 0) io.err(`alertkit: ${read.toLocaleString('en-US')} events read\n`);
  }
  flush();
  if (read >= 250_000)
    io.err(
      `alertkit: ${read.toLocaleString('en-US')} events read, ${store.size.toLocaleString('en-US')} indexed\n`,
    );
  return store;
}
