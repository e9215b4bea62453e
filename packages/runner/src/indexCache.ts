import { createHash } from 'node:crypto';
import {
  type FileHandle,
  mkdir,
  open,
  readFile,
  readdir,
  rename,
  rm,
  stat,
} from 'node:fs/promises';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { deserialize, serialize } from 'node:v8';
import type { IndexSegment, MappingState } from '@alertkit/query';
import type { IngestWorkerReport } from './ingestEvents.js';

/**
 * The index cache: a load of events files into the embedded store, kept on disk as the store's
 * segment (its columns, term lists, sorted time lists and compressed sources, in V8's
 * serialization format) with what the load reported, and read back instead of reading and
 * indexing the files again when the same files are loaded into an empty store with the same
 * mapping. Reading 1M events back takes ~2 s; indexing them ~12 s on one thread.
 *
 * An entry is found by a key over everything the loaded store depends on: each file's path,
 * size, inode, modification and change times (as git's index trusts them), the store's mapping
 * before the load, the reading options, the builds of the indexing code and V8. A
 * changed file is loaded afresh and cached again. An entry that cannot be read back (cut short,
 * another format) is removed and the files are loaded afresh.
 */

/**
 * Bumped when what an entry holds changes shape. 4: a compressed source block may be LZ4 (a
 * `codec` field), which a reader of format 3 would inflate as DEFLATE.
 */
const FORMAT = 4;
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

let builds: string | undefined;

/**
 * The versions and build times of the code that indexes a load: the query package and this one
 * (which reads the files). A rebuild indexes anew.
 */
async function indexingBuilds(): Promise<string> {
  if (builds !== undefined) return builds;
  const require = createRequire(import.meta.url);
  const manifest = require.resolve('@alertkit/query/package.json');
  const { version } = JSON.parse(await readFile(manifest, 'utf8')) as { version: string };
  const modules = [fileURLToPath(import.meta.url)];
  try {
    modules.push(fileURLToPath(import.meta.resolve('@alertkit/query')));
  } catch {
    // Run from sources (tests): the version and this module.
  }
  const times = [];
  for (const module of modules) times.push((await stat(module)).mtimeMs);
  return (builds = `${version}@${times.join(',')}`);
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
    builds: await indexingBuilds(),
    mapping: identity.mapping,
    maxEventBytes: identity.maxEventBytes ?? null,
    files,
  });
  return createHash('sha256').update(described).digest('hex');
}

const entryPath = (dir: string, key: string): string => join(dir, `${key}${SUFFIX}`);

/**
 * An entry is a series of frames, each a 4-byte length and a value in V8's serialization
 * format: the load's header (counts, reports, mapping, ids), one frame per column, then the
 * source blocks a few at a time. Written and read a frame at a time, so saving and reading back
 * 1M events never holds the whole entry in memory beside the store.
 */
interface EntryHeader extends Omit<CachedLoad, 'segment'> {
  columns: number;
  /** Frames of sorted time lists, after the columns (see `IndexSegment.times`). */
  timeLists: number;
  blockFrames: number;
  mapping: IndexSegment['mapping'];
  sources: Omit<IndexSegment['sources'], 'blocks'>;
}

/** Source blocks per frame (~256 events each). */
const BLOCKS_PER_FRAME = 64;

/** Reads the frames of an open entry in order. */
function frameReader(handle: FileHandle, size: number): () => Promise<unknown> {
  let position = 0;
  const exactly = async (length: number): Promise<Buffer> => {
    // Checked before allocating: a damaged length must not ask for gigabytes.
    if (position + length > size) throw new Error('the entry is cut short');
    const buffer = Buffer.allocUnsafe(length);
    const { bytesRead } = await handle.read(buffer, 0, length, position);
    if (bytesRead !== length) throw new Error('the entry is cut short');
    position += length;
    return buffer;
  };
  return async (): Promise<unknown> =>
    deserialize(await exactly((await exactly(4)).readUInt32LE(0))) as unknown;
}

/**
 * The cached load of `key` in `dir`; `undefined` when there is none. Throws when there is one
 * that cannot be read back (the caller removes it with {@link dropCachedLoad}).
 */
export async function readCachedLoad(dir: string, key: string): Promise<CachedLoad | undefined> {
  let handle: FileHandle;
  try {
    handle = await open(entryPath(dir, key), 'r');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  try {
    // Marked as used: pruning keeps the newest entries.
    const now = new Date();
    await handle.utimes(now, now);
    const next = frameReader(handle, (await handle.stat()).size);
    const header = (await next()) as Partial<EntryHeader> | null;
    if (
      typeof header !== 'object' ||
      header === null ||
      header.format !== FORMAT ||
      header.key !== key ||
      typeof header.read !== 'number' ||
      typeof header.rejected !== 'number' ||
      typeof header.columns !== 'number' ||
      typeof header.timeLists !== 'number' ||
      typeof header.blockFrames !== 'number' ||
      !Array.isArray(header.reports) ||
      !Array.isArray(header.mapping) ||
      typeof header.sources !== 'object' ||
      header.sources === null
    )
      throw new Error('not an index cache entry of this version');
    const columns: IndexSegment['columns'] = [];
    for (let c = 0; c < header.columns; c++)
      columns.push((await next()) as IndexSegment['columns'][number]);
    const times: NonNullable<IndexSegment['times']> = [];
    for (let t = 0; t < header.timeLists; t++)
      times.push((await next()) as NonNullable<IndexSegment['times']>[number]);
    const blocks: IndexSegment['sources']['blocks'] = [];
    for (let f = 0; f < header.blockFrames; f++)
      for (const block of (await next()) as IndexSegment['sources']['blocks']) blocks.push(block);
    const {
      columns: _columns,
      timeLists: _timeLists,
      blockFrames: _frames,
      mapping,
      sources,
      ...load
    } = header as EntryHeader;
    return { ...load, segment: { mapping, columns, times, sources: { ...sources, blocks } } };
  } finally {
    await handle.close();
  }
}

/** Removes the entry of `key` (one that could not be read back). */
export async function dropCachedLoad(dir: string, key: string): Promise<void> {
  await rm(entryPath(dir, key), { force: true });
}

/**
 * Writes a load to the cache (a frame at a time, to a temporary file renamed into place, so a
 * reader never sees half an entry) and removes all but the newest {@link INDEX_CACHE_ENTRIES}.
 * Returns its bytes.
 */
export async function writeCachedLoad(
  dir: string,
  load: Omit<CachedLoad, 'format'>,
): Promise<number> {
  await mkdir(dir, { recursive: true });
  const path = entryPath(dir, load.key);
  const temporary = `${path}.${process.pid}.tmp`;
  const { segment, ...rest } = load;
  const { blocks, ...sources } = segment.sources;
  let bytes = 0;
  try {
    const handle = await open(temporary, 'w');
    try {
      const write = async (value: unknown): Promise<void> => {
        const frame = serialize(value);
        const length = Buffer.allocUnsafe(4);
        length.writeUInt32LE(frame.length, 0);
        await handle.writev([length, frame]);
        bytes += 4 + frame.length;
      };
      const header: EntryHeader = {
        format: FORMAT,
        ...rest,
        columns: segment.columns.length,
        timeLists: segment.times?.length ?? 0,
        blockFrames: Math.ceil(blocks.length / BLOCKS_PER_FRAME),
        mapping: segment.mapping,
        sources,
      };
      await write(header);
      for (const column of segment.columns) await write(column);
      for (const list of segment.times ?? []) await write(list);
      for (let b = 0; b < blocks.length; b += BLOCKS_PER_FRAME)
        await write(blocks.slice(b, b + BLOCKS_PER_FRAME));
    } finally {
      await handle.close();
    }
    await rename(temporary, path);
  } catch (error) {
    await rm(temporary, { force: true });
    throw error;
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
  return bytes;
}
