import type { Clause, JsonObject, StoredEvent } from '@alertkit/core';
import { describe, expect, it } from 'vitest';
import { TermColumn } from './columns.js';
import { createEmbeddedStore } from './embeddedStore.js';
import { sortByTime } from './eventIndex.js';

const doc = (id: string, summary: string | string[]): StoredEvent => ({
  _index: 'events',
  _id: id,
  _source: { summary },
});

async function ids(events: StoredEvent[], clause: Clause): Promise<string[]> {
  const store = createEmbeddedStore({ events });
  const { hits } = await store.search({
    criteria: { query: { type: 'bool', must: [clause] } },
    now: new Date(),
  });
  return hits.map((hit) => hit._id);
}

describe('token positions of a text column', () => {
  it('are implicit while every value is single, explicit from the first multi-valued one on, with the same phrase answers', async () => {
    const events = [
      doc('single-1', 'Failed password for root'),
      doc('single-2', 'password failed'),
      // The gap between values: "failed" ends one value, "password" starts the next.
      doc('multi', ['session failed', 'password reset for root']),
      doc('single-3', 'failed password again'),
    ];
    const phrase = (value: string, slop = 0): Clause => ({
      type: 'phrase',
      field: 'summary',
      value,
      ...(slop ? { slop } : {}),
    });
    const before = createEmbeddedStore({ events: events.slice(0, 2) });
    expect(before.index.columns.get('summary')).toBeInstanceOf(TermColumn);
    expect((before.index.columns.get('summary') as TermColumn).positions).toBeUndefined();
    const after = createEmbeddedStore({ events });
    const column = after.index.columns.get('summary') as TermColumn;
    expect(column.positions).toBeInstanceOf(Int32Array);
    expect(column.positionsOf(0)).toEqual([0, 1, 2, 3]);
    expect(column.positionsOf(2)).toEqual([0, 1, 102, 103, 104, 105]);

    expect(await ids(events, phrase('failed password'))).toEqual(['single-1', 'single-3']);
    expect(await ids(events, phrase('password for root'))).toEqual(['single-1']);
    expect(await ids(events, phrase('reset for root'))).toEqual(['multi']);
    // Sloppy: "password failed" within 2 moves; never across the 100-position gap.
    expect(await ids(events, phrase('failed password', 2))).toEqual([
      'single-1',
      'single-2',
      'single-3',
    ]);
    // The same answers while positions are implicit (no multi-valued document).
    const singles = events.filter((e) => e._id !== 'multi');
    expect(await ids(singles, phrase('failed password'))).toEqual(['single-1', 'single-3']);
    expect(await ids(singles, phrase('password for root'))).toEqual(['single-1']);
    expect(await ids(singles, phrase('failed password', 2))).toEqual([
      'single-1',
      'single-2',
      'single-3',
    ]);
  });
});

describe('two-token phrases in bool clauses (the batch filters)', () => {
  it('match and exclude like a scan of the tokens, with implicit and explicit positions', async () => {
    let seed = 5;
    const random = () => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32;
    const words = ['failed', 'password', 'invalid', 'user', 'root'];
    const summaries = Array.from({ length: 400 }, () =>
      Array.from(
        { length: 1 + Math.floor(random() * 6) },
        () => words[Math.floor(random() * 5)] as string,
      ),
    );
    const adjacent = (tokens: string[], a: string, b: string) =>
      tokens.some((t, i) => t === a && tokens[i + 1] === b);
    const clause: Clause = {
      type: 'bool',
      must: [{ type: 'phrase', field: 'summary', value: 'failed password' }],
      mustNot: [{ type: 'phrase', field: 'summary', value: 'invalid user' }],
    };
    const expected = summaries
      .map((tokens, i) => [tokens, `e${i}`] as const)
      .filter(([t]) => adjacent(t, 'failed', 'password') && !adjacent(t, 'invalid', 'user'))
      .map(([, id]) => id);
    expect(expected.length).toBeGreaterThan(10);
    const events = summaries.map((tokens, i) => doc(`e${i}`, tokens.join(' ')));
    expect(await ids(events, clause)).toEqual(expected);
    // One multi-valued document switches the column to explicit positions: same answers.
    const withMulti = [...events, doc('multi', ['failed', 'password'])];
    expect(await ids(withMulti, clause)).toEqual(expected);
  });
});

describe('the time index of a window field', () => {
  it('finds documents with one time, several times or none, in and out of order, as a scan of their times does', () => {
    const at = (minute: number) => new Date(Date.UTC(2026, 0, 1, 0, minute)).toISOString();
    const times: (number | number[] | undefined)[] = [1, 2, [3, 30], undefined, 4, 50, 5, [6, 7]];
    const events: StoredEvent[] = times.map((t, i) => {
      const source: JsonObject = { summary: 'an event' };
      if (t !== undefined) source.utctimestamp = Array.isArray(t) ? t.map(at) : at(t);
      return { _index: 'events', _id: `e${i}`, _source: source };
    });
    const store = createEmbeddedStore({ events });
    for (const [from, to] of [
      [0, 10],
      [3, 4],
      [25, 35],
      [6, 6],
      [45, 60],
    ] as const) {
      const expected = times.flatMap((t, i) =>
        t !== undefined && [t].flat().some((m) => m >= from && m <= to) ? [i] : [],
      );
      const found = store.index.windowDocs(Date.parse(at(from)), Date.parse(at(to)));
      expect([from, to, Array.from(found)]).toEqual([from, to, expected]);
    }
  });
});

describe('sortByTime (the time index of events out of order)', () => {
  it('sorts like a stable sort by time, from any runs', () => {
    let seed = 9;
    const random = () => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32;
    const shapes = [
      'random',
      'runs',
      'sorted',
      'reversed',
      'ties',
      'days',
      'shuffled days',
      'touching days',
    ] as const;
    // Days: runs that do not overlap, newest first (as files read newest first), in no order,
    // or each starting at the time the one before it (in time) ends.
    const dayOrder = [7, 2, 9, 0, 4, 8, 1, 5, 3, 6];
    for (const shape of shapes) {
      const size = 1000;
      const times = new Float64Array(size + 24); // spare room, as the index keeps
      const docs = new Int32Array(size + 24);
      for (let i = 0; i < size; i++) {
        times[i] =
          shape === 'random'
            ? Math.floor(random() * 500)
            : shape === 'runs'
              ? (i % 97) * 10 + Math.floor(i / 97)
              : shape === 'sorted'
                ? i
                : shape === 'reversed'
                  ? size - i
                  : shape === 'days'
                    ? (9 - Math.floor(i / 100)) * 1000 + (i % 100) * 3
                    : shape === 'shuffled days'
                      ? (dayOrder[Math.floor(i / 100)] as number) * 1000 + (i % 100) * 3
                      : shape === 'touching days'
                        ? (9 - Math.floor(i / 100)) * 99 + (i % 100)
                        : i % 3;
        docs[i] = i;
      }
      const expected = Array.from({ length: size }, (_, i) => i).sort(
        (a, b) => (times[a] as number) - (times[b] as number) || a - b,
      );
      const original = times.slice();
      // The arrays given are reused as scratch: the sorted ones are the ones returned.
      const [sortedTimes, sortedDocs] = sortByTime(times, docs, size);
      expect([shape, Array.from(sortedDocs.subarray(0, size))]).toEqual([shape, expected]);
      expect(Array.from(sortedTimes.subarray(0, size))).toEqual(expected.map((i) => original[i]));
    }
  });
});
