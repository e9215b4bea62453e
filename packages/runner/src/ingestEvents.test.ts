import { mkdir, mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StoredEvent } from '@alertkit/core';
import { createEmbeddedStore, type EmbeddedStore } from '@alertkit/query';
import { type IngestEventFilesOptions, ingestEventFiles } from './ingestEvents.js';
import { type EventProblem, type IngestTarget, ingestParts } from './readEvents.js';

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

async function load(paths: string[], options: IngestEventFilesOptions): Promise<Load> {
  const store = createEmbeddedStore();
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
    const searched = async (store: EmbeddedStore) =>
      (
        await store.search({
          criteria: {
            query: { type: 'bool', must: [{ type: 'term', field: 'summary', value: 'event' }] },
            window: { hours: 1 },
          },
          now: new Date('2026-01-01T00:40:00Z'),
        })
      ).hits.map((hit) => hit._id);
    expect(await searched(two.store)).toEqual(await searched(one.store));
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
