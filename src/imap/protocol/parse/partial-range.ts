// The PARTIAL range of SEARCH / SORT RETURN and of the FETCH modifier (RFC 9394 §4, updating RFC 5267 §4.4):
// partial-range-first = nz-number ":" nz-number, partial-range-last = MINUS nz-number ":" MINUS nz-number;
// "500:400" is "400:500", no "*", both ends of one sign. Also the return-option list both commands share. Pure.
import { MAX_NUMBER, type Reader } from '../reader.js';
import type { PartialRange } from '../types.js';

const RANGE = /^(-?)([1-9][0-9]*):(-?)([1-9][0-9]*)$/;

/** One partial-range, as an atom (so a quoted one, a single number or `*` is BAD). */
export function partialRange(r: Reader): PartialRange {
  const text = r.atom('partial range');
  const m = RANGE.exec(text);
  if (!m || m[1] !== m[3]) return r.fail('Expected partial range n:m or -n:-m'); // RFC 9394 §4: no mixed signs
  const a = m[2]!.length > 10 ? Infinity : Number(m[2]);
  const b = m[4]!.length > 10 ? Infinity : Number(m[4]);
  if (a > MAX_NUMBER || b > MAX_NUMBER) return r.fail('Partial range out of range'); // nz-number: 32 bits
  return { text, fromEnd: m[1] === '-', lo: Math.min(a, b), hi: Math.max(a, b) };
}

/**
 * `"(" [option *(SP option)] ")"` of SEARCH or SORT RETURN: keywords from `allowed`, and `PARTIAL <range>` at
 * most once and never with ALL (RFC 9394 §3.1, RFC 5267 §4.4). PARTIAL is listed among the options too.
 */
export function returnOptions(r: Reader, allowed: ReadonlySet<string>, what: string): { options: string[]; partial: PartialRange | null } {
  let partial: PartialRange | null = null;
  const options = r.list(() => {
    const option = r.keyword('return option');
    if (option === 'PARTIAL') {
      if (partial !== null) r.fail('PARTIAL given twice');
      r.sp();
      partial = partialRange(r);
    } else if (!allowed.has(option)) r.unknown(what, option);
    return option;
  }, true);
  if (partial !== null && options.includes('ALL')) r.fail('PARTIAL and ALL together');
  return { options, partial };
}
