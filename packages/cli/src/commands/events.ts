import { relative } from 'node:path';
import { createEmbeddedStore, type EmbeddedStore, type IndexMapping } from '@alertkit/query';
import { ingestEventFiles } from '@alertkit/runner';
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
  const notes: string[] = [];
  const { read } = await ingestEventFiles(store, paths, {
    onProblem: (p) =>
      io.err(
        `alertkit: ${relative(process.cwd(), p.file) || p.file}: ${p.location}: ${p.message} (skipped)\n`,
      ),
    onRejected: (r) => {
      const where = r.file ? `${relative(process.cwd(), r.file) || r.file}: ${r.location}: ` : '';
      const ref = `${r._index}/${r._id}`;
      // The store's message starts by naming the event; say it once.
      const reason = r.error.message.replace(`event ${ref}: `, '');
      io.err(`alertkit: ${where}skipped event ${ref}: ${reason}\n`);
    },
    // Progress for long files, on stderr (stdout carries only results).
    onProgress: (n) => io.err(`alertkit: ${n.toLocaleString('en-US')} events read\n`),
    onNote: (note) => notes.push(note),
  });
  if (read >= 250_000) {
    for (const note of notes) io.err(`alertkit: ${note}\n`);
    io.err(
      `alertkit: ${read.toLocaleString('en-US')} events read, ${store.size.toLocaleString('en-US')} indexed\n`,
    );
  }
  return store;
}
