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
export async function storeFromEventFiles(paths: readonly string[], io: Io, mapping?: IndexMapping): Promise<EmbeddedStore> {
  const store = createEmbeddedStore(mapping ? { mapping } : {});
  const where = new Map<string, string>();
  const batch: StoredEvent[] = [];
  const flush = (): void => {
    for (const rejected of store.ingest(batch).rejected) {
      io.err(`alertkit: skipped event ${where.get(rejected._id) ?? rejected._id}: ${rejected.error.message}\n`);
    }
    batch.length = 0;
    where.clear();
  };
  for await (const event of readEvents(paths, {
    onProblem: (p) => io.err(`alertkit: ${relative(process.cwd(), p.file) || p.file}: ${p.location}: ${p.message} (skipped)\n`),
  })) {
    batch.push(event);
    where.set(event._id, `${event._index}/${event._id}`);
    if (batch.length >= 10_000) flush();
  }
  flush();
  return store;
}
