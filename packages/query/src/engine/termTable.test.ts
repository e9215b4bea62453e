import { describe, expect, it } from 'vitest';
import { TermColumn } from './columns.js';
import { TermTable } from './termTable.js';

/** Interns every term through a table and a Map side by side; returns the table. */
function internAll(terms: string[], hash?: (term: string) => number): TermTable {
  const list: string[] = [];
  const table = new TermTable(list, hash);
  const expected = new Map<string, number>();
  for (const term of terms) {
    const id = table.intern(term);
    if (id === list.length) list.push(term);
    if (!expected.has(term)) expected.set(term, expected.size);
    expect(id).toBe(expected.get(term));
  }
  for (const [term, id] of expected) expect(table.get(term)).toBe(id);
  expect(table.get('never interned')).toBe(-1);
  return table;
}

describe('TermTable', () => {
  it('gives each distinct term one id, in order of first sight, as a Map does', () => {
    const terms: string[] = [];
    for (let i = 0; i < 20_000; i++) terms.push(`t${(i * 7919) % 6000}`, '', 'ß', `${i % 3}`);
    const table = internAll(terms);
    expect(table.degraded).toBe(false);
  });

  it('moves to a Map when terms are made to collide, and still gives the same ids', () => {
    const terms = Array.from({ length: 600 }, (_, i) => `x${i % 400}`);
    expect(internAll(terms, () => 7).degraded).toBe(true);
  });

  it('keeps every id through a reserve, before, between and after terms', () => {
    const list: string[] = [];
    const table = new TermTable(list);
    const add = (term: string): number => {
      const id = table.intern(term);
      if (id === list.length) list.push(term);
      return id;
    };
    table.reserve(10);
    for (let i = 0; i < 1000; i++) expect(add(`t${i}`)).toBe(i);
    table.reserve(5000);
    table.reserve(3); // less than there are: nothing to do
    for (let i = 0; i < 6000; i++) expect(add(`t${i % 3000}`)).toBe(i % 3000);
    for (let i = 0; i < 3000; i++) expect(table.get(`t${i}`)).toBe(i);
    expect(table.get('t3000')).toBe(-1);
  });

  it('leaves a table moved to a Map as it is on reserve', () => {
    const table = internAll(
      Array.from({ length: 600 }, (_, i) => `x${i}`),
      () => 7,
    );
    table.reserve(100_000);
    expect(table.degraded).toBe(true);
    expect(table.get('x599')).toBe(599);
  });

  it('is what a column interns with', () => {
    const column = new TermColumn('keyword');
    expect(['a', 'b', 'a', 'c', 'b'].map((term) => column.intern(term))).toEqual([0, 1, 0, 2, 1]);
    expect(column.terms).toEqual(['a', 'b', 'c']);
    expect(column.idOf('c')).toBe(2);
    expect(column.idOf('d')).toBe(-1);
  });
});
