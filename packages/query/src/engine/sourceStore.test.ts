import { inflateRawSync } from 'node:zlib';
import type { StoredEvent } from '@alertkit/core';
import { uncompressSync } from 'lz4-napi';
import { describe, expect, it } from 'vitest';
import { lz4Available } from './blockCodec.js';
import { type EmbeddedStore, createEmbeddedStore } from './embeddedStore.js';
import { IndexMapping } from './mapping.js';
import { BLOCK_SIZE } from './sourceStore.js';
import { parseEventJson } from './sourceText.js';

const event = (i: number): StoredEvent => ({
  _index: i % 3 === 0 ? 'events-a' : 'events-b',
  _id: `e${i}`,
  _source: {
    utctimestamp: `2026-01-01T00:00:${String(i % 60).padStart(2, '0')}+00:00`,
    group: i % 3 === 0 ? 'a' : 'b',
    summary: `line ${i} \u00e9\u{1F600} "quoted" \\ back`,
    details: { n: i, list: [i, i + 1], objects: [{ deep: `v${i}` }, { deep: 'w' }], none: null },
  },
});

describe('the sources of an embedded store (compressed blocks)', () => {
  it('gives back every event as ingested, before and after its block is compressed', async () => {
    const count = BLOCK_SIZE * 2 + 7;
    const events = Array.from({ length: count }, (_, i) => event(i));
    const store = createEmbeddedStore({ events });
    // Full blocks are compressing on the thread pool: still readable from their text.
    expect(store.index.event(5)).toEqual(events[5]);
    await store.index.sources.settled();
    const sizes = store.index.sources.byteSizes();
    expect(sizes.compressed).toBeGreaterThan(0);
    expect(sizes.text).toBeGreaterThan(0); // the last, partial block
    expect([...store.index.allEvents()]).toEqual(events);
    const { hits, total } = await store.search({
      criteria: {
        query: { type: 'bool', must: [{ type: 'match', field: 'summary', value: 'line' }] },
      },
      now: new Date('2026-01-02T00:00:00Z'),
    });
    expect(total).toBe(count);
    expect(hits).toEqual(events);
    expect(await store.getEvents([{ _index: 'events-b', _id: 'e400' }])).toEqual([events[400]]);
  });

  it('keeps the line an event was read from: whole documents and bare events, with the source text of numbers', async () => {
    const store = createEmbeddedStore();
    const lines = [
      '{"_index":"events","_id":"w","_source":{"code":1.0,"summary":"wrapped"}}',
      '{"summary":"bare","code":1e3}',
    ];
    const [wrapped, bare] = lines.map((line) => parseEventJson(line)) as [
      StoredEvent,
      Record<string, unknown>,
    ];
    store.ingest(
      [wrapped, { _index: 'events', _id: 'b', _source: bare as StoredEvent['_source'] }],
      { owned: true },
    );
    expect(store.index.event(0)).toEqual({
      _index: 'events',
      _id: 'w',
      _source: { code: 1, summary: 'wrapped' },
    });
    expect(store.index.event(1)).toEqual({
      _index: 'events',
      _id: 'b',
      _source: { summary: 'bare', code: 1000 },
    });
    // The keyword field indexed the numbers as written, as Elasticsearch does.
    const term = async (value: string) =>
      (
        await store.search({
          criteria: { query: { type: 'bool', must: [{ type: 'term', field: 'code', value }] } },
          now: new Date(),
        })
      ).total;
    expect([await term('1.0'), await term('1'), await term('1e3')]).toEqual([1, 0, 1]);
  });

  it('keeps the bytes a line was decoded from: the same events as from its text, before and after compression', async () => {
    const count = BLOCK_SIZE + 44;
    const lines = Array.from({ length: count }, (_, i) => {
      const text = JSON.stringify(event(i));
      if (i !== 3) return Buffer.from(text);
      // Invalid UTF-8 in a string: decoding gives U+FFFD, which the kept bytes decode to again.
      const cut = text.indexOf('line');
      return Buffer.concat([
        Buffer.from(text.slice(0, cut)),
        Buffer.of(0xff),
        Buffer.from(text.slice(cut)),
      ]);
    });
    const fromBytes = createEmbeddedStore();
    const fromText = createEmbeddedStore();
    for (const bytes of lines) {
      const text = bytes.toString('utf8');
      fromBytes.ingest([parseEventJson(text, bytes) as StoredEvent], { owned: true });
      fromText.ingest([parseEventJson(text) as StoredEvent], { owned: true });
    }
    const expected = [...fromText.index.allEvents()];
    expect(expected[3]?._source['summary']).toMatch(/^\uFFFDline 3/);
    // The full block is compressing, the last one is open: both read back.
    expect([...fromBytes.index.allEvents()]).toEqual(expected);
    // Both blocks are still open (the full one until its compression ends), and hold the
    // lines' bytes as read, not the text encoded again (U+FFFD is 3 bytes, the 0xff it was 1).
    const bytes = lines.reduce((sum, line) => sum + line.length, 0);
    expect(fromBytes.index.sources.byteSizes().text).toBe(
      bytes + (BLOCK_SIZE - 1) + (count - BLOCK_SIZE - 1),
    );
    expect(fromText.index.sources.byteSizes().text).toBe(
      fromBytes.index.sources.byteSizes().text + 2,
    );
    await fromBytes.index.sources.settled();
    expect([...fromBytes.index.allEvents()]).toEqual(expected);
    expect(fromBytes.index.event(3)).toEqual(expected[3]);
  });

  it("compresses with LZ4 when asked (Elasticsearch's default codec), and reads LZ4 and DEFLATE blocks side by side", async () => {
    expect(lz4Available()).toBe(true); // lz4-napi's binary for this platform is installed
    const count = BLOCK_SIZE * 2 + 7;
    const events = Array.from({ length: count * 2 }, (_, i) => event(i));
    const first = events.slice(0, count);
    const second = events.slice(count);
    /** Each full block's codec and its bytes once decompressed by that codec's own library. */
    const blocksOf = async (store: EmbeddedStore) => {
      const { segment } = await store.segment();
      return segment.sources.blocks.flatMap((block) => {
        if (!('compressed' in block)) return [];
        const raw = Buffer.from(block.compressed);
        return [
          block.codec === 'lz4'
            ? { codec: 'lz4', text: uncompressSync(raw).toString('utf8') }
            : { codec: 'deflate', text: inflateRawSync(raw).toString('utf8') },
        ];
      });
    };
    const joined = (from: StoredEvent[]) =>
      from.map((e) => JSON.stringify(e._source)).join('\u001e');
    const lz4 = createEmbeddedStore({ events: first, codec: 'lz4' });
    await lz4.index.sources.settled();
    expect(await blocksOf(lz4)).toEqual([
      { codec: 'lz4', text: joined(first.slice(0, BLOCK_SIZE)) },
      { codec: 'lz4', text: joined(first.slice(BLOCK_SIZE, BLOCK_SIZE * 2)) },
    ]);
    // LZ4 blocks appended to a DEFLATE store, and DEFLATE blocks to an LZ4 store: every event
    // reads back, from either codec's blocks.
    for (const [main, part] of [
      ['deflate', 'lz4'],
      ['lz4', 'deflate'],
    ] as const) {
      const store = createEmbeddedStore({ events: first, codec: main });
      const start = store.mapping.state();
      const worker = createEmbeddedStore({
        mapping: IndexMapping.fromState(start),
        events: second,
        codec: part,
      });
      expect(store.appendSegment((await worker.segment()).segment)).toBe(true);
      await store.index.sources.settled();
      expect([...store.index.allEvents()]).toEqual(events);
      expect(await store.getEvents([{ _index: 'events-b', _id: `e${count + 5}` }])).toEqual([
        events[count + 5],
      ]);
    }
  });

  it('does not keep the text of an event that is not handed over (owned), nor see later changes to it', () => {
    const store = createEmbeddedStore();
    const parsed = parseEventJson(
      '{"_index":"events","_id":"x","_source":{"a":"before"}}',
    ) as StoredEvent;
    store.ingest([parsed]);
    parsed._source['a'] = 'after';
    expect(store.index.event(0)?._source).toEqual({ a: 'before' });
  });

  it('decodes hits and groups only when they are read', async () => {
    const store = createEmbeddedStore({ events: Array.from({ length: 40 }, (_, i) => event(i)) });
    const criteria = {
      query: {
        type: 'bool' as const,
        must: [{ type: 'match' as const, field: 'summary', value: 'line' }],
      },
    };
    const now = new Date('2026-01-02T00:00:00Z');
    const result = await store.search({ criteria, now });
    const descriptor = Object.getOwnPropertyDescriptor(result, 'hits');
    expect(typeof descriptor?.get).toBe('function');
    expect(result.hits).toBe(result.hits); // decoded once, then the same array
    expect(JSON.parse(JSON.stringify(result))).toEqual({ total: 40, hits: result.hits });
    const { buckets } = await store.aggregate({
      criteria: { ...criteria, aggregation: { field: 'group', threshold: 1, samples: 2 } },
      now,
    });
    expect(buckets.map((b) => [b.key, b.count, b.samples.length, b.events.length])).toEqual([
      ['b', 26, 2, 26],
      ['a', 14, 2, 14],
    ]);
    expect(structuredClone(buckets[1])?.samples).toEqual([event(0), event(3)]);
  });
});
