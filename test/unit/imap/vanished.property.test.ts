// Property tests for the VANISHED uid-set helpers (src/imap/vanished.ts, RFC 7162 §3.2.10): ranges built,
// complemented, normalised and intersected must name exactly the UIDs a plain set computation names.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { gaps, inRanges, intersect, normalizeRanges, uidRanges } from '../../../src/imap/vanished.js';
import type { UidRange } from '../../../src/store/types.js';

const expand = (ranges: readonly UidRange[]): number[] => ranges.flatMap((r) => Array.from({ length: r.to - r.from + 1 }, (_, i) => r.from + i));
const sortedSet = fc.uniqueArray(fc.integer({ min: 1, max: 200 }), { maxLength: 60 }).map((xs) => xs.sort((a, b) => a - b));
const clientRanges = fc.array(
  fc.record({ from: fc.oneof(fc.integer({ min: 1, max: 220 }), fc.constant(Infinity)), to: fc.oneof(fc.integer({ min: 1, max: 220 }), fc.constant(Infinity)) }),
  { maxLength: 8 },
);

describe('VANISHED ranges', () => {
  it('uidRanges names exactly its UIDs, sorted and non-adjacent', () => {
    fc.assert(
      fc.property(sortedSet, (uids) => {
        const r = uidRanges(uids);
        expect(expand(r)).toEqual(uids);
        for (let i = 1; i < r.length; i++) expect(r[i]!.from).toBeGreaterThan(r[i - 1]!.to + 1);
      }),
    );
  });

  it('gaps is the complement in 1..upTo; normalizeRanges, intersect and inRanges agree with sets', () => {
    fc.assert(
      fc.property(sortedSet, fc.integer({ min: 0, max: 210 }), clientRanges, fc.integer({ min: 1, max: 210 }), (held, upTo, named, star) => {
        const g = gaps(held, upTo);
        const heldSet = new Set(held);
        expect(expand(g)).toEqual(Array.from({ length: upTo }, (_, i) => i + 1).filter((u) => !heldSet.has(u)));
        const n = normalizeRanges(named, star);
        const want = new Set(named.flatMap((r) => {
          const a = r.from === Infinity ? star : r.from;
          const b = r.to === Infinity ? star : r.to;
          return expand([{ from: Math.min(a, b), to: Math.max(a, b) }]);
        }));
        expect(expand(n)).toEqual([...want].sort((a, b) => a - b));
        expect(expand(intersect(g, n))).toEqual(expand(g).filter((u) => want.has(u)));
        for (let u = 0; u <= 221; u++) expect(inRanges(n, u)).toBe(want.has(u));
      }),
    );
  });
});
