import { type StoredEvent, isAlertkitError } from '@alertkit/core';
import { describe, expect, it } from 'vitest';
import { createEmbeddedStore } from './embeddedStore.js';

const event = (id: string, _source: StoredEvent['_source']): StoredEvent => ({
  _index: 'events-20170101',
  _id: id,
  _source,
});

function conflictOf(action: () => void): string {
  try {
    action();
  } catch (error) {
    if (isAlertkitError(error)) return `${error.code}: ${error.message}`;
    throw error;
  }
  return 'accepted';
}

describe('ingest: events Elasticsearch would refuse', () => {
  it('refuses a non-IP in an ip field, naming event, field and value', () => {
    const store = createEmbeddedStore();
    expect(
      conflictOf(() =>
        store.add(event('e1', { details: { sourceipaddress: 'host.example.com' } })),
      ),
    ).toBe(
      'MAPPING_CONFLICT: event events-20170101/e1: field "details.sourceipaddress" cannot hold "host.example.com": not an IP address',
    );
    expect(store.size).toBe(0);
  });

  it('refuses unparsable dates and non-booleans', () => {
    const store = createEmbeddedStore();
    expect(conflictOf(() => store.add(event('e2', { utctimestamp: 'yesterday' })))).toMatch(
      /MAPPING_CONFLICT: .*e2.*"utctimestamp".*"yesterday"/,
    );
    expect(conflictOf(() => store.add(event('e3', { details: { success: 'yes' } })))).toMatch(
      /MAPPING_CONFLICT: .*e3.*"details.success".*"yes"/,
    );
  });

  it('refuses values that conflict with what dynamic mapping already decided', () => {
    const store = createEmbeddedStore();
    store.add(event('a', { details: { flag: true } }));
    expect(conflictOf(() => store.add(event('b', { details: { flag: 'maybe' } })))).toMatch(
      /MAPPING_CONFLICT: .*"details.flag"/,
    );
    store.add(event('c', { details: { user: { name: 'x' } } }));
    expect(conflictOf(() => store.add(event('d', { details: { user: 'x' } })))).toMatch(
      /"details.user".*mapped as an object/,
    );
    expect(conflictOf(() => store.add(event('e', { hostname: { name: 'x' } })))).toMatch(
      /"hostname".*mapped as keyword, not as an object/,
    );
  });

  it('does not change the mapping when it refuses an event', () => {
    const store = createEmbeddedStore();
    expect(
      conflictOf(() => store.add(event('a', { details: { brandnew: 'x', sourceipaddress: '-' } }))),
    ).toMatch(/MAPPING_CONFLICT/);
    expect(store.mapping.get('details.brandnew')).toBeUndefined();
  });

  it('bulk ingest reports and skips refused events', () => {
    const store = createEmbeddedStore();
    const report = store.ingest([
      event('ok1', { summary: 'a' }),
      event('bad', { details: { destinationipaddress: '-' } }),
      event('ok2', { summary: 'b' }),
    ]);
    expect(report.indexed).toBe(2);
    expect(report.rejected.map((r) => [r._id, r.error.code])).toEqual([
      ['bad', 'MAPPING_CONFLICT'],
    ]);
    expect(store.size).toBe(2);
  });

  it('accepts null in typed fields as "absent"', () => {
    const store = createEmbeddedStore();
    expect(
      conflictOf(() =>
        store.add(event('n', { details: { sourceipaddress: null }, utctimestamp: null })),
      ),
    ).toBe('accepted');
  });
});

describe('ingest: dynamic mapping as MozDef template does', () => {
  it('maps unknown strings and numbers to keyword and booleans to boolean', () => {
    const store = createEmbeddedStore();
    store.add(
      event('a', {
        details: { program: 'sshd', port: 22, ratio: 0.5, ok: false, nested: { deep: 'x' } },
      }),
    );
    const types = [
      'details.program',
      'details.port',
      'details.ratio',
      'details.ok',
      'details.nested',
      'details.nested.deep',
    ].map((f) => store.mapping.get(f)?.type);
    expect(types).toEqual(['keyword', 'keyword', 'keyword', 'boolean', 'object', 'keyword']);
  });

  it('follows another mapping: text with a keyword sub-field, and dynamic false', async () => {
    const store = createEmbeddedStore({
      mapping: { mappings: { properties: { meta: { type: 'object', dynamic: false } } } },
    });
    store.add(event('a', { message: 'Hello World', meta: { ignored: 'x' } }));
    expect(store.mapping.get('message')?.type).toBe('text');
    expect(store.mapping.get('message.keyword')?.type).toBe('keyword');
    expect(store.mapping.get('meta.ignored')).toBeUndefined();
    const now = new Date();
    const total = async (field: string, value: string): Promise<number> =>
      (
        await store.search({
          criteria: { query: { type: 'bool', must: [{ type: 'match', field, value }] } },
          now,
        })
      ).total;
    expect(await total('message', 'hello')).toBe(1);
    expect(await total('message.keyword', 'hello')).toBe(0);
    expect(await total('message.keyword', 'Hello World')).toBe(1);
  });

  it('keeps a copy: changing the caller object later does not change the stored event', async () => {
    const store = createEmbeddedStore();
    const source = { hostname: 'a' };
    store.add(event('a', source));
    source.hostname = 'b';
    expect(
      (await store.getEvents([{ _index: 'events-20170101', _id: 'a' }]))[0]?._source.hostname,
    ).toBe('a');
  });
});
