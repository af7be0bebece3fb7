// The address key of per-address limits (issue 12 hole 15, R11.2, R6.4): IPv4 as is, IPv4-mapped IPv6 as its
// IPv4 address, other IPv6 by /64 — whatever text form the address arrives in.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { addressKey, parseIpv6 } from '../../../src/net/address-key.js';

describe('addressKey', () => {
  it('keys IPv4 as is, IPv4-mapped as IPv4, IPv6 by /64', () => {
    expect(addressKey('192.0.2.1')).toBe('192.0.2.1');
    expect(addressKey('::ffff:192.0.2.1')).toBe('192.0.2.1');
    expect(addressKey('::FFFF:c000:0201')).toBe('192.0.2.1');
    expect(addressKey('0:0:0:0:0:ffff:192.0.2.1')).toBe('192.0.2.1');
    expect(addressKey('2001:db8:1:2:3:4:5:6')).toBe('2001:db8:1:2::/64');
    expect(addressKey('2001:DB8:1:2::99')).toBe('2001:db8:1:2::/64');
    expect(addressKey('2001:db8::1')).toBe('2001:db8:0:0::/64');
    expect(addressKey('64:ff9b::192.0.2.1')).toBe('64:ff9b:0:0::/64');
    expect(addressKey('::1')).toBe('0:0:0:0::/64');
    expect(addressKey('fe80::1%eth0')).toBe('fe80:0:0:0::/64');
    expect(addressKey('not an address')).toBe('not an address');
  });

  it('refuses malformed IPv6 text (keyed as itself)', () => {
    for (const bad of [':::', '1:2:3:4:5:6:7:8:9', '1::2::3', '12345::', '::1.2.3.256', '1:2:3:4:5:6:7:1.2.3.4', 'g::1']) {
      expect(parseIpv6(bad)).toBeNull();
    }
  });
});

/** Eight 16-bit words. */
const words = fc.array(fc.integer({ min: 0, max: 0xffff }), { minLength: 8, maxLength: 8 });

/** One of the many text forms of the same address: case, leading zeros, "::" at any zero run, dotted tail. */
function format(w: number[], style: { upper: boolean; pad: boolean; compress: number; dotted: boolean }): string {
  const hex = (n: number): string => {
    const h = style.pad ? n.toString(16).padStart(4, '0') : n.toString(16);
    return style.upper ? h.toUpperCase() : h;
  };
  let groups: string[] = w.map(hex);
  if (style.dotted) {
    const [hi = 0, lo = 0] = w.slice(6);
    groups = [...groups.slice(0, 6), `${hi >> 8}.${hi & 0xff}.${lo >> 8}.${lo & 0xff}`];
  }
  // Compress the zero run starting at a chosen zero group (any run, not only the longest: all are valid input).
  const zeros = groups.map((g, i) => (/^0+$/.test(g) ? i : -1)).filter((i) => i >= 0);
  if (zeros.length === 0) return groups.join(':');
  const start = zeros[style.compress % zeros.length] ?? 0;
  let end = start;
  while (end + 1 < groups.length && /^0+$/.test(groups[end + 1] ?? '')) end += 1;
  return `${groups.slice(0, start).join(':')}::${groups.slice(end + 1).join(':')}`;
}

const style = fc.record({ upper: fc.boolean(), pad: fc.boolean(), compress: fc.nat(8), dotted: fc.boolean() });
const isMapped = (w: number[]): boolean => w.slice(0, 5).every((x) => x === 0) && w[5] === 0xffff;

describe('addressKey properties', () => {
  it('parses every text form of an address to its words', () => {
    fc.assert(
      fc.property(words, style, (w, s) => {
        expect(parseIpv6(format(w, s).toLowerCase())).toEqual(w);
      }),
      { numRuns: 2000 },
    );
  });

  it('any two addresses in one /64 share a key, in any text form', () => {
    fc.assert(
      fc.property(words, words, style, style, (a, b, sa, sb) => {
        const other = [...a.slice(0, 4), ...b.slice(4)];
        fc.pre(!isMapped(a) && !isMapped(other));
        expect(addressKey(format(a, sa))).toBe(addressKey(format(other, sb)));
      }),
      { numRuns: 2000 },
    );
  });

  it('addresses in different /64s have different keys', () => {
    fc.assert(
      fc.property(words, words, style, style, (a, b, sa, sb) => {
        fc.pre(a.slice(0, 4).join() !== b.slice(0, 4).join());
        expect(addressKey(format(a, sa))).not.toBe(addressKey(format(b, sb)));
      }),
      { numRuns: 2000 },
    );
  });

  it('an IPv4-mapped address keys as its IPv4 address, distinct from other IPv4 addresses', () => {
    const v4 = fc.tuple(fc.nat(255), fc.nat(255), fc.nat(255), fc.nat(255)).map((o) => o.join('.'));
    fc.assert(
      fc.property(v4, v4, fc.boolean(), (x, y, upper) => {
        const mapped = `${upper ? '::FFFF:' : '::ffff:'}${x}`;
        expect(addressKey(mapped)).toBe(addressKey(x));
        if (x !== y) expect(addressKey(mapped)).not.toBe(addressKey(y));
      }),
    );
  });
});
