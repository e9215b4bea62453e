import type * as NodeModule from 'node:module';
import { deflateRawSync } from 'node:zlib';
import { describe, expect, it, vi } from 'vitest';

// A platform without lz4-napi's binary: loading it throws, as a missing optional dependency does.
vi.mock('node:module', async (importOriginal) => ({
  ...(await importOriginal<typeof NodeModule>()),
  createRequire: () => (id: string) => {
    throw new Error(`Cannot find module '${id}'`);
  },
}));

const { lz4Available, decompressBlock } = await import('./blockCodec.js');
const { createEmbeddedStore } = await import('./embeddedStore.js');
const { BLOCK_SIZE } = await import('./sourceStore.js');

describe('LZ4 where lz4-napi cannot load', () => {
  it('compresses with DEFLATE instead, and the events read back', async () => {
    expect(lz4Available()).toBe(false);
    const events = Array.from({ length: BLOCK_SIZE + 3 }, (_, i) => ({
      _index: 'events',
      _id: `e${i}`,
      _source: { summary: `event ${i}`, n: i },
    }));
    const store = createEmbeddedStore({ events, codec: 'lz4' });
    await store.index.sources.settled();
    expect([...store.index.allEvents()]).toEqual(events);
    const { segment } = await store.segment();
    const [full] = segment.sources.blocks;
    expect(full && 'compressed' in full && full.codec).toBe(undefined); // DEFLATE
    // At level 1: what DEFLATE level 1 makes of the block's text, byte for byte.
    const text = events
      .slice(0, BLOCK_SIZE)
      .map((e) => JSON.stringify(e._source))
      .join('\u001e');
    expect(full && 'compressed' in full && Buffer.from(full.compressed)).toEqual(
      deflateRawSync(text, { level: 1 }),
    );
  });

  it('says why it cannot read a block compressed with LZ4 elsewhere', () => {
    expect(() => decompressBlock(new Uint8Array([1, 0, 0, 0, 0]), 'lz4')).toThrow(
      'source store: this block is compressed with LZ4, and lz4-napi cannot load on this platform',
    );
  });
});
