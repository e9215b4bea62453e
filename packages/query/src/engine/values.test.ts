import { describe, expect, it } from 'vitest';
import {
  compareCodePoints,
  parseBoolean,
  parseCidr,
  parseDateInterval,
  parseDateStart,
  parseIp,
  parseIpOrCidr,
  parseNumber,
} from './values.js';

const ms = (iso: string): number => Date.parse(iso);

describe('parseDateStart (the fast path of ingest)', () => {
  it('agrees with parseDateInterval on the common shape and on everything around it', () => {
    const values: unknown[] = [
      '2017-09-14T20:05:20.299387+00:00',
      '2017-09-14T20:05:20+00:00',
      '2017-09-14T20:05:20Z',
      '2017-09-14T20:05:20.1Z',
      '2017-09-14T20:05:20.12Z',
      '2017-09-14T20:05:20.123456789Z',
      '2017-09-14T20:05:20.1234567890Z', // 10 fraction digits: not a date
      '2017-09-14T20:05:20.Z',
      '2017-09-14T20:05:20,5Z',
      '2016-12-31T19:30:00-04:30',
      '2016-12-31T19:30:00-0430',
      '2017-01-01T00:00:00+18:00',
      '2017-01-01T00:00:00+19:00',
      '2017-01-01T00:00:00+05:60',
      '2016-02-29T00:00:00Z',
      '2017-02-29T00:00:00Z',
      '2000-02-29T00:00:00Z',
      '1900-02-29T00:00:00Z',
      '2017-04-31T00:00:00Z',
      '2017-13-01T00:00:00Z',
      '2017-00-01T00:00:00Z',
      '2017-01-00T00:00:00Z',
      '2017-01-01T24:00:00Z',
      '2017-01-01T23:60:00Z',
      '2017-01-01T23:59:60Z',
      '0099-01-01T00:00:00.000Z',
      '2017-01-01t00:00:00Z',
      '2017-01-01T00:00:00ZZ',
      '2017/01/01T00:00:00Z',
      '2017-01-01T0a:00:00Z',
      '2017-01-01',
      '2017-01-01T10:05',
      '1793534340000',
      1793534340000.7,
      '',
      true,
    ];
    for (const value of values)
      expect([value, parseDateStart(value)]).toEqual([value, parseDateInterval(value)?.start]);
  });
});

describe('parseDateInterval (dateOptionalTime)', () => {
  it('reads digits that are not a date as epoch milliseconds (the default format ends in ||epoch_millis)', () => {
    expect(parseDateInterval('1793534340000')).toEqual({
      start: 1793534340000,
      end: 1793534340000,
    });
    expect(parseDateInterval('17935343400000000000000')).toBeUndefined();
    expect(parseDateInterval('12a')).toBeUndefined();
  });

  it('reads offsets, Z and no zone (UTC) to the same instant', () => {
    expect(parseDateInterval('2017-01-01T01:00:00+01:00')?.start).toBe(ms('2017-01-01T00:00:00Z'));
    expect(parseDateInterval('2017-01-01T00:00:00Z')?.start).toBe(ms('2017-01-01T00:00:00Z'));
    expect(parseDateInterval('2017-01-01T00:00:00')?.start).toBe(ms('2017-01-01T00:00:00Z'));
    expect(parseDateInterval('2016-12-31T19:30:00-0430')?.start).toBe(ms('2017-01-01T00:00:00Z'));
  });

  it('spans the precision the text names', () => {
    expect(parseDateInterval('2017-01-01')).toEqual({
      start: ms('2017-01-01T00:00:00Z'),
      end: ms('2017-01-01T23:59:59.999Z'),
    });
    expect(parseDateInterval('2017-01-01T10:05')).toEqual({
      start: ms('2017-01-01T10:05:00Z'),
      end: ms('2017-01-01T10:05:59.999Z'),
    });
    expect(parseDateInterval('2017-01-01T10:05:03')).toEqual({
      start: ms('2017-01-01T10:05:03Z'),
      end: ms('2017-01-01T10:05:03.999Z'),
    });
    expect(parseDateInterval('2017-02')).toEqual({
      start: ms('2017-02-01T00:00:00Z'),
      end: ms('2017-02-28T23:59:59.999Z'),
    });
    expect(parseDateInterval('2016')?.end).toBe(ms('2016-12-31T23:59:59.999Z'));
  });

  it('cuts fractions to milliseconds (microseconds of Python isoformat)', () => {
    expect(parseDateInterval('2017-01-01T00:00:12.316450+00:00')).toEqual({
      start: ms('2017-01-01T00:00:12.316Z'),
      end: ms('2017-01-01T00:00:12.316Z'),
    });
    expect(parseDateInterval('2017-01-01T00:00:12.5Z')?.start).toBe(ms('2017-01-01T00:00:12.500Z'));
  });

  it('takes epoch milliseconds as numbers', () => {
    expect(parseDateInterval(1483228800000)?.start).toBe(ms('2017-01-01T00:00:00Z'));
  });

  it('refuses what is not a date', () => {
    for (const bad of [
      '',
      'yesterday',
      '2017-13-01',
      '2017-02-30',
      '2017-01-01 00:00:00',
      '2017-01-01T25:00',
      '01/01/2017',
      true,
    ]) {
      expect(parseDateInterval(bad), String(bad)).toBeUndefined();
    }
  });
});

describe('IPs', () => {
  it('parses IPv4 and IPv6 to one sortable key, IPv4-mapped IPv6 as IPv4', () => {
    expect(parseIp('10.1.2.3')).toEqual({
      display: '10.1.2.3',
      key: '00000000000000000000ffff0a010203',
    });
    expect(parseIp('::ffff:10.1.2.3')?.display).toBe('10.1.2.3');
    expect(parseIp('2001:DB8:0:0:0:0:0:1')?.display).toBe('2001:db8::1');
    expect((parseIp('9.255.255.255')?.key ?? '') < (parseIp('10.0.0.0')?.key ?? '')).toBe(true);
  });

  it('refuses what Elasticsearch refuses (hostnames, short and octal forms)', () => {
    for (const bad of [
      '-',
      '',
      'host.example.com',
      '10.1',
      '1.2.3.256',
      '0x0a.0.0.1',
      'fe80::1%eth0',
      42,
    ])
      expect(parseIp(bad), String(bad)).toBeUndefined();
  });

  it('turns a CIDR into its first and last address', () => {
    expect(parseCidr('10.1.1.0/24')).toEqual({
      lowKey: parseIp('10.1.1.0')?.key,
      highKey: parseIp('10.1.1.255')?.key,
    });
    expect(parseCidr('2001:db8::/126')).toEqual({
      lowKey: parseIp('2001:db8::')?.key,
      highKey: parseIp('2001:db8::3')?.key,
    });
    expect(parseCidr('10.0.0.1/8')?.lowKey).toBe(parseIp('10.0.0.0')?.key);
    expect(parseCidr('10.0.0.1/8', true)).toBeUndefined();
    expect(parseCidr('10.0.0.0/33')).toBeUndefined();
    expect(parseIpOrCidr('10.0.0.7')).toEqual({
      lowKey: parseIp('10.0.0.7')?.key,
      highKey: parseIp('10.0.0.7')?.key,
    });
  });
});

describe('booleans and numbers', () => {
  it('reads Elasticsearch booleans', () => {
    expect([true, 'true', false, 'false', ''].map(parseBoolean)).toEqual([
      true,
      true,
      false,
      false,
      false,
    ]);
    expect(parseBoolean('yes')).toBeUndefined();
    expect(parseBoolean(1)).toBeUndefined();
  });

  it('coerces numeric strings', () => {
    expect(parseNumber('42')).toBe(42);
    expect(parseNumber(' 1.5 ')).toBe(1.5);
    expect(parseNumber('abc')).toBeUndefined();
    expect(parseNumber('')).toBeUndefined();
  });
});

describe('compareCodePoints', () => {
  it('orders astral characters after U+E000..U+FFFF, as UTF-8 bytes do', () => {
    expect('\u{1F600}' < '\uFFFD').toBe(true); // UTF-16 order
    expect(compareCodePoints('\u{1F600}', '\uFFFD')).toBeGreaterThan(0);
    expect(compareCodePoints('a', 'b')).toBeLessThan(0);
    expect(compareCodePoints('ab', 'a')).toBeGreaterThan(0);
    expect(compareCodePoints('Z', 'a')).toBeLessThan(0);
  });
});

describe('parseDateInterval for years before 100', () => {
  it('does not read them as 19xx', () => {
    expect(new Date(parseDateInterval('0050-06-01')?.start ?? 0).getUTCFullYear()).toBe(50);
  });
});
