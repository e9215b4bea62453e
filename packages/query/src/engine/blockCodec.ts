import { createRequire } from 'node:module';
import { deflateRaw, inflateRawSync } from 'node:zlib';

/**
 * How the source store's blocks are compressed, as Elasticsearch's `index.codec` chooses for
 * its stored fields:
 * - `deflate` (Elasticsearch's `best_compression`): DEFLATE at a level, the smaller blocks
 *   (~11x on MozDef events at level 6, ~10x at level 1);
 * - `lz4` (Elasticsearch's `default`): on blocks of the bundled sample's events, ~870 MB/s of
 *   compression against DEFLATE level 1's ~360, and ~1,950 MB/s of decompression against ~700,
 *   for ~7x against ~10x (about 20 more bytes an event). For loads that index on every core,
 *   where compressing competes with indexing.
 */
export type SourceCodec = 'deflate' | 'lz4';

/** The codec and level of a store's blocks (see {@link SourceCodec}). */
export interface SourceCompression {
  /** Default `deflate`. */
  codec?: SourceCodec;
  /** The DEFLATE level (1-9); default 6. Not used by `lz4`. */
  level?: number;
}

/**
 * The default DEFLATE level, 6: ~11x on MozDef events at ~110 MB/s of one core, on the thread
 * pool, well ahead of indexing while indexing leaves a core idle. Loads that index on every
 * core ask for LZ4 (a two-thread load of 1M events: 11.8 s on average with DEFLATE level 1,
 * 9.9 s with LZ4).
 */
export const DEFAULT_COMPRESSION_LEVEL = 6;

/** What this module uses of `lz4-napi` (LZ4 block format, the size prepended). */
interface Lz4 {
  compress(data: Uint8Array): Promise<Buffer>;
  uncompressSync(data: Uint8Array): Buffer;
}

let lz4: Lz4 | null | undefined;

/**
 * `lz4-napi`, loaded on first use (a native addon: nothing pays for it until a store asks for
 * LZ4), or `null` where it cannot load (a platform without its prebuilt binary).
 */
function loadLz4(): Lz4 | null {
  if (lz4 === undefined) {
    try {
      lz4 = createRequire(import.meta.url)('lz4-napi') as Lz4;
    } catch {
      lz4 = null;
    }
  }
  return lz4;
}

/** Whether LZ4 can be used here: where it cannot, a store asked for it uses DEFLATE level 1. */
export function lz4Available(): boolean {
  return loadLz4() !== null;
}

/** A block's codec as a store writes it: `lz4` only where it loads. */
export function effectiveCodec(codec: SourceCodec | undefined): SourceCodec {
  return codec === 'lz4' && lz4Available() ? 'lz4' : 'deflate';
}

/**
 * Compresses `bytes` on libuv's thread pool (off the calling thread). `bytes` must not change
 * until `done` is called.
 */
export function compressBlock(
  bytes: Uint8Array,
  codec: SourceCodec,
  level: number,
  done: (error: Error | null, compressed?: Buffer) => void,
): void {
  const lz = codec === 'lz4' ? loadLz4() : null;
  if (lz)
    lz.compress(bytes).then(
      (compressed) => done(null, compressed),
      (error: unknown) => done(error instanceof Error ? error : new Error(String(error))),
    );
  else deflateRaw(bytes, { level }, (error, compressed) => done(error, compressed));
}

/** The bytes a block compressed with `codec` holds. */
export function decompressBlock(compressed: Uint8Array, codec: SourceCodec): Buffer {
  if (codec === 'deflate') return inflateRawSync(compressed);
  const lz = loadLz4();
  if (!lz)
    throw new Error(
      'source store: this block is compressed with LZ4, and lz4-napi cannot load on this platform',
    );
  return lz.uncompressSync(compressed);
}
