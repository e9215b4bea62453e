import { relative } from 'node:path';
import { createEmbeddedStore, type EmbeddedStore, type IndexMapping } from '@alertkit/query';
import { ingestEventFiles } from '@alertkit/runner';
import type { Io } from '../io.js';

/** The `--index-cache <dir>` option of the commands that read events files. */
export const INDEX_CACHE_OPTION = [
  '--index-cache <dir>',
  'keep the indexed events in this directory: the same files (same paths, sizes and times) read again load in seconds',
] as const;

/**
 * A fresh embedded store holding the events of the given files. Malformed lines and events
 * Elasticsearch would refuse (a value that conflicts with the mapping) are reported on stderr,
 * with file and line, and skipped. With `indexCache` (a directory) the load goes through the
 * runner's index cache: the same files read again come back without being indexed again.
 */
export async function storeFromEventFiles(
  paths: readonly string[],
  io: Io,
  mapping?: IndexMapping,
  options: { indexCache?: string | undefined } = {},
): Promise<EmbeddedStore> {
  const store = createEmbeddedStore(mapping ? { mapping } : {});
  const notes: string[] = [];
  const { read } = await ingestEventFiles(store, paths, {
    ...(options.indexCache !== undefined ? { cacheDir: options.indexCache } : {}),
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
  // What the index cache did is said whenever it was asked for.
  if (read >= 250_000 || options.indexCache !== undefined) {
    for (const note of notes) io.err(`alertkit: ${note}\n`);
    io.err(
      `alertkit: ${read.toLocaleString('en-US')} events read, ${store.size.toLocaleString('en-US')} indexed\n`,
    );
  }
  return store;
}
