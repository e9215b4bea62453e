import { describe, expect, it } from 'vitest';
import { createEmbeddedStore } from './embeddedStore.js';
import {
  MOZDEF_EVENTS_MAPPING,
  loadMapping,
  mozdefEventsMapping,
  parseMapping,
} from './mapping.js';

describe('parseMapping', () => {
  it('reads MozDef template (Elasticsearch 6 typed form) with its explicit types', () => {
    const mapping = parseMapping(MOZDEF_EVENTS_MAPPING);
    expect(mapping.get('summary')?.type).toBe('text');
    expect(mapping.get('hostname')?.type).toBe('keyword');
    expect(mapping.get('utctimestamp')?.type).toBe('date');
    expect(mapping.get('details')?.type).toBe('object');
    expect(mapping.get('details.sourceipaddress')?.type).toBe('ip');
    expect(mapping.get('details.success')?.type).toBe('boolean');
    expect(mapping.get('details.requestparameters.logstreamname.raw_value')?.type).toBe('keyword');
    expect(mapping.dateDetection).toBe(false);
    expect(mapping.leavesUnder('details.apiversion')).toEqual(['details.apiversion.raw_value']);
  });

  it('maps unknown strings and numbers to keyword and booleans to boolean, as MozDef template does', () => {
    const mapping = parseMapping(MOZDEF_EVENTS_MAPPING);
    expect(mapping.dynamicMapping('details.program', 'string')).toEqual([
      ['details.program', { type: 'keyword' }],
    ]);
    expect(mapping.dynamicMapping('details.count', 'long')).toEqual([
      ['details.count', { type: 'keyword' }],
    ]);
    expect(mapping.dynamicMapping('details.ratio', 'double')).toEqual([
      ['details.ratio', { type: 'keyword' }],
    ]);
    expect(mapping.dynamicMapping('details.ok', 'boolean')).toEqual([
      ['details.ok', { type: 'boolean' }],
    ]);
  });

  it('reads the typeless form and a bare properties object', () => {
    expect(parseMapping({ mappings: { properties: { a: { type: 'ip' } } } }).get('a')?.type).toBe(
      'ip',
    );
    expect(parseMapping({ properties: { a: { type: 'long' } } }).get('a')?.type).toBe('long');
    expect(
      parseMapping({ template: { mappings: { properties: { a: { type: 'date' } } } } }).get('a')
        ?.type,
    ).toBe('date');
  });

  it('applies Elasticsearch defaults without templates: text + keyword sub-field, long, float, date detection', () => {
    const mapping = parseMapping({ mappings: {} });
    expect(mapping.dateDetection).toBe(true);
    expect(mapping.dynamicMapping('msg', 'string')).toEqual([
      ['msg', { type: 'text', subFields: ['msg.keyword'] }],
      ['msg.keyword', { type: 'keyword', ignoreAbove: 256 }],
    ]);
    expect(mapping.dynamicMapping('n', 'long')[0]?.[1].type).toBe('long');
    expect(mapping.dynamicMapping('x', 'double')[0]?.[1].type).toBe('float');
  });

  it('uses the first matching dynamic template, by match, path_match and match_mapping_type', () => {
    const mapping = parseMapping({
      mappings: {
        dynamic_templates: [
          { ips: { path_match: 'net.*', match_mapping_type: 'string', mapping: { type: 'ip' } } },
          { ids: { match: '*_id', mapping: { type: 'keyword' } } },
          {
            rest: {
              match_mapping_type: 'string',
              mapping: { type: 'text', fields: { raw: { type: 'keyword' } } },
            },
          },
        ],
      },
    });
    expect(mapping.dynamicMapping('net.src', 'string')[0]?.[1].type).toBe('ip');
    expect(mapping.dynamicMapping('user_id', 'long')[0]?.[1].type).toBe('keyword');
    expect(mapping.dynamicMapping('note', 'string').map(([path, f]) => [path, f.type])).toEqual([
      ['note', 'text'],
      ['note.raw', 'keyword'],
    ]);
  });

  it("gives each caller its own copy of a template's mapping (they are computed once)", () => {
    const mapping = parseMapping({
      mappings: {
        dynamic_templates: [
          { s: { match: 'x*', mapping: { type: 'text', fields: { raw: { type: 'keyword' } } } } },
        ],
      },
    });
    const first = mapping.dynamicMapping('xa', 'string');
    first[0]?.[1].subFields?.push('changed');
    (first[1] as [string, { type: string }])[1].type = 'long';
    expect(mapping.dynamicMapping('xa', 'string')).toEqual([
      ['xa', { type: 'text', subFields: ['xa.raw'] }],
      ['xa.raw', { type: 'keyword' }],
    ]);
    // Another path or kind is its own entry.
    expect(mapping.dynamicMapping('xb', 'long')).toEqual([
      ['xb', { type: 'text', subFields: ['xb.raw'] }],
      ['xb.raw', { type: 'keyword' }],
    ]);
    // No template matches: the default mapping.
    expect(mapping.dynamicMapping('y', 'long')).toEqual([['y', { type: 'long' }]]);
  });

  it("shares MozDef's fields between stores, each growing its own", () => {
    const pristine = mozdefEventsMapping();
    const count = pristine.fieldCount;
    const a = createEmbeddedStore();
    const b = createEmbeddedStore();
    a.ingest([{ _index: 'events', _id: '1', _source: { details: { onlyina: 'x' } } }]);
    b.ingest([{ _index: 'events', _id: '1', _source: { details: { onlyinb: 3 } } }]);
    expect(a.mapping.get('details.onlyina')?.type).toBe('keyword');
    expect(a.mapping.get('details.onlyinb')).toBeUndefined();
    expect(b.mapping.get('details.onlyinb')?.type).toBe('keyword');
    expect(a.mapping.fieldCount).toBe(count + 1);
    expect(mozdefEventsMapping().fieldCount).toBe(count);
    expect(mozdefEventsMapping().get('details.onlyina')).toBeUndefined();
    // A clone's fields in mapping order: MozDef's, then its own.
    const paths = a.mapping.state().fields.map(([path]) => path);
    expect(paths.at(-1)).toBe('details.onlyina');
    expect(paths).toHaveLength(count + 1);
    expect(a.mapping.leafFields()).toContain('details.onlyina');
    // The shared fields cannot be changed through a clone.
    expect(() => {
      (a.mapping.get('summary') as { type: string }).type = 'keyword';
    }).toThrow(TypeError);
    expect(() =>
      parseMapping({ mappings: {} })
        .freeze()
        .add([['x', { type: 'long' }]]),
    ).toThrow(/frozen/);
  });

  it('names what is wrong', () => {
    expect(() => parseMapping({ properties: { a: { type: 'wat' } } })).toThrow(
      /property a has unsupported type "wat"/,
    );
    expect(() => parseMapping([])).toThrow(/expected a JSON object/);
    expect(() => loadMapping('{')).toThrow(/not valid JSON/);
    expect(() => parseMapping({ properties: { a: { type: 'nested' } } })).toThrow(
      /nested is not supported/,
    );
  });
});

describe('copies of a mapping', () => {
  it('grow apart: a clone has the fields and templates, and dynamic fields stay in the store that mapped them', () => {
    const text = {
      mappings: { properties: { a: { type: 'text', fields: { raw: { type: 'keyword' } } } } },
    };
    const original = parseMapping(text);
    const copy = original.clone();
    expect(copy.get('a')).toEqual({ type: 'text', subFields: ['a.raw'] });
    copy.get('a')?.subFields?.push('a.other');
    copy.add([['b', { type: 'keyword' }]]);
    expect(original.get('a')?.subFields).toEqual(['a.raw']);
    expect(original.get('b')).toBeUndefined();
    // Default stores share MozDef's parsed template, never the fields they map.
    const first = createEmbeddedStore();
    first.ingest([{ _index: 'events', _id: '1', _source: { brandnew: 'x' } }]);
    expect(first.mapping.get('brandnew')?.type).toBe('keyword');
    expect(createEmbeddedStore().mapping.get('brandnew')).toBeUndefined();
    expect(createEmbeddedStore().mapping.dynamicMapping('details.n', 'long')).toEqual([
      ['details.n', { type: 'keyword' }],
    ]);
  });
});
