import type { Criteria, JsonObject, StoredEvent } from '@alertkit/core';
import { describe, expect, it } from 'vitest';
import { seededRandom } from '../../test/seededRandom.js';
import { TermColumn } from './columns.js';
import { type EmbeddedStore, createEmbeddedStore } from './embeddedStore.js';
import { IndexMapping, parseMapping } from './mapping.js';

// A bulk load split in two: one store indexes the first events, another (a worker's) the
// rest, and its segment is appended. The result must be the store that indexing every event
// in order gives, or, where it would not be, the append must refuse and change nothing.

const NOW = new Date('2026-01-02T00:00:00Z');

/**
 * Events with what the columns must carry across: one and several terms, text with implicit
 * and (arrays) explicit positions, numbers and several numbers, dates out of order, fields
 * only some events have, and dynamic fields that only appear late.
 */
function corpus(count: number, from: number, seed: number): StoredEvent[] {
  const next = seededRandom(seed);
  const pick = <T>(values: readonly T[]): T => values[Math.floor(next() * values.length)] as T;
  const events: StoredEvent[] = [];
  for (let i = from; i < from + count; i++) {
    const source: JsonObject = {
      utctimestamp: new Date(NOW.getTime() - Math.floor(next() * 7_200_000)).toISOString(),
      category: pick(['syslog', 'authentication', 'bro']),
      hostname: `host${Math.floor(next() * 40)}.example.com`,
      summary: pick([
        `Failed password for user${i % 17} from 10.0.0.${i % 9} port ${1000 + i}`,
        'session opened for user root',
        `pam_unix(sshd:session): session closed for user${i % 5}`,
      ]),
      details: {
        sourceipaddress: `10.${i % 3}.0.${i % 250}`,
        success: next() < 0.5,
        sourceport: Math.floor(next() * 65_535),
      },
    };
    if (next() < 0.3) source.receivedtimestamp = new Date(NOW.getTime() - 1000 * i).toISOString();
    if (next() < 0.2) source.tags = ['a', pick(['b', 'c', 'd'])];
    if (next() < 0.15) source.notes = ['first note', `second note ${i % 4}`];
    if (next() < 0.1) (source.details as JsonObject).bytes = [i, i * 2];
    if (i >= 500 && next() < 0.3) (source.details as JsonObject)[`late${i % 3}`] = `value ${i}`;
    events.push({ _index: i % 7 === 0 ? 'other' : 'events', _id: `e${i}`, _source: source });
  }
  return events;
}

/** The second store's events indexed apart (from the first's mapping at the split) and appended. */
async function appended(
  first: StoredEvent[],
  second: StoredEvent[],
  mapping?: Record<string, unknown>,
): Promise<{ store: EmbeddedStore; ok: boolean }> {
  const store = createEmbeddedStore(mapping ? { mapping } : {});
  const start = store.mapping.state();
  store.ingest(first);
  const worker = createEmbeddedStore({ mapping: IndexMapping.fromState(start) });
  worker.ingest(second);
  const { segment, transfer } = await worker.segment();
  // What crossing to another thread does to it: copied, or moved for the transferred buffers.
  const moved = structuredClone(segment, { transfer });
  return { store, ok: store.appendSegment(moved) };
}

/** Everything a query can read of a store, by term text rather than id. */
function contents(store: EmbeddedStore): unknown {
  const index = store.index;
  const columns: Record<string, unknown[]> = {};
  for (const [path, column] of [...index.columns].sort(([a], [b]) => a.localeCompare(b))) {
    const values: unknown[] = [];
    for (let doc = 0; doc < index.size; doc++) {
      if (column instanceof TermColumn)
        values.push([column.termIdsOf(doc).map((id) => column.terms[id]), column.positionsOf(doc)]);
      else values.push(column.valuesOf(doc));
    }
    columns[path] = values;
  }
  const mapping = store.mapping.state().fields;
  return { size: index.size, mapping, columns, events: [...index.allEvents()] };
}

const queries: Criteria[] = [
  { query: { type: 'bool' }, window: { minutes: 30 } },
  {
    query: {
      type: 'bool',
      must: [{ type: 'phrase', field: 'summary', value: 'failed password' }],
    },
    window: { hours: 2 },
  },
  {
    query: { type: 'bool', must: [{ type: 'term', field: 'category', value: 'syslog' }] },
    window: { hours: 1 },
    aggregation: { field: 'details.sourceipaddress', threshold: 2, samples: 2 },
  },
];

async function answers(store: EmbeddedStore): Promise<unknown[]> {
  const out: unknown[] = [];
  for (const criteria of queries) {
    const { aggregation } = criteria;
    if (aggregation) {
      const result = await store.aggregate({ criteria: { ...criteria, aggregation }, now: NOW });
      out.push(result);
    } else {
      const result = await store.search({ criteria, now: NOW });
      out.push(result.hits.map((hit) => hit._id));
    }
  }
  return out;
}

describe('appending a segment indexed apart', () => {
  it('gives the store that indexing every event in order gives, and grows on after it', async () => {
    // 300 + 700: the first store's last block of sources is part full when the other's follow.
    const first = corpus(300, 0, 1);
    const second = corpus(700, 300, 2);
    const sequential = createEmbeddedStore({ events: [...first, ...second] });
    const { store, ok } = await appended(first, second);
    expect(ok).toBe(true);
    expect(contents(store)).toEqual(contents(sequential));
    const expected = await answers(sequential);
    // Each query finds something (from both parts), so the comparison says something.
    for (const answer of expected) expect(JSON.stringify(answer).length).toBeGreaterThan(100);
    expect(await answers(store)).toEqual(expected);

    // Events added after the append land after the segment's.
    const more = corpus(300, 1000, 3);
    store.ingest(more);
    sequential.ingest(more);
    expect(contents(store)).toEqual(contents(sequential));
    expect(await answers(store)).toEqual(await answers(sequential));
  });

  it('makes exactly the room the segment needs when the store has too little', async () => {
    // As at the end of a load whose estimate was short: the store has room for 300 + 500.
    const first = corpus(300, 0, 1);
    const second = corpus(700, 300, 2);
    const store = createEmbeddedStore({ events: first });
    store.reserve(480);
    const worker = createEmbeddedStore({ events: second });
    const { segment, transfer } = await worker.segment();
    expect(store.appendSegment(structuredClone(segment, { transfer }))).toBe(true);
    // Grown to the 1,000 documents, not by half (and then trimmed by compact).
    for (const [path, column] of store.index.columns)
      expect([path, column.single.length]).toEqual([path, 1000]);
    expect(contents(store)).toEqual(
      contents(createEmbeddedStore({ events: [...first, ...second] })),
    );
  });

  it('is adopted whole by an empty store (a load read back), which then grows on', async () => {
    const events = corpus(1000, 0, 4);
    const sequential = createEmbeddedStore({ events });
    const { segment } = await createEmbeddedStore({ events }).segment();
    const copy = structuredClone(segment);
    const store = createEmbeddedStore();
    expect(store.appendSegment(copy, { adopt: true })).toBe(true);
    expect(contents(store)).toEqual(contents(sequential));
    expect(await answers(store)).toEqual(await answers(sequential));
    // The columns took the segment's arrays rather than copies.
    const summary = store.index.columns.get('summary') as TermColumn;
    const given = copy.columns.find(([path]) => path === 'summary')?.[1];
    expect(given?.kind === 'terms' && given.pool).toBe(summary.pool);

    const more = corpus(300, 1000, 5);
    store.ingest(more);
    sequential.ingest(more);
    expect(contents(store)).toEqual(contents(sequential));
    expect(await answers(store)).toEqual(await answers(sequential));
  });

  it('carries the sorted time lists of a compacted store, which a store adopting it keeps', async () => {
    const events = corpus(1000, 0, 6); // times out of order; receivedtimestamp on some only
    const sequential = createEmbeddedStore({ events });
    const source = createEmbeddedStore({ events });
    // Not sorted yet: nothing to carry (the adopting store builds its lists as before).
    expect((await source.segment()).segment.times).toEqual([]);
    source.compact();
    const { segment } = await source.segment();
    expect(segment.times?.map(([field]) => field)).toEqual(['utctimestamp', 'receivedtimestamp']);
    for (const [, list] of segment.times ?? []) {
      expect(list.times.length).toBe(list.docs.length);
      expect([...list.times]).toEqual([...list.times].sort((a, b) => a - b));
    }
    const copy = structuredClone(segment);
    const store = createEmbeddedStore();
    expect(store.appendSegment(copy, { adopt: true })).toBe(true);
    // Kept as given: the store's own segment hands back the same arrays.
    const again = (await store.segment()).segment.times ?? [];
    expect(again[0]?.[1].times.buffer).toBe(copy.times?.[0]?.[1].times.buffer);
    const windows = (s: EmbeddedStore): number[][] => {
      const out: number[][] = [];
      for (let end = 0; end <= 8; end++)
        for (const span of [60_000, 1_800_000, 7_200_000]) {
          const to = NOW.getTime() - end * 900_000;
          out.push([...s.index.windowDocs(to - span, to)]);
        }
      return out;
    };
    expect(windows(store)).toEqual(windows(sequential));
    expect(await answers(store)).toEqual(await answers(sequential));
    // Events after it, older and newer, land in the lists as in any store.
    const more = corpus(200, 1000, 7);
    store.ingest(more);
    sequential.ingest(more);
    expect(windows(store)).toEqual(windows(sequential));
  });

  it('carries explicit positions either way round', async () => {
    // Arrays of text (explicit positions) only in the first part, then only in the second.
    const plain = (i: number): StoredEvent => ({
      _index: 'events',
      _id: `p${i}`,
      _source: { utctimestamp: NOW.toISOString(), summary: `one two three ${i}` },
    });
    const arrays = (i: number): StoredEvent => ({
      _index: 'events',
      _id: `a${i}`,
      _source: { utctimestamp: NOW.toISOString(), summary: ['one two', `three ${i}`] },
    });
    for (const [a, b] of [
      [plain, arrays],
      [arrays, plain],
    ] as const) {
      const first = Array.from({ length: 20 }, (_, i) => a(i));
      const second = Array.from({ length: 20 }, (_, i) => b(i));
      const { store, ok } = await appended(first, second);
      expect(ok).toBe(true);
      expect(contents(store)).toEqual(
        contents(createEmbeddedStore({ events: [...first, ...second] })),
      );
    }
  });

  it('refuses, changing nothing, an _id the store already holds', async () => {
    const first = corpus(50, 0, 4);
    const second = corpus(50, 49, 5); // e49 in both
    const { store, ok } = await appended(first, second);
    expect(ok).toBe(false);
    expect(contents(store)).toEqual(contents(createEmbeddedStore({ events: first })));
  });

  it('refuses a field mapped differently in each part', async () => {
    const at = (id: string, value: string | number): StoredEvent => ({
      _index: 'events',
      _id: id,
      _source: { utctimestamp: NOW.toISOString(), details: { code: value } },
    });
    // In order, the second event would be indexed as text "7", not mapped as a long.
    // Default dynamic mapping (MozDef's maps every `details` field as keyword).
    const { store, ok } = await appended([at('x', 'abc')], [at('y', 7)], { mappings: {} });
    expect(ok).toBe(false);
    expect(store.size).toBe(1);
    expect(store.mapping.get('details.code')?.type).toBe('text');
  });

  it('refuses when both parts together map more fields than the limit', async () => {
    const mapping = { settings: { 'index.mapping.total_fields.limit': 5 }, mappings: {} };
    const limits = parseMapping(mapping).limits;
    expect(limits.totalFields).toBe(5);
    const at = (id: string, key: string): StoredEvent => ({
      _index: 'events',
      _id: id,
      _source: { [key]: 1, [`${key}2`]: 2, [`${key}3`]: 3 },
    });
    const first = [at('x', 'a')];
    const second = [at('y', 'b')];
    const { store, ok } = await appended(first, second, mapping);
    expect(ok).toBe(false);
    expect(store.mapping.fieldCount).toBe(3);
    // In order, the second event is refused for the limit.
    const sequential = createEmbeddedStore({ mapping, events: [] });
    expect(sequential.ingest([...first, ...second]).rejected).toHaveLength(1);
  });
});
