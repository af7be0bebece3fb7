// Sequence sets against the selected mailbox (RFC 9051 §9 seq-number and sequence-set, §6.4.8 UID, RFC 4315
// uid-set): message numbers or UIDs → the UIDs they name, ascending; and UID lists written back as compact sets.
import type { UidRange } from '../store/types.js';
import { ProtocolError, type SequenceSet } from './protocol/types.js';

/** What the set is resolved against: the session's UIDs in sequence order (MailboxView.allUids()). */
export type SeqUids = readonly number[];

export interface ResolveOptions {
  /** The numbers are UIDs (UID FETCH/STORE/COPY/MOVE/EXPUNGE, SEARCH UID). */
  byUid: boolean;
  /**
   * Out-of-range message numbers simply match nothing (SEARCH keys select messages; they do not address
   * them). Otherwise they are refused with BAD (RFC 9051 §9 seq-number).
   */
  lenient?: boolean;
}

/** First index whose UID is ≥ uid (UIDs ascend). */
function lowerBound(uids: SeqUids, uid: number): number {
  let lo = 0;
  let hi = uids.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (uids[mid]! < uid) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * The UIDs the set names, ascending and without duplicates. `$` (SEARCHRES, RFC 5182) arrives bound to the
 * saved result (search-result.ts).
 *
 * Message numbers: `*` is the number of messages; a number above it, or `*` in an empty mailbox, makes the
 * command BAD ("The server should respond with a tagged BAD response to a command that uses a message
 * sequence number greater than the number of messages in the selected mailbox. This includes '*' if the
 * selected mailbox is empty": RFC 9051 §9 seq-number, as RFC 3501 §9).
 *
 * UIDs: `*` is the largest UID, so `n:*` always includes the last message even when n is larger (RFC 9051
 * §6.4.8); UIDs that name no message are ignored without error (ibid.).
 */
export function resolveSet(uids: SeqUids, set: SequenceSet, opts: ResolveOptions): number[] {
  // The session binds `$` before a command runs (search-result.ts); one left here had nothing to bind it to.
  if (set.kind === 'saved') throw new ProtocolError('$ (SEARCHRES) needs a selected mailbox');
  const count = uids.length;
  const marked = new Uint8Array(count);
  for (const range of set.ranges) {
    let lo: number;
    let hi: number;
    if (opts.byUid) {
      const last = uids[count - 1] ?? 0;
      const a = range.from === Infinity ? last : range.from;
      const b = range.to === Infinity ? last : range.to;
      lo = lowerBound(uids, Math.min(a, b));
      hi = lowerBound(uids, Math.max(a, b) + 1) - 1;
    } else {
      const a = range.from === Infinity ? count : range.from;
      const b = range.to === Infinity ? count : range.to;
      const top = Math.max(a, b);
      if ((top > count || top === 0) && !opts.lenient) {
        throw new ProtocolError(count === 0 ? 'No messages in the mailbox' : `Invalid message number: the mailbox has ${count} messages`);
      }
      lo = Math.max(1, Math.min(a, b)) - 1;
      hi = Math.min(top, count) - 1;
    }
    for (let i = lo; i <= hi; i++) marked[i] = 1;
  }
  const out: number[] = [];
  for (let i = 0; i < count; i++) if (marked[i] === 1) out.push(uids[i]!);
  return out;
}

/** Ascending numbers as closed ranges: [1,2,3,7] → [{1,3},{7,7}]. */
export function toRanges(sorted: readonly number[]): UidRange[] {
  const out: UidRange[] = [];
  for (const n of sorted) {
    const last = out[out.length - 1];
    if (last && n === last.to + 1) last.to = n;
    else out.push({ from: n, to: n });
  }
  return out;
}

/**
 * A set as written on the wire, keeping the order given (RFC 4315 COPYUID pairs the n-th source UID with the
 * n-th destination UID): runs of consecutive numbers become `a:b`. [304,319,320] → "304,319:320".
 */
export function formatSet(numbers: readonly number[]): string {
  return toRanges(numbers)
    .map((r) => (r.from === r.to ? String(r.from) : `${r.from}:${r.to}`))
    .join(',');
}
