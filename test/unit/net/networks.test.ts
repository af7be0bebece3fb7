// trustedNetworks matching: CIDR blocks for IPv4 and IPv6, mapped addresses, malformed entries refused.
import { describe, expect, it } from 'vitest';
import { NetworkSet } from '../../../src/net/networks.js';

describe('NetworkSet', () => {
  const set = new NetworkSet(['127.0.0.1/32', '10.0.0.0/8', '2001:db8::/32', '192.0.2.7']);

  it('matches addresses inside the blocks only', () => {
    expect(set.has('127.0.0.1')).toBe(true);
    expect(set.has('127.0.0.2')).toBe(false);
    expect(set.has('10.200.3.4')).toBe(true);
    expect(set.has('11.0.0.1')).toBe(false);
    expect(set.has('2001:db8:1::5')).toBe(true);
    expect(set.has('2001:db9::1')).toBe(false);
    expect(set.has('192.0.2.7')).toBe(true);
    expect(set.has('::ffff:10.1.1.1')).toBe(true);
    expect(set.has('unix')).toBe(false);
  });

  it('refuses malformed entries', () => {
    expect(() => new NetworkSet(['10.0.0.0/33'])).toThrow(/prefix/);
    expect(() => new NetworkSet(['example.org'])).toThrow(/not an IP/);
  });
});
