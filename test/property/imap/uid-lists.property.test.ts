// The ascending-UID-list operations SEARCH narrows its candidates with (src/imap/search/uid-lists.ts) agree with
// the same operations on sets, for any two ascending lists.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { common, minus, union } from '../../../src/imap/search/uid-lists.js';

const ascending = fc.uniqueArray(fc.integer({ min: 1, max: 200 }), { maxLength: 60 }).map((a) => a.sort((x, y) => x - y));

describe('UID list operations', () => {
  it('common, union and minus equal intersection, union and difference of sets, in ascending order', () => {
    fc.assert(
      fc.property(ascending, ascending, (a, b) => {
        const inB = new Set(b);
        expect(common(a, b)).toEqual(a.filter((u) => inB.has(u)));
        expect(minus(a, b)).toEqual(a.filter((u) => !inB.has(u)));
        expect(union(a, b)).toEqual([...new Set([...a, ...b])].sort((x, y) => x - y));
      }),
      { numRuns: 500 },
    );
  });
});
