import { describe, expect, it } from 'vitest';
import { mostCommon } from './mostCommon.js';
import {
  addHostnameToIp,
  hostnameFromIp,
  isPrivateIp,
  mozdefMockReverseDns,
  reverseDnsFromTable,
} from './reverseDns.js';
import { getValueByPath, isPyTruthy, valueByPath } from './valueByPath.js';

const hit = (ip: string, user: string) => ({
  _index: 'events',
  _id: ip + user,
  _source: { details: { sourceipaddress: ip, user } },
});

describe('mostCommon', () => {
  it('counts values along a dotted path, most common first, ties in first-seen order', () => {
    const events = [
      hit('1.1.1.1', 'a'),
      hit('2.2.2.2', 'b'),
      hit('2.2.2.2', 'c'),
      hit('3.3.3.3', 'd'),
      hit('1.1.1.1', 'e'),
      hit('4.4.4.4', 'f'),
    ];
    expect(mostCommon(events, '_source.details.sourceipaddress')).toEqual([
      { value: '1.1.1.1', count: 2 },
      { value: '2.2.2.2', count: 2 },
      { value: '3.3.3.3', count: 1 },
      { value: '4.4.4.4', count: 1 },
    ]);
  });

  it('keeps MozDef quirks: key paths compare as sets, 443 and "443" stay apart, missing paths are skipped', () => {
    const docs = [
      { hostname: { _source: 'swapped' } },
      { _source: { hostname: 'h1' } },
      { port: 443 },
      { port: '443' },
      { other: 1 },
    ];
    expect(mostCommon(docs, '_source.hostname')).toEqual([
      { value: 'swapped', count: 1 },
      { value: 'h1', count: 1 },
    ]);
    expect(mostCommon(docs, 'port')).toEqual([
      { value: 443, count: 1 },
      { value: '443', count: 1 },
    ]);
    expect(mostCommon([], 'x')).toEqual([]);
  });

  it('compares key sets, so a repeated key matches too; null and lists are values, undefined is not', () => {
    const docs = [
      { details: { details: 'a' } },
      { details: 'b' },
      { details: { x: { details: 'c' } } },
      { details: { details: { details: 'd' } } },
    ];
    expect(mostCommon(docs, 'details.details')).toEqual([
      { value: 'a', count: 1 },
      { value: 'b', count: 1 },
      { value: 'd', count: 1 },
    ]);
    const mixed = [
      { a: { b: null } },
      { b: { a: [1] } },
      { a: { b: undefined } },
      { a: { b: {} } },
    ];
    expect(mostCommon([...mixed, null, 'x', [{ a: { b: 1 } }]], 'a.b')).toEqual([
      { value: null, count: 1 },
      { value: [1], count: 1 },
    ]);
  });
});

describe('valueByPath / getValueByPath', () => {
  const doc = { details: { user: 'bob', empty: '', nested: { n: 0 } }, list: [1] };
  it('walks dotted paths', () => {
    expect(valueByPath(doc, 'details.user')).toBe('bob');
    expect(valueByPath(doc, 'details.nested.n')).toBe(0);
    expect(valueByPath(doc, 'details.missing')).toBeUndefined();
    expect(valueByPath(doc, 'list.0')).toBeUndefined();
    expect(valueByPath(doc, 'details.user.length')).toBeUndefined();
  });
  it('MozDef variant yields {} for a missing key, which is falsy in Python', () => {
    expect(getValueByPath(doc, 'details.missing')).toEqual({});
    expect(getValueByPath(doc, 'details.user')).toBe('bob');
    expect(isPyTruthy(getValueByPath(doc, 'details.missing'))).toBe(false);
    expect(isPyTruthy(getValueByPath(doc, 'details.empty'))).toBe(false);
    expect(isPyTruthy([])).toBe(false);
    expect(isPyTruthy('x')).toBe(true);
    expect(isPyTruthy({ a: 1 })).toBe(true);
  });
});

describe('reverse DNS helpers', () => {
  it('knows private addresses as netaddr does', () => {
    for (const ip of [
      '10.2.3.4',
      '172.16.0.1',
      '172.31.255.255',
      '192.168.1.1',
      '100.64.0.1',
      '169.254.1.1',
      'fd00::1',
      'fe80::1',
    ]) {
      expect(isPrivateIp(ip), ip).toBe(true);
    }
    for (const ip of [
      '8.8.8.8',
      '172.32.0.1',
      '127.0.0.1',
      '2001:db8::1',
      'not-an-ip',
      '10.0.0.256',
    ]) {
      expect(isPrivateIp(ip), ip).toBe(false);
    }
  });

  it('resolves through the injected resolver, null on failure', async () => {
    expect(await hostnameFromIp('10.2.3.4', mozdefMockReverseDns)).toBe(
      'mock_hostname1.mozilla.org',
    );
    expect(await hostnameFromIp('1.2.3.4', mozdefMockReverseDns)).toBe('mock.mozilla.org');
    expect(await hostnameFromIp('1.2.3.4', reverseDnsFromTable({}))).toBeNull();
    expect(
      await hostnameFromIp('1.2.3.4', () => {
        throw new Error('ENOTFOUND');
      }),
    ).toBeNull();
    expect(await hostnameFromIp('1.2.3.4', () => Promise.reject(new Error('timeout')))).toBeNull();
  });

  it('adds the host name to private addresses only, unless told otherwise', async () => {
    const resolve = reverseDnsFromTable({ '10.2.3.4': 'db.internal', '8.8.8.8': 'dns.google' });
    expect(await addHostnameToIp('10.2.3.4', { resolve })).toBe('10.2.3.4 (db.internal)');
    expect(await addHostnameToIp('8.8.8.8', { resolve })).toBe('8.8.8.8');
    expect(
      await addHostnameToIp('8.8.8.8', { resolve, requireInternal: false, format: '{1}/{0}' }),
    ).toBe('dns.google/8.8.8.8');
    expect(await addHostnameToIp('10.9.9.9', { resolve })).toBe('10.9.9.9');
  });
});
