// SEARCHRES `$` (RFC 5182 §2.1, §2.3): bound by sequence number or by UID, it names the same messages — the saved
// UIDs the view still holds — whatever was expunged since the result was saved and however the UIDs are spread.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { bindSearchResult, savedPart, type SavedView } from '../../../src/imap/search-result.js';
import { resolveSet } from '../../../src/imap/sequence.js';
import type { Command } from '../../../src/imap/protocol/types.js';

const ascending = (xs: number[]): number[] => [...new Set(xs)].sort((a, b) => a - b);

function view(uids: number[], saved: number[]): SavedView {
  return { searchResult: saved, seqOf: (uid: number) => uids.indexOf(uid) + 1 };
}

function fetchSet(cmd: Command): number[] {
  if (cmd.name !== 'FETCH') throw new Error('not a FETCH');
  return cmd.set.kind === 'set' ? cmd.set.ranges.flatMap((r) => Array.from({ length: r.to - r.from + 1 }, (_, i) => r.from + i)) : [];
}

describe('SEARCHRES binding', () => {
  it('by number and by UID, $ names the saved messages still in the view', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: 200 }), { maxLength: 60 }), fc.array(fc.integer({ min: 1, max: 200 }), { maxLength: 60 }), (u, s) => {
        const uids = ascending(u);
        const saved = ascending(s);
        const v = view(uids, saved);
        const expected = saved.filter((x) => uids.includes(x));
        for (const uid of [false, true]) {
          const bound = bindSearchResult({ name: 'FETCH', uid, set: { kind: 'saved' }, attributes: [], changedSince: null }, v);
          if (bound.name !== 'FETCH') throw new Error('unexpected');
          expect(resolveSet(uids, bound.set, { byUid: uid })).toEqual(expected);
          if (!uid) expect(fetchSet(bound)).toEqual(expected.map((x) => uids.indexOf(x) + 1));
        }
        const key = bindSearchResult({ name: 'SEARCH', uid: false, charset: null, returnOptions: null, key: { kind: 'not', key: { kind: 'seq', set: { kind: 'saved' } } } }, v);
        expect(JSON.stringify(key)).not.toContain('saved');
      }),
    );
  });

  it('SAVE keeps MIN/MAX alone only without ALL or COUNT (RFC 5182 §2.4)', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: 100 }), { maxLength: 20 }), fc.subarray(['MIN', 'MAX', 'ALL', 'COUNT']), (m, options) => {
        const matched = ascending(m);
        const kept = savedPart([...options, 'SAVE'], matched);
        const whole = options.includes('ALL') || options.includes('COUNT') || (!options.includes('MIN') && !options.includes('MAX'));
        if (whole || matched.length === 0) expect(kept).toEqual(matched);
        else expect(kept).toEqual(ascending([...(options.includes('MIN') ? [matched[0]!] : []), ...(options.includes('MAX') ? [matched.at(-1)!] : [])]));
      }),
    );
  });
});
