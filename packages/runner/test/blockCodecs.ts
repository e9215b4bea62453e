import { deflateRawSync, inflateRawSync } from 'node:zlib';
import type { EmbeddedStore } from '@alertkit/query';

/**
 * How each of a store's source blocks was written: `lz4`, `deflate <level>` (a raw DEFLATE block
 * does not say its level: the level, 1 or 6, that writes the same bytes, `?` for another), or
 * `open` for a block not compressed yet. For tests of which codec a load uses.
 */
export async function blockCodecs(store: EmbeddedStore): Promise<string[]> {
  await store.index.sources.settled();
  const { segment } = await store.segment();
  return segment.sources.blocks.map((block) => {
    if (!('compressed' in block)) return 'open';
    if (block.codec === 'lz4') return 'lz4';
    const compressed = Buffer.from(block.compressed);
    const text = inflateRawSync(compressed);
    const level = [1, 6].find((l) => deflateRawSync(text, { level: l }).equals(compressed));
    return `deflate ${level ?? '?'}`;
  });
}
