import { describe, expect, it } from 'vitest';
import { cidrContains, cidrFromRange, parseCidr } from './cidr.js';

describe('parseCidr (strict, as Python ipaddress)', () => {
  it('gives the first and last address of IPv4 and IPv6 blocks', () => {
    expect(parseCidr('10.0.0.0/8')).toEqual({
      version: 4,
      network: '10.0.0.0',
      prefixLength: 8,
      first: '10.0.0.0',
      last: '10.255.255.255',
    });
    expect(parseCidr('0.0.0.0/0')).toMatchObject({ first: '0.0.0.0', last: '255.255.255.255' });
    expect(parseCidr('10.1.1.7')).toMatchObject({
      prefixLength: 32,
      first: '10.1.1.7',
      last: '10.1.1.7',
    });
    expect(parseCidr('2001:DB8::/32')).toEqual({
      version: 6,
      network: '2001:db8::',
      prefixLength: 32,
      first: '2001:db8::',
      last: '2001:db8:ffff:ffff:ffff:ffff:ffff:ffff',
    });
    expect(parseCidr('::1')).toMatchObject({ prefixLength: 128, first: '::1', last: '::1' });
    expect(parseCidr('10.0.0.0/255.255.0.0')).toMatchObject({
      prefixLength: 16,
      last: '10.0.255.255',
    });
  });

  it('refuses host bits, bad prefixes and non-addresses', () => {
    expect(() => parseCidr('10.0.0.1/8')).toThrow('host bits are set (the network is 10.0.0.0/8)');
    expect(() => parseCidr('2001:db8::1/32')).toThrow(
      'host bits are set (the network is 2001:db8::/32)',
    );
    expect(() => parseCidr('10.0.0.0/-1')).toThrow('prefix length must be an integer from 0 to 32');
    expect(() => parseCidr('::/129')).toThrow('prefix length must be an integer from 0 to 128');
    expect(() => parseCidr('10.0.0.0/255.0.255.0')).toThrow('prefix length');
    expect(() => parseCidr('010.0.0.0/8')).toThrow('is not an IPv4 or IPv6 address');
    expect(() => parseCidr('10.1/16')).toThrow('is not an IPv4 or IPv6 address');
    expect(() => parseCidr('fe80::1%eth0')).toThrow('is not an IPv4 or IPv6 address');
    expect(() => parseCidr('10.0.0.0/8 OR *')).toThrow('not a valid CIDR');
  });
});

describe('cidrFromRange and cidrContains', () => {
  it('finds the block of an aligned range only', () => {
    expect(cidrFromRange('10.0.0.0', '10.255.255.255')).toMatchObject({
      network: '10.0.0.0',
      prefixLength: 8,
    });
    expect(cidrFromRange('2001:db8::', '2001:db8::ffff')).toMatchObject({ prefixLength: 112 });
    expect(cidrFromRange('10.0.0.1', '10.0.0.9')).toBeUndefined();
    expect(cidrFromRange('10.0.0.0', '::1')).toBeUndefined();
    expect(cidrFromRange('a', 'b')).toBeUndefined();
  });

  it('tests membership, IPv4-mapped IPv6 counting as IPv4', () => {
    const block = parseCidr('10.1.1.0/24');
    expect(['10.1.1.1', '10.1.1.200', '10.1.1.255'].map((ip) => cidrContains(block, ip))).toEqual([
      true,
      true,
      true,
    ]);
    expect(['10.1.2.1', '8.1.1.2', 'nonsense', '::1'].map((ip) => cidrContains(block, ip))).toEqual(
      [false, false, false, false],
    );
    expect(cidrContains(block, '::ffff:10.1.1.9')).toBe(true);
    expect(cidrContains(parseCidr('2001:db8::/32'), '2001:db8:1::5')).toBe(true);
  });
});
