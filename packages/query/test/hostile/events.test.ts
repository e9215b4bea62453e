import type { JsonObject, StoredEvent } from '@alertkit/core';
import { describe, expect, it } from 'vitest';
import { createEmbeddedStore, parseEventJson } from '../../src/index.js';

/**
 * Hostile events (issue 18, ingest rows): what Elasticsearch refuses is refused here too, with
 * the event and the reason, and the events after it still load. Big inputs are generated here.
 */

const event = (id: string, _source: JsonObject): StoredEvent => ({
  _index: 'events',
  _id: id,
  _source,
});

/** `{"a":{"a":...{"a":1}...}}`, `depth` objects deep, as JSON text (no recursion). */
function nestedObjectsJson(depth: number): string {
  return `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`;
}

function ingestLines(lines: string[], mapping?: Record<string, unknown>) {
  const store = createEmbeddedStore(mapping ? { mapping } : {});
  const report = store.ingest(
    lines.map((line, i) => {
      // A bare event is its own `_source` (as the events reader does).
      const parsed = parseEventJson(line) as JsonObject;
      return '_source' in parsed
        ? ({ _index: 'events', _id: `line${i}`, ...parsed } as StoredEvent)
        : event(`line${i}`, parsed);
    }),
    { owned: true },
  );
  const refused = report.rejected.map((r) => `${r._id}@${r.position}: ${r.error.message}`);
  return { store, refused };
}

const normal = '{"_index":"events","_id":"normal","_source":{"hostname":"web1","summary":"ok"}}';

describe('hostile events: Elasticsearch indexing limits', () => {
  it('one event nested 100,000 objects deep is refused (mapping depth limit 20); the next one is indexed', () => {
    const deep = `{"_index":"events","_id":"deep","_source":${nestedObjectsJson(100_000)}}`;
    const { store, refused } = ingestLines([deep, normal]);
    expect(refused).toEqual([
      expect.stringMatching(
        /^deep@0: event events\/deep: refused at "(a\.){19}a": Limit of mapping depth \[20\] has been exceeded due to object field/,
      ),
    ]);
    expect(store.size).toBe(1);
    expect(store.index.event(0)?._id).toBe('normal');
  });

  it('objects 19 deep are accepted, 20 refused (the root counts: depth = dots + 2, MapperService); the index setting raises the limit', () => {
    const at = (depth: number) =>
      `{"_index":"events","_id":"d${depth}","_source":{"x":${nestedObjectsJson(depth)}}}`;
    expect(ingestLines([at(19)]).refused).toEqual([]);
    expect(ingestLines([at(20)]).refused).toEqual([
      expect.stringContaining('Limit of mapping depth [20]'),
    ]);
    const raised = { settings: { index: { mapping: { depth: { limit: 30 } } } }, mappings: {} };
    expect(ingestLines([at(25)], raised).refused).toEqual([]);
  });

  it('arrays nested 100,000 deep are refused (the parser nesting limit) without a stack overflow', () => {
    const arrays = `{"_id":"arrays","_index":"events","_source":{"tags":${'['.repeat(100_000)}"x"${']'.repeat(100_000)}}}`;
    const { store, refused } = ingestLines([arrays, normal]);
    expect(refused).toEqual([
      expect.stringContaining('Document nesting depth (1001) exceeds the maximum allowed (1000)'),
    ]);
    expect(store.size).toBe(1);
  });

  it('an event with 5,000 distinct fields is refused (total fields 1,000); the mapping can raise the limit', () => {
    const fields: JsonObject = {};
    for (let i = 0; i < 5000; i++) fields[`field${i}`] = i;
    const store = createEmbeddedStore();
    const report = store.ingest([event('wide', fields), event('after', { hostname: 'web1' })]);
    expect(report.rejected.map((r) => r.error.message)).toEqual([
      expect.stringMatching(
        /^event events\/wide: refused at "field\d+": Limit of total fields \[1000\] has been exceeded while adding new fields \[\d+\]$/,
      ),
    ]);
    expect(report.indexed).toBe(1);
    // Nothing of the refused event leaked into the mapping.
    expect(store.mapping.get('field0')).toBeUndefined();

    const raised = createEmbeddedStore({
      mapping: { settings: { 'index.mapping.total_fields.limit': 6000 }, mappings: {} },
    });
    expect(raised.ingest([event('wide', fields)]).rejected).toEqual([]);
    expect(raised.mapping.fieldCount).toBe(5000);
  });

  it('the total fields limit counts the whole mapping, so the 1,001st field is refused across events', () => {
    const store = createEmbeddedStore({ mapping: { mappings: {} } });
    const half = (from: number): JsonObject =>
      Object.fromEntries(Array.from({ length: 500 }, (_, i) => [`f${from + i}`, true]));
    expect(store.ingest([event('a', half(0)), event('b', half(500))]).rejected).toEqual([]);
    expect(store.ingest([event('c', { one: 'more' })]).rejected).toHaveLength(1);
    expect(store.ingest([event('d', { f1: false })]).rejected).toEqual([]);
  });

  it('a keyword term over 32,766 UTF-8 bytes is refused (immense term); ignore_above still skips it first', () => {
    const mapping = {
      mappings: {
        properties: {
          k: { type: 'keyword' },
          capped: { type: 'keyword', ignore_above: 256 },
        },
      },
    };
    const store = createEmbeddedStore({ mapping });
    const report = store.ingest([
      event('limit', { k: 'x'.repeat(32_766) }),
      event('over', { k: 'x'.repeat(32_767) }),
      // 10,923 three-byte characters: 32,769 bytes though only 10,923 UTF-16 units.
      event('wide-chars', { k: '€'.repeat(10_923) }),
      event('capped', { capped: 'x'.repeat(100_000) }),
    ]);
    expect(report.rejected.map((r) => `${r._id}: ${r.error.message}`)).toEqual([
      expect.stringMatching(/^over: .*immense term in field="k".*got 32767$/),
      expect.stringMatching(/^wide-chars: .*immense term in field="k".*got 32769$/),
    ]);
    expect(report.indexed).toBe(2);
  });

  it('a text value of any length is indexed (its tokens are short), its keyword sub-field skipped by ignore_above', () => {
    const store = createEmbeddedStore({ mapping: { mappings: {} } });
    const report = store.ingest([event('long', { note: 'word '.repeat(20_000) })]);
    expect(report.rejected).toEqual([]);
  });

  it('a refused value is shown cut short in the error', () => {
    const store = createEmbeddedStore();
    const report = store.ingest([
      event('huge-ip', { details: { sourceipaddress: 'z'.repeat(1_000_000) } }),
    ]);
    const message = report.rejected[0]?.error.message ?? '';
    expect(message).toContain('"details.sourceipaddress" cannot hold "zzz');
    expect(message.length).toBeLessThan(400);
  });
});

describe('hostile events: numbers keep their JSON source text in keyword fields', () => {
  const mapping = {
    mappings: {
      properties: { code: { type: 'keyword' }, note: { type: 'text' }, n: { type: 'double' } },
    },
  };

  function termsOf(line: string, field: string): string[] {
    const { store } = ingestLines([line], mapping);
    const column = store.index.columns.get(field);
    if (!column || !('terms' in column)) return [];
    return column.termIdsOf(0).map((id) => column.terms[id] as string);
  }

  it.each([
    ['1.0', ['1.0']],
    ['1e3', ['1e3']],
    ['1E+3', ['1E+3']],
    ['-0', ['-0']],
    ['12345678901234567890', ['12345678901234567890']],
    ['1.5', ['1.5']],
    ['42', ['42']],
    ['[1.0, 2, 3.50]', ['1.0', '2', '3.50']],
    ['[[1.0], "x", 2.0]', ['1.0', 'x', '2.0']],
  ])('keyword value %s is indexed as %j', (json, terms) => {
    expect(termsOf(`{"_index":"events","_id":"n","_source":{"code":${json}}}`, 'code')).toEqual(
      terms,
    );
    // A bare event (no `_source` wrapper) too.
    expect(termsOf(`{"code":${json}}`, 'code')).toEqual(terms);
  });

  it('follows the field through objects in arrays, escaped keys and other fields', () => {
    const line =
      '{"_source":{"summary":"ratio:1.0, n:2.0","x":[{"code":"a"},{"code":10.0}],"c\\u006fde":1e2,"n":7.50}}';
    const withX = ingestLines([line], {
      mappings: {
        properties: {
          code: { type: 'keyword' },
          n: { type: 'keyword' },
          x: { properties: { code: { type: 'keyword' } } },
        },
      },
    });
    const terms = (field: string) => {
      const column = withX.store.index.columns.get(field);
      return column && 'terms' in column
        ? column.termIdsOf(0).map((id) => column.terms[id] as string)
        : [];
    };
    expect(terms('x.code')).toEqual(['a', '10.0']);
    expect(terms('code')).toEqual(['1e2']);
    expect(terms('n')).toEqual(['7.50']);
  });

  it('a text field analyses the source text; a numeric field keeps the number', () => {
    expect(termsOf('{"note":1.0}', 'note')).toEqual(['1.0']);
    const { store } = ingestLines(['{"n":1.0}'], mapping);
    const column = store.index.columns.get('n');
    expect(column && 'valuesOf' in column ? column.valuesOf(0) : []).toEqual([1]);
  });

  it('the event itself is unchanged: the texts are not part of its JSON', () => {
    const parsed = parseEventJson('{"_id":"n","_source":{"code":1.0}}');
    expect(JSON.stringify(parsed)).toBe('{"_id":"n","_source":{"code":1}}');
    expect(structuredClone(parsed)).toEqual({ _id: 'n', _source: { code: 1 } });
  });
});
