import { mkdtemp, rm, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StoredEvent } from '@alertkit/core';
import { createEmbeddedStore } from '@alertkit/query';
import { ingestEventFiles, readEvents, readEventsFile, type EventProblem } from './readEvents.js';

let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'alertkit-events-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

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
    const progress: number[] = [];
    const report = await ingestEventFiles(store, [file], {
      onRejected: (r) => refused.push(r._id),
      onProgress: (n) => progress.push(n),
      progressEvery: 4_000,
    });
    expect(report).toEqual({ read: 10_005, rejected: 2 });
    expect(refused).toEqual(['e3', 'e10002']);
    expect(progress).toEqual([4_000, 8_000]);
    expect(store.size).toBe(10_003);
  });
});
