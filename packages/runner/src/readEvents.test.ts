import { mkdtemp, rm, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StoredEvent } from '@alertkit/core';
import { createEmbeddedStore } from '@alertkit/query';
import { ingestEventFiles } from './ingestEvents.js';
import { ingestParts, readEvents, readEventsFile, type EventProblem } from './readEvents.js';

let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'alertkit-events-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** An embedded store, and it as an ingest target that records the sizes it is asked to reserve. */
function reservingStore() {
  const store = createEmbeddedStore();
  const reserves: number[] = [];
  const target = {
    ingest: store.ingest.bind(store),
    reserve: (expected: number) => {
      reserves.push(expected);
      return store.reserve(expected);
    },
    compact: () => store.compact(),
  };
  return { store, reserves, target };
}

async function collect(iterable: AsyncIterable<StoredEvent>): Promise<StoredEvent[]> {
  const out: StoredEvent[] = [];
  for await (const e of iterable) out.push(e);
  return out;
}

describe('reading events files', () => {
  it('reads NDJSON with full and bare events; ids from file and line; malformed lines reported and skipped', async () => {
    const file = join(dir, 'a.ndjson');
    await writeFile(
      file,
      [
        '{"_index":"events-20170101","_id":"x1","_source":{"summary":"one"}}',
        '{"summary":"bare"}',
        '',
        '{"summary":"bare"}',
        '{not json',
        '[1,2]',
        '{"_source":"nope"}',
        'null',
      ].join('\n'),
    );
    const problems: EventProblem[] = [];
    const events = await collect(readEventsFile(file, { onProblem: (p) => problems.push(p) }));
    expect(events).toEqual([
      { _index: 'events-20170101', _id: 'x1', _source: { summary: 'one' } },
      { _index: 'events', _id: 'a.ndjson:2', _source: { summary: 'bare' } },
      { _index: 'events', _id: 'a.ndjson:4', _source: { summary: 'bare' } },
    ]);
    expect(problems.map((p) => `${p.location}: ${p.message}`)).toEqual([
      expect.stringMatching(/^line 5: not JSON: /),
      'line 6: expected a JSON object, got an array',
      'line 7: `_source` must be a JSON object',
      'line 8: expected a JSON object, got null',
    ]);
  });

  it('reads a JSON array, ids from the element index', async () => {
    const file = join(dir, 'b.json');
    await writeFile(file, '  [{"summary":"x"}, {"_id":"given","_source":{"summary":"y"}}, 3]');
    const problems: EventProblem[] = [];
    const events = await collect(readEventsFile(file, { onProblem: (p) => problems.push(p) }));
    expect(events.map((e) => e._id)).toEqual(['b.json:0', 'given']);
    expect(problems).toEqual([
      { file, location: 'element 2', message: 'expected a JSON object, got number' },
    ]);
  });

  it('reads a directory in name order', async () => {
    const sub = join(dir, 'many');
    await mkdir(sub);
    await writeFile(join(sub, '2.ndjson'), '{"n":2}\n');
    await writeFile(join(sub, '1.ndjson'), '{"n":1}\n');
    await writeFile(join(sub, 'notes.txt'), 'ignored');
    const events = await collect(readEvents([sub]));
    expect(events.map((e) => e._source['n'])).toEqual([1, 2]);
  });

  it('ingests into a store in batches, reporting refused events from every batch and progress', async () => {
    const file = join(dir, 'many.ndjson');
    const lines = Array.from({ length: 10_005 }, (_, i) =>
      JSON.stringify({
        _id: `e${i}`,
        _source: {
          details: { sourceipaddress: i === 3 || i === 10_002 ? 'not-an-ip' : '10.0.0.1' },
        },
      }),
    );
    await writeFile(file, lines.join('\n'));
    const store = createEmbeddedStore();
    const refused: string[] = [];
    const located: string[] = [];
    const progress: number[] = [];
    const report = await ingestEventFiles(store, [file], {
      onRejected: (r) => {
        refused.push(r._id);
        located.push(`${r.file}: ${r.location}`);
      },
      onProgress: (n) => progress.push(n),
      progressEvery: 4_000,
    });
    expect(report).toEqual({ read: 10_005, rejected: 2 });
    expect(refused).toEqual(['e3', 'e10002']);
    expect(located).toEqual([`${file}: line 4`, `${file}: line 10003`]);
    expect(progress).toEqual([4_000, 8_000]);
    expect(store.size).toBe(10_003);
  });

  it('refuses a line over the maximum event size before parsing it, naming file, line and _id; the next lines load', async () => {
    const file = join(dir, 'huge.ndjson');
    // 2 MiB of summary: over the 1 MiB default.
    const huge = `{"_index":"events","_id":"huge","_source":{"summary":"${'word '.repeat(420_000)}"}}`;
    const bare = `{"summary":"${'x'.repeat(1_100_000)}"}`;
    await writeFile(file, [huge, '{"_id":"next","_source":{"n":1}}', bare, '{"n":2}'].join('\n'));
    const problems: EventProblem[] = [];
    const events = await collect(readEventsFile(file, { onProblem: (p) => problems.push(p) }));
    expect(events.map((e) => e._id)).toEqual(['next', 'huge.ndjson:4']);
    expect(problems).toEqual([
      {
        file,
        location: 'line 1',
        message: `event huge refused: ${Buffer.byteLength(huge).toLocaleString('en-US')} bytes is more than the maximum event size of 1,048,576 bytes (maxEventBytes)`,
      },
      {
        file,
        location: 'line 3',
        message:
          'event huge.ndjson:3 refused: 1,100,014 bytes is more than the maximum event size of 1,048,576 bytes (maxEventBytes)',
      },
    ]);
    // The limit is configurable; at the limit exactly, a line is read.
    const limit = Buffer.byteLength('{"n":2}');
    const small = await collect(
      readEventsFile(file, { maxEventBytes: limit, onProblem: () => {} }),
    );
    expect(small.map((e) => e._source)).toEqual([{ n: 2 }]);
  });

  it('splits lines on bytes: multi-byte characters across read chunks, CRLF, no final newline', async () => {
    const file = join(dir, 'utf8.ndjson');
    // Lines of 3-byte characters longer than a read chunk (64 KiB), so chunk boundaries fall
    // inside characters and each line is assembled from many chunks.
    const lines = Array.from({ length: 5 }, (_, i) =>
      JSON.stringify({ _id: `u${i}`, _source: { summary: '€'.repeat(300_000 + i) } }),
    );
    await writeFile(file, lines.join('\r\n'));
    const events = await collect(readEventsFile(file));
    expect(events.map((e) => (e._source['summary'] as string).length)).toEqual([
      300_000, 300_001, 300_002, 300_003, 300_004,
    ]);
    expect(events.every((e) => /^€+$/.test(e._source['summary'] as string))).toBe(true);
  });

  it('keeps the source text of numbers a keyword field indexes (1.0 stays 1.0)', async () => {
    const file = join(dir, 'numbers.ndjson');
    await writeFile(
      file,
      [
        '{"_id":"a","_source":{"details":{"code":"1.0"}}}',
        '{"_id":"b","_source":{"details":{"code":1.0}}}',
        '{"details":{"code":1}}',
      ].join('\n'),
    );
    const store = createEmbeddedStore({
      mapping: {
        mappings: { properties: { details: { properties: { code: { type: 'keyword' } } } } },
      },
    });
    await ingestEventFiles(store, [file]);
    const hits = await store.search({
      criteria: {
        query: { type: 'bool', must: [{ type: 'term', field: 'details.code', value: '1.0' }] },
      },
      now: new Date(),
    });
    expect(hits.hits.map((e) => e._id)).toEqual(['a', 'b']);
  });

  it('sizes the store once from the files and the first batch, and trims it when all are read', async () => {
    const sized = join(dir, 'sized');
    await mkdir(sized);
    const lines = Array.from({ length: 5000 }, (_, i) =>
      JSON.stringify({ _id: `s${i}`, _source: { summary: `event ${i}`, n: i % 10 } }),
    );
    await writeFile(join(sized, 'a.ndjson'), lines.slice(0, 3000).join('\n') + '\n');
    await writeFile(join(sized, 'b.ndjson'), lines.slice(3000).join('\n') + '\n');
    const store = createEmbeddedStore();
    const calls: string[] = [];
    const target = {
      ingest: store.ingest.bind(store),
      reserve: (expected: number) => {
        calls.push(`reserve ${expected}`);
        return store.reserve(expected);
      },
      compact: () => {
        calls.push('compact');
        store.compact();
      },
    };
    expect(await ingestEventFiles(target, [sized])).toEqual({ read: 5000, rejected: 0 });
    expect(calls.at(-1)).toBe('compact');
    const reserves = calls.filter((call) => call.startsWith('reserve'));
    expect(reserves).toHaveLength(1);
    // Both files of the directory, at the first batch's size per event.
    const expected = Number(reserves[0]?.split(' ')[1]);
    expect(expected).toBeGreaterThan(4500);
    expect(expected).toBeLessThan(5500);
    expect(store.size).toBe(5000);
  });

  it('sizes the store again, at the rate since, when the first batch was larger than the average', async () => {
    const file = join(dir, 'uneven.ndjson');
    // The first batch's events are ten times the size of the rest: the first estimate is short.
    const lines = Array.from({ length: 5000 }, (_, i) =>
      JSON.stringify({ _id: `u${i}`, _source: { summary: 'x'.repeat(i < 250 ? 600 : 40) } }),
    );
    await writeFile(file, lines.join('\n') + '\n');
    const store = createEmbeddedStore();
    const reserves: number[] = [];
    let outgrown = 0; // batches that found the store without room for them
    const target = {
      ingest: (events: StoredEvent[], options?: { owned?: boolean }) => {
        if (store.size + events.length > (reserves.at(-1) ?? Infinity)) outgrown++;
        return store.ingest(events, options);
      },
      reserve: (expected: number) => {
        reserves.push(expected);
        return store.reserve(expected);
      },
      compact: () => store.compact(),
    };
    expect(await ingestEventFiles(target, [file])).toEqual({ read: 5000, rejected: 0 });
    // Short after the first batch, then sized again at the rate of the events since (at most
    // doubling each time), before the store outgrew it.
    expect(reserves[0]).toBeLessThan(1000);
    expect(reserves.length).toBeGreaterThan(2);
    expect(reserves.length).toBeLessThan(6);
    for (let r = 1; r < reserves.length; r++)
      expect(reserves[r]).toBeGreaterThan(reserves[r - 1] as number);
    expect(reserves.at(-1)).toBeGreaterThanOrEqual(5000);
    expect(reserves.at(-1)).toBeLessThan(5250);
    expect(outgrown).toBe(0);
    expect(store.size).toBe(5000);
  });

  it('does not let a run of tiny lines make the store reserve for far more events than come', async () => {
    const file = join(dir, 'tiny.ndjson');
    const event = (i: number, summary: string): string =>
      JSON.stringify({ _id: `n${i}`, _source: { summary } });
    // Large first events (a short first estimate), then tiny lines just when the store is sized
    // again, then ordinary ones.
    const lines = [
      ...Array.from({ length: 250 }, (_, i) => event(i, 'x'.repeat(600))),
      ...Array.from({ length: 2000 }, () => '{}'),
      ...Array.from({ length: 20_000 }, (_, i) => event(250 + i, `ordinary event ${i}`)),
    ];
    await writeFile(file, lines.join('\n') + '\n');
    const { reserves, target } = reservingStore();
    expect(await ingestEventFiles(target, [file])).toEqual({ read: 22_250, rejected: 0 });
    // At the rate of the tiny lines, the rest of the file would be ~200,000 events.
    expect(reserves.length).toBeGreaterThan(1);
    expect(Math.max(...reserves)).toBeLessThanOrEqual(2 * 22_250);
  });

  it('does not let tiny first lines size the store for a huge load at once', async () => {
    const file = join(dir, 'tiny-head.ndjson');
    const lines = [
      ...Array.from({ length: 250 }, () => '{}'),
      ...Array.from({ length: 1000 }, (_, i) =>
        JSON.stringify({ _id: `h${i}`, _source: { n: i } }),
      ),
    ];
    await writeFile(file, lines.join('\n') + '\n');
    const { store, reserves, target } = reservingStore();
    // As if the file were the head of a 1 GB load: at 3 bytes an event, 333M events.
    expect(await ingestParts(target, [file], 1e9)).toEqual({ read: 1250, rejected: 0 });
    expect(reserves[0]).toBe(1 << 20);
    expect(store.size).toBe(1250);
  });

  it('lets the store compress its full blocks between reads, not only at the end', async () => {
    const file = join(dir, 'blocks.ndjson');
    // ~1.5 MB: two dozen read chunks and ~30 blocks of sources.
    const lines = Array.from({ length: 8000 }, (_, i) =>
      JSON.stringify({ _id: `b${i}`, _source: { summary: `event ${i} `.padEnd(160, 'x') } }),
    );
    await writeFile(file, lines.join('\n') + '\n');
    const store = createEmbeddedStore();
    let most = 0; // the most uncompressed source bytes held at once
    const target = {
      ingest: (events: StoredEvent[], options?: { owned?: boolean }) => {
        most = Math.max(most, store.index.sources.byteSizes().text);
        return store.ingest(events, options);
      },
    };
    expect(await ingestEventFiles(target, [file])).toEqual({ read: 8000, rejected: 0 });
    // Without a turn of the event loop between reads, every block would still be text here.
    const size = lines.reduce((sum, line) => sum + line.length + 1, 0);
    expect(most).toBeGreaterThan(0);
    expect(most).toBeLessThan(size / 2);
  });
});
