import { describe, expect, it } from 'vitest';
import { IdTable } from './idTable.js';

describe('IdTable', () => {
  it('finds every document by _index and _id, as a Map does, through growth', () => {
    const indexes: string[] = [];
    const ids: string[] = [];
    const table = new IdTable();
    const expected = new Map<string, number>();
    // Ids that differ by one character, the same id in two indexes, and an empty id.
    const key = (i: number): [string, string] => [
      i % 3 === 0 ? 'events' : 'events-2',
      i % 7 === 0 ? `e${i >> 1}` : `id-${i}-${'x'.repeat(i % 5)}`,
    ];
    for (let i = 0; i < 5000; i++) {
      const [index, id] = key(i);
      const known = expected.get(`${index}\u0000${id}`);
      expect(table.get(index, id)).toBe(known);
      if (known !== undefined) continue;
      const doc = ids.length;
      indexes.push(index);
      ids.push(id);
      table.claim(index, id, doc);
      expected.set(`${index}\u0000${id}`, doc);
    }
    indexes.push('events');
    ids.push('');
    table.claim('events', '', ids.length - 1);
    expected.set('events\u0000', ids.length - 1);
    for (const [composite, doc] of expected) {
      const [index, id] = composite.split('\u0000') as [string, string];
      expect(table.get(index, id)).toBe(doc);
    }
    expect(table.get('events', 'missing')).toBeUndefined();
    expect(table.get('other', 'e0')).toBeUndefined();
    expect(table.get('', 'events')).toBeUndefined();
  });
});

describe('IdTable.reserve', () => {
  it('makes room in one index, new or not, and every id still finds its document', () => {
    const table = new IdTable();
    table.claim('events', 'a', 0);
    table.reserve('events', 3000);
    table.reserve('other', 2); // an index with no id yet
    for (let doc = 1; doc <= 3000; doc++) table.claim('events', `e${doc}`, doc);
    table.claim('other', 'a', 3001);
    expect(table.get('events', 'a')).toBe(0);
    for (let doc = 1; doc <= 3000; doc++) expect(table.get('events', `e${doc}`)).toBe(doc);
    expect(table.get('other', 'a')).toBe(3001);
    expect([...table.indexes()]).toEqual(['events', 'other']);
    // More than was reserved still grows.
    for (let doc = 3002; doc < 6000; doc++) table.claim('other', `o${doc}`, doc);
    expect(table.get('other', 'o5999')).toBe(5999);
  });
});

describe('IdTable under colliding ids', () => {
  it('moves to a Map when probes run long, and still finds everything', () => {
    const ids: string[] = [];
    // Every key hashes alike: what ids crafted against a known hash would do.
    const table = new IdTable(() => 42);
    for (let doc = 0; doc < 500; doc++) {
      ids.push(`x${doc}`);
      table.claim('events', `x${doc}`, doc);
    }
    expect(table.degraded).toBe(true);
    for (let doc = 0; doc < 500; doc++) expect(table.get('events', `x${doc}`)).toBe(doc);
    expect(table.get('events', 'x500')).toBeUndefined();
    ids.push('late');
    table.claim('events', 'late', 500);
    expect(table.get('events', 'late')).toBe(500);
  });

  it('stays a table for ordinary ids', () => {
    const ids = Array.from({ length: 50_000 }, (_, i) => `${i}`);
    const table = new IdTable();
    ids.forEach((id, doc) => table.claim('events', id, doc));
    expect(table.degraded).toBe(false);
    expect(table.get('events', '49999')).toBe(49_999);
  });
});

describe('IdTable.claim', () => {
  it('records a new id under the document given and returns the stored one for a known id', () => {
    const table = new IdTable();
    const expected = new Map<string, number>();
    let next = 0;
    // Ids seen again (every third repeats an earlier one), in two indexes, through growth.
    for (let i = 0; i < 3000; i++) {
      const index = i % 2 === 0 ? 'events' : 'other';
      const id = i % 3 === 0 ? `e${i >> 2}` : `id-${i}`;
      const known = expected.get(`${index}/${id}`);
      const doc = table.claim(index, id, next);
      if (known === undefined) {
        expect(doc).toBe(next);
        expected.set(`${index}/${id}`, next++);
      } else expect(doc).toBe(known);
    }
    for (const [key, doc] of expected) {
      const [index, id] = key.split('/') as [string, string];
      expect(table.get(index, id)).toBe(doc);
    }
    // A claim of a known id changes nothing.
    expect(table.claim('events', 'e0', 99_999)).toBe(expected.get('events/e0'));
    expect(table.get('events', 'e0')).toBe(expected.get('events/e0'));
  });
});
