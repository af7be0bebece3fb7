// Sequence-set resolution against a mailbox view (RFC 9051 §9 seq-number, §6.4.8 UID ranges; RFC 4315 sets).
import { describe, expect, it } from 'vitest';
import { ProtocolError, type SequenceSet } from '../../../src/imap/protocol/types.js';
import { formatSet, resolveSet, toRanges } from '../../../src/imap/sequence.js';

const set = (...ranges: Array<[number, number]>): SequenceSet => ({ kind: 'set', ranges: ranges.map(([from, to]) => ({ from, to })) });
const STAR = Infinity;
/** Five messages: seq 1..5 ↔ UIDs 10, 11, 15, 20, 42. */
const UIDS = [10, 11, 15, 20, 42];

describe('message sequence numbers', () => {
  it('resolves numbers, ranges in either direction, * and overlaps to ascending UIDs without duplicates', () => {
    expect(resolveSet(UIDS, set([2, 2]), { byUid: false })).toEqual([11]);
    expect(resolveSet(UIDS, set([4, 2]), { byUid: false })).toEqual([11, 15, 20]);
    expect(resolveSet(UIDS, set([STAR, STAR]), { byUid: false })).toEqual([42]);
    expect(resolveSet(UIDS, set([3, STAR]), { byUid: false })).toEqual([15, 20, 42]);
    expect(resolveSet(UIDS, set([STAR, 4]), { byUid: false })).toEqual([20, 42]);
    expect(resolveSet(UIDS, set([5, 5], [1, 2], [2, 3]), { byUid: false })).toEqual([10, 11, 15, 42]);
  });

  it('answers BAD for a number above the message count, and for * in an empty mailbox (RFC 9051 §9)', () => {
    expect(() => resolveSet(UIDS, set([6, 6]), { byUid: false })).toThrow(ProtocolError);
    expect(() => resolveSet(UIDS, set([1, 6]), { byUid: false })).toThrow(ProtocolError);
    expect(() => resolveSet([], set([1, STAR]), { byUid: false })).toThrow(ProtocolError);
    expect(() => resolveSet([], set([STAR, STAR]), { byUid: false })).toThrow(ProtocolError);
  });

  it('in lenient mode (SEARCH keys) numbers beyond the mailbox simply match nothing', () => {
    expect(resolveSet(UIDS, set([4, 9]), { byUid: false, lenient: true })).toEqual([20, 42]);
    expect(resolveSet(UIDS, set([7, 9]), { byUid: false, lenient: true })).toEqual([]);
    expect(resolveSet([], set([1, STAR]), { byUid: false, lenient: true })).toEqual([]);
  });
});

describe('UIDs', () => {
  it('ignores UIDs that name no message', () => {
    expect(resolveSet(UIDS, set([12, 14]), { byUid: true })).toEqual([]);
    expect(resolveSet(UIDS, set([11, 19]), { byUid: true })).toEqual([11, 15]);
    expect(resolveSet(UIDS, set([1, 1000]), { byUid: true })).toEqual(UIDS);
    expect(resolveSet(UIDS, set([99, 99]), { byUid: true })).toEqual([]);
  });

  it('n:* always includes the last UID, even when n is above it (RFC 9051 §6.4.8)', () => {
    expect(resolveSet(UIDS, set([500, STAR]), { byUid: true })).toEqual([42]);
    expect(resolveSet(UIDS, set([16, STAR]), { byUid: true })).toEqual([20, 42]);
    expect(resolveSet(UIDS, set([STAR, STAR]), { byUid: true })).toEqual([42]);
    expect(resolveSet([], set([1, STAR]), { byUid: true })).toEqual([]);
  });

  it('refuses a $ (SEARCHRES) the session did not bind with BAD', () => {
    expect(() => resolveSet(UIDS, { kind: 'saved' }, { byUid: true })).toThrow(/SEARCHRES/);
  });
});

describe('writing sets', () => {
  it('compresses runs and keeps the given order (COPYUID pairs)', () => {
    expect(formatSet([304, 319, 320])).toBe('304,319:320');
    expect(formatSet([1, 2, 3, 5, 7, 8])).toBe('1:3,5,7:8');
    expect(formatSet([9])).toBe('9');
    expect(formatSet([])).toBe('');
    expect(toRanges([3, 4, 6])).toEqual([
      { from: 3, to: 4 },
      { from: 6, to: 6 },
    ]);
  });
});
