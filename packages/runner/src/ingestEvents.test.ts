import { mkdir, mkdtemp, readdir, rm, stat, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StoredEvent } from '@alertkit/core';
import { createEmbeddedStore, type EmbeddedStore } from '@alertkit/query';
import { type IngestEventFilesOptions, ingestEventFiles } from './ingestEvents.js';
import { readCachedLoad } from './indexCache.js';
import { type EventProblem, type IngestTarget, ingestParts } from './readEvents.js';
import { blockCodecs } from '../test/blockCodecs.js';

let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'alertkit-ingest-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Lines of every kind a file can hold: full and bare events, refused and malformed ones. */
function lines(prefix: string, count: number): string[] {
  const out: string[] = [];
  for (let i = 0; i < count; i++) {
    const source = {
      utctimestamp: new Date(Date.UTC(2026, 0, 1, 0, 0, i)).toISOString(),
      summary: `${prefix} event ${i} from 10.0.0.${i % 7}`,
      details: {
        sourceipaddress: i % 97 === 5 ? 'not-an-ip' : `10.0.${i % 3}.${i % 250}`,
        sourceport: i % 11 === 0 ? 1.0 : 1000 + i,
        [`${prefix}${i % 4}`]: i,
      },
    };
    if (i % 113 === 7) out.push('{"not json');
    else if (i % 131 === 9) out.push('');
    else if (i % 3 === 0) out.push(JSON.stringify(source));
    else out.push(JSON.stringify({ _index: 'events', _id: `${prefix}${i}`, _source: source }));
  }
  return out;
}

interface Load {
  result: { read: number; rejected: number };
  problems: EventProblem[];
  rejected: string[];
  notes: string[];
  progress: number[];
  store: EmbeddedStore;
}

async function load(
  paths: string[],
  options: IngestEventFilesOptions,
  store: EmbeddedStore = createEmbeddedStore(),
): Promise<Load> {
  const problems: EventProblem[] = [];
  const rejected: string[] = [];
  const notes: string[] = [];
  const progress: number[] = [];
  const result = await ingestEventFiles(store, paths, {
    ...options,
    onProblem: (problem) => problems.push(problem),
    onRejected: (r) =>
      rejected.push(`${r._index}/${r._id} ${r.file}: ${r.location}: ${r.error.message}`),
    onNote: (note) => notes.push(note),
    onProgress: (read) => progress.push(read),
    progressEvery: 500,
  });
  return { result, problems, rejected, notes, progress, store };
}

function contents(store: EmbeddedStore): unknown {
  return { events: [...store.index.allEvents()], mapping: store.mapping.state().fields };
}

/** The documents in windows of one to five minutes across the files' twenty minutes. */
function windows(store: EmbeddedStore): number[][] {
  const out: number[][] = [];
  for (let minute = 0; minute <= 21; minute += 3)
    for (const span of [60_000, 300_000]) {
      const to = Date.UTC(2026, 0, 1, 0, minute);
      out.push([...store.index.windowDocs(to - span, to)]);
    }
  return out;
}

/** The ids a window query over the files' events finds. */
async function searched(store: EmbeddedStore): Promise<string[]> {
  const { hits } = await store.search({
    criteria: {
      query: { type: 'bool', must: [{ type: 'term', field: 'summary', value: 'event' }] },
      window: { hours: 1 },
    },
    now: new Date('2026-01-01T00:40:00Z'),
  });
  return hits.map((hit) => hit._id);
}

describe('loading on two threads', () => {
  it('gives the store, reports and progress of loading on one', async () => {
    const files = join(dir, 'two');
    await mkdir(files);
    await writeFile(join(files, 'a.ndjson'), lines('a', 900).join('\n') + '\n');
    // CRLF and no final newline in the second file, where the cut falls.
    await writeFile(join(files, 'b.ndjson'), lines('b', 1500).join('\r\n'));
    const one = await load([files], {});
    const two = await load([files], { parallel: true, parallelMinBytes: 0 });
    expect(two.notes).toHaveLength(1);
    expect(two.notes[0]).toMatch(/^loaded on two threads: [\d,]+ events here, [\d,]+ in a worker$/);
    expect(one.notes).toEqual([]);
    expect(two.result).toEqual(one.result);
    expect(one.result.rejected).toBeGreaterThan(10);
    expect(two.problems).toEqual(one.problems);
    expect(one.problems.length).toBeGreaterThan(10);
    expect(two.rejected).toEqual(one.rejected);
    expect(two.progress).toEqual(one.progress);
    expect(contents(two.store)).toEqual(contents(one.store));
    expect(await searched(two.store)).toEqual(await searched(one.store));
  });

  it("compresses the worker's blocks as the store's own (LZ4 or DEFLATE at its level)", async () => {
    const files = join(dir, 'codecs');
    await mkdir(files);
    await writeFile(join(files, 'a.ndjson'), lines('a', 2400).join('\n') + '\n');
    const blocks = async (store: EmbeddedStore) => {
      const two = await load([files], { parallel: true, parallelMinBytes: 0 }, store);
      expect(two.notes[0]).toMatch(/^loaded on two threads/);
      return blockCodecs(store);
    };
    const lz4 = await blocks(createEmbeddedStore({ codec: 'lz4' }));
    expect(lz4.filter((c) => c === 'lz4').length).toBeGreaterThanOrEqual(7);
    expect(lz4.every((c) => c === 'lz4' || c === 'open')).toBe(true);
    const fast = await blocks(createEmbeddedStore({ codec: 'deflate', compressionLevel: 1 }));
    expect(fast.filter((c) => c === 'deflate 1').length).toBeGreaterThanOrEqual(7);
    expect(fast.every((c) => c === 'deflate 1' || c === 'open')).toBe(true);
    const small = await blocks(createEmbeddedStore());
    expect(small.filter((c) => c === 'deflate 6').length).toBeGreaterThanOrEqual(7);
    expect(small.every((c) => c === 'deflate 6' || c === 'open')).toBe(true);
  });

  it('falls back to one thread for the second half when an _id is in both halves', async () => {
    const file = join(dir, 'dup.ndjson');
    const all = lines('d', 600);
    // The last line repeats the first event's _id: loaded in order, it replaces it.
    all.push(JSON.stringify({ _id: 'd1', _source: { summary: 'replaced' } }));
    await writeFile(file, all.join('\n') + '\n');
    const one = await load([file], {});
    const two = await load([file], { parallel: true, parallelMinBytes: 0 });
    expect(two.notes).toEqual([
      'loading on two threads fell back to one for the second half: its events would not index the same apart (an _id in both halves, or a field mapped differently)',
    ]);
    expect(contents(two.store)).toEqual(contents(one.store));
    expect(two.problems).toEqual(one.problems);
    expect(two.rejected).toEqual(one.rejected);
    expect(two.store.index.event(1)?._source).toEqual({ summary: 'replaced' });
  });
});

describe('reading part of a file', () => {
  it('gives every line to exactly one of two parts, whatever the byte the cut falls on', async () => {
    const file = join(dir, 'cuts.ndjson');
    const text = [
      '{"_id":"a","_source":{"x":"é€"}}',
      '',
      '{"y":1}',
      '{broken',
      '{"_id":"b","_source":{"x":"b"}}\r',
      '{"z":"last, no newline"}',
    ].join('\n');
    await writeFile(file, text);
    const size = (await stat(file)).size;
    const read = async (parts: Parameters<typeof ingestParts>[1]) => {
      const events: StoredEvent[] = [];
      const problems: string[] = [];
      const target: IngestTarget = {
        ingest: (batch) => {
          events.push(...batch);
          return { rejected: [] };
        },
      };
      await ingestParts(target, parts, size, {
        onProblem: (problem) => problems.push(`${problem.location}: ${problem.message}`),
      });
      return { events: events.map((e) => [e._id, e._source]), problems };
    };
    const whole = await read([file]);
    expect(whole.events.map(([id]) => id)).toEqual(['a', 'cuts.ndjson:3', 'b', 'cuts.ndjson:6']);
    expect(whole.problems).toHaveLength(1);
    for (let cut = 0; cut <= size; cut++) {
      const first = await read([{ file, start: 0, end: cut }]);
      const second = await read([{ file, start: cut, end: Number.POSITIVE_INFINITY }]);
      expect({
        cut,
        events: [...first.events, ...second.events],
        problems: [...first.problems, ...second.problems],
      }).toEqual({ cut, ...whole });
    }
  });
});

describe('the index cache', () => {
  const entries = async (cache: string) =>
    (await readdir(cache)).filter((name) => name.endsWith('.alertkit-index'));

  it('reads a load back with the same store and reports, and the store grows on', async () => {
    const file = join(dir, 'cached.ndjson');
    // Newest first: the time index is a sorted list (not the column), which the entry carries.
    await writeFile(file, lines('c', 1200).reverse().join('\n') + '\n');
    const cache = join(dir, 'cache-same');
    const plain = await load([file], {});
    const first = await load([file], { cacheDir: cache });
    expect(first.notes).toEqual([expect.stringMatching(/^saved the load to the index cache in /)]);
    expect(await entries(cache)).toHaveLength(1);
    const second = await load([file], { cacheDir: cache });
    expect(second.notes).toEqual([
      `read ${plain.result.read.toLocaleString('en-US')} events from the index cache in ${cache}`,
    ]);
    for (const again of [first, second]) {
      expect(again.result).toEqual(plain.result);
      expect(again.problems).toEqual(plain.problems);
      expect(again.rejected).toEqual(plain.rejected);
      expect(contents(again.store)).toEqual(contents(plain.store));
      expect(await searched(again.store)).toEqual(await searched(plain.store));
      expect(windows(again.store)).toEqual(windows(plain.store));
    }
    // The entry carries the sorted time list, which the store read back takes as it is.
    const [name] = await entries(cache);
    const entry = await readCachedLoad(cache, (name as string).replace(/\.alertkit-index$/, ''));
    const lists = entry?.segment.times ?? [];
    expect(lists.map(([field]) => field)).toEqual(['utctimestamp']);
    expect(lists[0]?.[1].times.length).toBe(plain.store.size);
    expect(plain.problems.length).toBeGreaterThan(5);
    expect(plain.rejected.length).toBeGreaterThan(5);
    // New events after a saved or cached load index as after a plain one.
    const more: StoredEvent[] = [
      { _index: 'events', _id: 'late', _source: { summary: 'late event', details: { c1: 'x' } } },
    ];
    expect(plain.store.ingest(more).rejected).toEqual([]);
    for (const again of [first, second]) {
      expect(again.store.ingest(more).rejected).toEqual([]);
      expect(contents(again.store)).toEqual(contents(plain.store));
    }
  });

  it('loads a changed file afresh, and replaces an entry it cannot read back', async () => {
    const file = join(dir, 'changing.ndjson');
    await writeFile(file, lines('g', 300).join('\n') + '\n');
    const cache = join(dir, 'cache-changing');
    await load([file], { cacheDir: cache });
    await writeFile(file, lines('g', 310).join('\n') + '\n');
    const changed = await load([file], { cacheDir: cache });
    expect(changed.notes).toEqual([expect.stringMatching(/^saved the load/)]);
    expect(contents(changed.store)).toEqual(contents((await load([file], {})).store));
    // The older entry is kept (two are), the changed file's is read back next time.
    expect(await entries(cache)).toHaveLength(2);
    const hit = `read ${changed.result.read} events from the index cache in ${cache}`;
    expect((await load([file], { cacheDir: cache })).notes).toEqual([hit]);

    // Entries cut short (a full disk, a crash while copying the directory).
    for (const entry of await entries(cache)) {
      const path = join(cache, entry);
      await truncate(path, Math.floor((await stat(path)).size / 2));
    }
    const broken = await load([file], { cacheDir: cache });
    expect(broken.notes[0]).toMatch(
      /^the index cache entry could not be read back \(.+\): loading the files$/,
    );
    expect(broken.notes[1]).toMatch(/^saved the load/);
    expect(contents(broken.store)).toEqual(contents(changed.store));
    expect((await load([file], { cacheDir: cache })).notes).toEqual([hit]);
  });

  it('keeps the newest two entries, and leaves a store that already holds events alone', async () => {
    const cache = join(dir, 'cache-pruned');
    for (const name of ['p1', 'p2', 'p3']) {
      const file = join(dir, `${name}.ndjson`);
      await writeFile(file, lines(name, 50).join('\n') + '\n');
      await load([file], { cacheDir: cache });
    }
    expect(await entries(cache)).toHaveLength(2);
    const p1 = await load([join(dir, 'p1.ndjson')], { cacheDir: cache });
    expect(p1.notes[0]).toMatch(/^saved the load/);
    expect((await load([join(dir, 'p3.ndjson')], { cacheDir: cache })).notes[0]).toMatch(/^read /);

    const store = createEmbeddedStore();
    store.ingest([{ _index: 'events', _id: 'x', _source: { summary: 'before' } }]);
    const notes: string[] = [];
    const other = join(dir, 'cache-unused');
    await ingestEventFiles(store, [join(dir, 'p2.ndjson')], {
      cacheDir: other,
      onNote: (note) => notes.push(note),
    });
    expect(notes).toEqual([]);
    await expect(readdir(other)).rejects.toThrow(/ENOENT/);
  });
});
