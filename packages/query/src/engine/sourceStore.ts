import type { JsonObject, StoredEvent } from '@alertkit/core';
import {
  DEFAULT_COMPRESSION_LEVEL,
  type SourceCodec,
  type SourceCompression,
  compressBlock,
  decompressBlock,
  effectiveCodec,
} from './blockCodec.js';

/**
 * The events' `_source`, kept as JSON text compressed in blocks, as Elasticsearch keeps its
 * stored fields (LZ4 or DEFLATE blocks, see {@link SourceCodec}): the columns answer queries,
 * so a source is only read for the hits a caller asks for. Keeping 1M parsed event objects
 * instead cost ~600 bytes of heap per event and most of ingest's garbage collection;
 * compressed, a synthetic MozDef event costs ~55 (DEFLATE level 6) or ~96 (LZ4).
 *
 * A block of {@link BLOCK_SIZE} documents stays plain UTF-8 (the lines as read) until it is
 * full, then is compressed on libuv's thread pool, off the main thread; until that finishes it
 * is still read from those bytes. A re-indexed document (tagging) keeps its new source as an object.
 */

/** Documents per compressed block: small enough that reading one hit inflates ~0.2 ms. */
export const BLOCK_SIZE = 256;
const BLOCK_BITS = 8;
/**
 * Separates the texts in a block: a raw control character never occurs in valid JSON text (in
 * strings they are escaped, and between tokens only space, tab, CR and LF are allowed).
 */
const SEPARATOR = '\u001e';
/** Decoded blocks kept, so a run of hits in one block inflates it once. */
const CACHED_BLOCKS = 8;

/**
 * The JSON text an event was read from, attached (non-enumerable) to its `_source` by the
 * events reader so the store can keep the text rather than the object. `wrapped`: the text is
 * a whole document `{_index, _id, _source}` rather than the bare source.
 */
export interface SourceText {
  text: string;
  wrapped: boolean;
  /**
   * `text` as the UTF-8 it was decoded from (a view of the reader's chunk, valid until the
   * event is ingested): the store copies these bytes rather than encoding the text again.
   */
  bytes?: Uint8Array;
}

/** The (non-enumerable) property of `_source` holding its {@link SourceText}. */
export const SOURCE_TEXT: unique symbol = Symbol.for('alertkit.sourceText');

/** The source text attached to a parsed `_source`, if any. */
export function sourceTextOf(source: JsonObject): SourceText | undefined {
  return (source as { [SOURCE_TEXT]?: SourceText })[SOURCE_TEXT];
}

/**
 * A block still being filled: its texts as UTF-8, one after another with {@link SEPARATOR}
 * between them (the layout a compressed block inflates to), and where each text ends. Keeping
 * the bytes rather than the lines' strings lets each line die young: a string kept until its
 * block was compressed survived two young-generation collections and was copied into the old
 * generation (~640 bytes an event), and compressing joined and encoded the strings anyway.
 */
interface OpenBlock {
  /** A `Buffer` while this store fills it; a plain `Uint8Array` after a structured clone. */
  bytes: Uint8Array;
  /** Bytes of {@link OpenBlock.bytes} in use. */
  used: number;
  /** The end (exclusive) of each text, by slot. */
  ends: Int32Array;
  count: number;
  wrapped: Uint8Array;
}

/** A full block, compressed; `codec` absent: DEFLATE (the only codec before LZ4). */
interface CompressedBlock {
  compressed: Uint8Array;
  wrapped: Uint8Array;
  codec?: 'lz4';
}

type Block = OpenBlock | CompressedBlock;

const SEPARATOR_BYTE = 0x1e;
/** An open block's first buffer; it doubles as texts come (a block of MozDef events is ~160 KB). */
const OPEN_BLOCK_BYTES = 64 << 10;
/** A store's first block's first buffer: a test case's store holds a few events. */
const FIRST_BLOCK_BYTES = 4 << 10;

/** `bytes` as a `Buffer` (its own, or a view of a plain `Uint8Array`'s memory). */
function asBuffer(bytes: Uint8Array): Buffer {
  return Buffer.isBuffer(bytes)
    ? bytes
    : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/**
 * A source store as plain data that survives a structured clone (compressed blocks and the
 * index column transferable): see {@link SourceStore.segment}.
 */
export interface SourceSegment {
  blocks: Block[];
  indexOf: Int32Array;
  indexNames: string[];
  ids: string[];
  replaced: [number, JsonObject][];
}

/**
 * Where a run of documents starts: blocks are numbered from `firstBlock` for documents from
 * `firstDoc` on. A store has one run unless another store's documents were appended to it
 * (their blocks keep their own boundaries, so nothing is decompressed to append them).
 */
interface Run {
  firstDoc: number;
  firstBlock: number;
}

/**
 * Compressed blocks are copied into slabs this large: thousands of small buffers kept for good
 * among the big ones compressing frees would pin most of the freed memory in the process (glibc
 * returns only the top of its heap); slabs are mapped apart from that heap.
 */
const SLAB_BYTES = 4 << 20;

/** Stored sources by document number (store order). */
export class SourceStore {
  readonly #blocks: Block[] = [];
  /** `_index` of each document, as an id into {@link SourceStore.#indexNames}. */
  #indexOf = new Int32Array(64);
  readonly #indexNames: string[] = [];
  readonly #indexIds = new Map<string, number>();
  readonly #ids: string[] = [];
  /** Sources replaced after ingest (re-indexed by tagging), by document. */
  readonly #replaced = new Map<number, JsonObject>();
  readonly #cache = new Map<number, string[]>();
  /** Buffers of compressed blocks, for the next open blocks. */
  readonly #spare: Buffer[] = [];
  /** The open blocks' buffers this store allocated. */
  readonly #own = new WeakSet<Uint8Array>();
  #slab = Buffer.allocUnsafeSlow(0);
  #slabUsed = 0;
  /** Compressions under way, so {@link SourceStore.settled} can wait for them. */
  readonly #pending = new Set<Promise<void>>();
  readonly #runs: Run[] = [{ firstDoc: 0, firstBlock: 0 }];
  readonly #codec: SourceCodec;
  readonly #level: number;

  /**
   * How full blocks are compressed (default DEFLATE level 6). A store asked for LZ4 where
   * `lz4-napi` cannot load uses DEFLATE, at level 1 unless told another.
   */
  constructor(compression: SourceCompression = {}) {
    this.#codec = effectiveCodec(compression.codec);
    this.#level =
      compression.level ?? (compression.codec === 'lz4' ? 1 : DEFAULT_COMPRESSION_LEVEL);
  }

  /** How this store compresses full blocks: its codec (LZ4 only where it loads) and level. */
  get compression(): Required<SourceCompression> {
    return { codec: this.#codec, level: this.#level };
  }

  /** Number of documents. */
  get size(): number {
    return this.#ids.length;
  }

  /** Makes room for `docCount` documents at once. */
  reserve(docCount: number): void {
    if (docCount <= this.#indexOf.length) return;
    const bigger = new Int32Array(docCount);
    bigger.set(this.#indexOf);
    this.#indexOf = bigger;
  }

  /**
   * Appends a document. `text` is its JSON (the source, or the whole document when `wrapped`);
   * without one the source is serialised.
   */
  append(index: string, id: string, source: JsonObject, text?: SourceText): number {
    const doc = this.#ids.length;
    this.#ids.push(id);
    if (doc === this.#indexOf.length) {
      const bigger = new Int32Array(doc * 2);
      bigger.set(this.#indexOf);
      this.#indexOf = bigger;
    }
    this.#indexOf[doc] = this.#indexIdOf(index);
    const run = this.#runs[this.#runs.length - 1] as Run;
    const number = run.firstBlock + ((doc - run.firstDoc) >>> BLOCK_BITS);
    let block = this.#blocks[number];
    if (!block) {
      block = {
        // The first block starts small and grows as it fills; later blocks start full size.
        bytes:
          this.#spare.pop() ?? this.#allocate(number === 0 ? FIRST_BLOCK_BYTES : OPEN_BLOCK_BYTES),
        used: 0,
        ends: new Int32Array(BLOCK_SIZE),
        count: 0,
        wrapped: new Uint8Array(BLOCK_SIZE),
      };
      this.#blocks[number] = block;
    }
    if (!('ends' in block)) throw new Error('source store: appending to a compressed block');
    // Valid JSON never holds the separator raw, and texts here have been parsed.
    const utf8 = text?.bytes;
    const json = utf8 ? '' : (text?.text ?? JSON.stringify(source));
    const start = block.count === 0 ? 0 : block.used + 1;
    // UTF-8 takes at most 3 bytes per UTF-16 unit (4 for a surrogate pair, which is 2 units).
    const room = start + (utf8 ? utf8.length : json.length * 3);
    let bytes = asBuffer(block.bytes);
    if (room > bytes.length) {
      const bigger = this.#allocate(Math.max(room, bytes.length * 2));
      bytes.copy(bigger, 0, 0, block.used);
      bytes = bigger;
    }
    block.bytes = bytes;
    if (block.count > 0) bytes[block.used] = SEPARATOR_BYTE;
    // The line's own bytes when the reader kept them: a copy, where encoding the text again
    // (and before, joining a block's strings to encode them) was ~1 µs an event.
    if (utf8) bytes.set(utf8, start);
    block.used = start + (utf8 ? utf8.length : bytes.write(json, start));
    block.ends[block.count] = block.used;
    block.wrapped[block.count] = text?.wrapped === true ? 1 : 0;
    block.count++;
    if (block.count === BLOCK_SIZE) this.#compress(number, block);
    return doc;
  }

  #compress(number: number, block: OpenBlock): void {
    const codec = this.#codec;
    const done = new Promise<void>((resolve) => {
      compressBlock(
        block.bytes.subarray(0, block.used),
        codec,
        this.#level,
        (error, compressed) => {
          // On an error (out of memory) the block simply stays open.
          if (!error && compressed) {
            const kept = this.#keep(compressed);
            this.#blocks[number] =
              codec === 'lz4'
                ? { compressed: kept, wrapped: block.wrapped, codec }
                : { compressed: kept, wrapped: block.wrapped };
            // Its buffer fills the next block (a full block's is ~160 KB: allocating one per
            // block made V8 count the external memory and collect for it).
            // Only a buffer this store made: a cloned block's may share memory it does not own.
            const bytes = block.bytes;
            if (this.#own.has(bytes) && this.#spare.length < 2) this.#spare.push(bytes as Buffer);
          }
          resolve();
        },
      );
    });
    this.#pending.add(done);
    void done.then(() => this.#pending.delete(done));
  }

  /** A buffer of its own (not a slice of Node's pool) for an open block. */
  #allocate(size: number): Buffer {
    const bytes = Buffer.allocUnsafeSlow(size);
    this.#own.add(bytes);
    return bytes;
  }

  /** A copy of `bytes` in the current slab (a new slab when it is full). */
  #keep(bytes: Buffer): Buffer {
    if (this.#slabUsed + bytes.length > this.#slab.length) {
      this.#slab = Buffer.allocUnsafeSlow(Math.max(SLAB_BYTES, bytes.length));
      this.#slabUsed = 0;
    }
    const kept = this.#slab.subarray(this.#slabUsed, this.#slabUsed + bytes.length);
    bytes.copy(kept);
    this.#slabUsed += bytes.length;
    return kept;
  }

  /**
   * The store as a {@link SourceSegment}, once its compressions are done, and the buffers a
   * `postMessage` may transfer rather than copy. The store must not be used afterwards.
   */
  async segment(): Promise<{ segment: SourceSegment; transfer: ArrayBuffer[] }> {
    await this.settled();
    const transfer = new Set<ArrayBuffer>();
    for (const block of this.#blocks)
      if ('compressed' in block) transfer.add(block.compressed.buffer as ArrayBuffer);
    const indexOf = this.#indexOf.slice(0, this.size);
    transfer.add(indexOf.buffer);
    return {
      segment: {
        blocks: this.#blocks,
        indexOf,
        indexNames: this.#indexNames,
        ids: this.#ids,
        replaced: [...this.#replaced],
      },
      transfer: [...transfer],
    };
  }

  /**
   * Appends a segment's documents after this store's. The block this store was filling is
   * closed (compressed short) so the segment's blocks keep their boundaries.
   */
  appendSegment(segment: SourceSegment): void {
    const base = this.size;
    const last = this.#blocks.length - 1;
    const open = this.#blocks[last];
    // (A full block is already being compressed.)
    if (open && 'ends' in open && open.count < BLOCK_SIZE) this.#compress(last, open);
    this.#runs.push({ firstDoc: base, firstBlock: this.#blocks.length });
    // (A transferred Buffer arrives as a plain Uint8Array, which inflating takes as well.)
    for (const block of segment.blocks) this.#blocks.push(block);
    const count = segment.ids.length;
    this.reserve(base + count);
    const names = segment.indexNames.map((name) => this.#indexIdOf(name));
    for (let d = 0; d < count; d++) {
      this.#ids.push(segment.ids[d] as string);
      this.#indexOf[base + d] = names[segment.indexOf[d] as number] as number;
    }
    for (const [doc, source] of segment.replaced) this.#replaced.set(base + doc, source);
  }

  /** The id of an `_index` name, given it if new. */
  #indexIdOf(name: string): number {
    let id = this.#indexIds.get(name);
    if (id === undefined) {
      id = this.#indexNames.push(name) - 1;
      this.#indexIds.set(name, id);
    }
    return id;
  }

  /** The block and slot of a document. */
  #locate(doc: number): [number, number] {
    let r = this.#runs.length - 1;
    while (r > 0 && (this.#runs[r] as Run).firstDoc > doc) r--;
    const run = this.#runs[r] as Run;
    const offset = doc - run.firstDoc;
    return [run.firstBlock + (offset >>> BLOCK_BITS), offset & (BLOCK_SIZE - 1)];
  }

  /** Resolves when every full block handed to the thread pool is compressed. */
  async settled(): Promise<void> {
    while (this.#pending.size > 0) await Promise.all([...this.#pending]);
  }

  /** A document's `_index`. */
  indexOf(doc: number): string {
    return this.#indexNames[this.#indexOf[doc] ?? 0] ?? '';
  }

  /** A document's `_id`. */
  idOf(doc: number): string {
    return this.#ids[doc] ?? '';
  }

  /** Replaces a document's source (re-indexing keeps the object). */
  replace(doc: number, source: JsonObject): void {
    this.#replaced.set(doc, source);
  }

  /** A document's `_source`: a new object on each call, except for replaced sources. */
  source(doc: number): JsonObject | undefined {
    if (doc < 0 || doc >= this.#ids.length) return undefined;
    const replaced = this.#replaced.get(doc);
    if (replaced) return replaced;
    const [number, slot] = this.#locate(doc);
    const block = this.#blocks[number] as Block;
    const text =
      'ends' in block
        ? asBuffer(block.bytes).toString(
            'utf8',
            slot === 0 ? 0 : (block.ends[slot - 1] as number) + 1,
            block.ends[slot],
          )
        : (this.#decoded(number, block)[slot] as string);
    const value = JSON.parse(text) as JsonObject;
    return block.wrapped[slot] === 1 ? (value['_source'] as JsonObject) : value;
  }

  /** A document as a stored event. */
  event(doc: number): StoredEvent | undefined {
    const source = this.source(doc);
    return source && { _index: this.indexOf(doc), _id: this.idOf(doc), _source: source };
  }

  #decoded(number: number, block: CompressedBlock): string[] {
    let texts = this.#cache.get(number);
    if (texts) {
      this.#cache.delete(number); // most recently used goes last
    } else {
      texts = decompressBlock(block.compressed, block.codec ?? 'deflate')
        .toString('utf8')
        .split(SEPARATOR);
      if (this.#cache.size >= CACHED_BLOCKS)
        this.#cache.delete(this.#cache.keys().next().value as number);
    }
    this.#cache.set(number, texts);
    return texts;
  }

  /** Bytes held by the sources (compressed blocks, pending text, ids), for the benchmark. */
  byteSizes(): { compressed: number; text: number; ids: number } {
    let compressed = 0;
    let text = 0;
    for (const block of this.#blocks) {
      if ('ends' in block) text += block.used;
      else compressed += block.compressed.byteLength;
    }
    let ids = this.#indexOf.byteLength;
    for (const id of this.#ids) ids += id.length + 16;
    return { compressed, text, ids };
  }
}

/**
 * Defines `key` on `target` as a property computed on first read (enumerable, so it is still
 * part of the object's JSON and structured clones): hits and groups decode their events only
 * when a caller reads them, so counting matches decodes nothing.
 */
export function defineLazy<T extends object, K extends string, V>(
  target: T,
  key: K,
  compute: () => V,
): T & Record<K, V> {
  let value: V | undefined;
  let done = false;
  return Object.defineProperty(target, key, {
    enumerable: true,
    configurable: true,
    get: () => {
      if (!done) {
        value = compute();
        done = true;
      }
      return value as V;
    },
  }) as T & Record<K, V>;
}
