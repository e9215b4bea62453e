import { createHash } from 'node:crypto';
import { mkdir, readFile, readdir, rename, rm, stat, utimes, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { deserialize, serialize } from 'node:v8';
import type { IndexSegment, MappingState } from '@alertkit/query';
import type { IngestWorkerReport } from './ingestEvents.js';

/**
 * The index cache: a load of events files into the embedded store, kept on disk as the store's
 * segment (its columns, term lists and compressed sources, in V8's serialization format) with
 * what the load reported, and read back instead of reading and indexing the files again when
 * the same files are loaded into an empty store with the same mapping. Reading 1M events back
 * takes seconds; indexing them takes ~20 s on two cores.
 *
 * An entry is found by a key over everything the loaded store depends on: each file's path,
 * size, inode, modification and change times (as git's index trusts them), the store's mapping
 * before the load, the reading options, the query package (version and build) and V8. A
 * changed file is loaded afresh and cached again. An entry that cannot be read back (cut short,
 * another format) is removed and the files are loaded afresh.
 */

/** Bumped when what an entry holds changes shape. */
const FORMAT = 1;
/** Entries kept in a cache directory (the newest by modification time). */
export const INDEX_CACHE_ENTRIES = 2;
const SUFFIX = '.alertkit-index';

/** One load, as the cache keeps it. */
export interface CachedLoad {
  format: number;
  key: string;
  read: number;
  rejected: number;
  /** The load's malformed lines and refused events, in the order they were reported. */
  reports: IngestWorkerReport[];
  segment: IndexSegment;
}

/** What identifies a load; see the module comment. */
export interface LoadIdentity {
  files: readonly string[];
  mapping: MappingState;
  maxEventBytes?: number;
}

let queryBuild: string | undefined;

/** The query package's version and the time its build was written (a rebuild indexes anew). */
async function queryPackageBuild(): Promise<string> {
  if (queryBuild !== undefined) return queryBuild;
  const require = createRequire(import.meta.url);
  const manifest = require.resolve('@alertkit/query/package.json');
  const { version } = JSON.parse(await readFile(manifest, 'utf8')) as { version: string };
  let built = '';
  try {
    built = String((await stat(fileURLToPath(import.meta.resolve('@alertkit/query')))).mtimeMs);
  } catch {
    // Read from sources (tests): the version alone.
  }
  return (queryBuild = `${version}@${built}`);
}

/** The cache key of a load (a hex digest), from the files' current state. */
export async function loadKey(identity: LoadIdentity): Promise<string> {
  const files = [];
  for (const file of identity.files) {
    const s = await stat(file);
    files.push([resolve(file), s.size, s.ino, s.dev, s.mtimeMs, s.ctimeMs]);
  }
  const described = JSON.stringify({
    format: FORMAT,
    v8: process.versions.v8,
    query: await queryPackageBuild(),
    mapping: identity.mapping,
    maxEventBytes: identity.maxEventBytes ?? null,
    files,
  });
  return createHash('sha256').update(described).digest('hex');
}

const entryPath = (dir: string, key: string): string => join(dir, `${key}${SUFFIX}`);

/**
 * The cached load of `key` in `dir`; `undefined` when there is none. Throws when there is one
 * that cannot be read back (the caller removes it with {@link dropCachedLoad}).
 */
export async function readCachedLoad(dir: string, key: string): Promise<CachedLoad | undefined> {
  let bytes: Buffer;
  try {
    bytes = await readFile(entryPath(dir, key));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  // Marked as used: pruning keeps the newest entries.
  const now = new Date();
  await utimes(entryPath(dir, key), now, now).catch(() => undefined);
  const load = deserialize(bytes) as Partial<CachedLoad> | null;
  if (
    typeof load !== 'object' ||
    load === null ||
    load.format !== FORMAT ||
    load.key !== key ||
    typeof load.read !== 'number' ||
    typeof load.rejected !== 'number' ||
    !Array.isArray(load.reports) ||
    typeof load.segment !== 'object' ||
    load.segment === null
  )
    throw new Error('not an index cache entry of this version');
  return load as CachedLoad;
}

/** Removes the entry of `key` (one that could not be read back). */
export async function dropCachedLoad(dir: string, key: string): Promise<void> {
  await rm(entryPath(dir, key), { force: true });
}

/**
 * Writes a load to the cache (a temporary file renamed into place, so a reader never sees half
 * an entry) and removes all but the newest {@link INDEX_CACHE_ENTRIES}. Returns its bytes.
 */
export async function writeCachedLoad(
  dir: string,
  load: Omit<CachedLoad, 'format'>,
): Promise<number> {
  await mkdir(dir, { recursive: true });
  const bytes = serialize({ format: FORMAT, ...load });
  const path = entryPath(dir, load.key);
  const temporary = `${path}.${process.pid}.tmp`;
  try {
    await writeFile(temporary, bytes);
    await rename(temporary, path);
  } finally {
    await rm(temporary, { force: true });
  }
  const others = [];
  for (const name of await readdir(dir)) {
    if (!name.endsWith(SUFFIX) || name === `${load.key}${SUFFIX}`) continue;
    try {
      others.push({ name, time: (await stat(join(dir, name))).mtimeMs });
    } catch {
      // Removed meanwhile.
    }
  }
  others.sort((a, b) => b.time - a.time);
  for (const { name } of others.slice(INDEX_CACHE_ENTRIES - 1))
    await rm(join(dir, name), { force: true });
  return bytes.length;
}
