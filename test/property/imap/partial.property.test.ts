// PARTIAL ranges (RFC 9394 §4; RFC 5267 §4.4) as properties: the parser accepts exactly n:m and -n:-m of 32-bit
// non-zero numbers (either order) in SEARCH / SORT RETURN and the UID FETCH modifier, and refuses every other
// shape as BAD; partialSlice picks exactly the items at those positions, counted from the start or the end.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { partialSlice } from '../../../src/imap/partial.js';
import type { Command, PartialRange } from '../../../src/imap/protocol/types.js';
import { cmd, error } from '../../unit/imap/protocol/support.js';

const MAX = 0xffffffff;
const nz = fc.oneof(fc.integer({ min: 1, max: 20 }), fc.integer({ min: 1, max: MAX }));

function partialOf(c: Command): PartialRange | undefined {
  return c.name === 'SEARCH' || c.name === 'SORT' || c.name === 'FETCH' ? c.partial : undefined;
}

const FORMS = [
  (range: string) => `a SEARCH RETURN (PARTIAL ${range}) ALL`,
  (range: string) => `a UID SEARCH RETURN (COUNT PARTIAL ${range} MIN) ALL`,
  (range: string) => `a UID SORT RETURN (PARTIAL ${range}) (DATE) UTF-8 ALL`,
  (range: string) => `a UID FETCH 1:* (FLAGS) (PARTIAL ${range})`,
  (range: string) => `a UID FETCH 1:* (FLAGS) (CHANGEDSINCE 5 PARTIAL ${range})`,
];

describe('PARTIAL range parsing', () => {
  it('accepts n:m and -n:-m in either order, in every command form', () => {
    fc.assert(
      fc.property(nz, nz, fc.boolean(), fc.constantFrom(...FORMS), (a, b, fromEnd, form) => {
        const sign = fromEnd ? '-' : '';
        const text = `${sign}${a}:${sign}${b}`;
        expect(partialOf(cmd(form(text)))).toEqual({ text, fromEnd, lo: Math.min(a, b), hi: Math.max(a, b) });
      }),
    );
  });

  it('refuses mixed signs, zero, "*", a single number, a set, 33-bit numbers and quoting as BAD', () => {
    const bad = fc.oneof(
      fc.tuple(nz, nz).map(([a, b]) => `-${a}:${b}`),
      fc.tuple(nz, nz).map(([a, b]) => `${a}:-${b}`),
      nz.map((a) => `0:${a}`),
      nz.map((a) => `-${a}:-0`),
      nz.map((a) => `${a}:*`),
      nz.map((a) => `${a}`),
      nz.map((a) => `-${a}`),
      fc.tuple(nz, nz).map(([a, b]) => `${a}:${b},${b}`),
      fc.tuple(nz, fc.bigInt({ min: 2n ** 32n, max: 2n ** 64n })).map(([a, b]) => `${a}:${b}`),
      fc.tuple(nz, nz).map(([a, b]) => `"${a}:${b}"`),
    );
    fc.assert(
      fc.property(bad, fc.constantFrom(...FORMS), (range, form) => {
        expect(error(form(range)).message).toBeTruthy();
      }),
    );
  });

  it('refuses PARTIAL with ALL, PARTIAL twice, PARTIAL without a range and PARTIAL on FETCH', () => {
    for (const line of [
      'a SEARCH RETURN (PARTIAL 1:5 ALL) ALL',
      'a SEARCH RETURN (ALL PARTIAL 1:5) ALL',
      'a SEARCH RETURN (PARTIAL 1:5 PARTIAL 1:5) ALL',
      'a SEARCH RETURN (PARTIAL) ALL',
      'a SORT RETURN (ALL PARTIAL -1:-5) (DATE) UTF-8 ALL',
      'a UID FETCH 1:* (FLAGS) (PARTIAL 1:2 PARTIAL 1:2)',
      'a UID FETCH 1:* (FLAGS) (PARTIAL)',
      'a FETCH 1:* (FLAGS) (PARTIAL 1:2)', // RFC 9394 §3.3: a UID FETCH modifier
    ]) {
      expect(error(line).message, line).toBeTruthy();
    }
  });
});

describe('partialSlice', () => {
  it('keeps exactly the items at the positions, in order', () => {
    fc.assert(
      fc.property(fc.array(fc.integer(), { maxLength: 40 }), fc.integer({ min: 1, max: 50 }), fc.integer({ min: 1, max: 50 }), fc.boolean(), (items, a, b, fromEnd) => {
        const range: PartialRange = { text: '', fromEnd, lo: Math.min(a, b), hi: Math.max(a, b) };
        const want = items.filter((_, i) => {
          const pos = fromEnd ? items.length - i : i + 1;
          return pos >= range.lo && pos <= range.hi;
        });
        expect(partialSlice(items, range)).toEqual(want);
      }),
    );
  });
});
