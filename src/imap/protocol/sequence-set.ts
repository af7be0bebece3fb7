// Sequence sets as arguments (RFC 9051 §9 sequence-set, RFC 5182 "$" for the saved SEARCH result):
// "1,3:5,7:*" → ranges in the client's order, "*" as Infinity; numbers are non-zero 32-bit.
import type { Reader } from './reader.js';
import type { SeqRange, SequenceSet } from './types.js';

function seqNumber(r: Reader): number {
  if (r.peek() === 0x2a) {
    r.pos += 1;
    return Infinity;
  }
  return r.nzNumber(undefined, 'sequence number');
}

/** RFC 9051 §9 sequence-set / "$" (RFC 5182 §2.1: "$" stands alone). */
export function sequenceSet(r: Reader): SequenceSet {
  if (r.peek() === 0x24) {
    r.pos += 1;
    return { kind: 'saved' };
  }
  const ranges: SeqRange[] = [];
  for (;;) {
    const from = seqNumber(r);
    let to = from;
    if (r.peek() === 0x3a) {
      r.pos += 1;
      to = seqNumber(r);
    }
    ranges.push({ from, to });
    if (r.peek() !== 0x2c) break;
    r.pos += 1;
  }
  return { kind: 'set', ranges };
}

/** Whether the next octet can start a sequence set (a digit, "*" or "$"). */
export function atSequenceSet(r: Reader): boolean {
  const c = r.peek();
  return (c >= 0x30 && c <= 0x39) || c === 0x2a || c === 0x24;
}
