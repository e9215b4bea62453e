import { mkdtemp, rm, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StoredEvent } from '@alertkit/core';
import { readEvents, readEventsFile, type EventProblem } from './readEvents.js';

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
});
