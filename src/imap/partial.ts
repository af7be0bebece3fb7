// PARTIAL results (RFC 9394 §3.1 SEARCH / SORT RETURN (PARTIAL), §3.3 the UID FETCH modifier; RFC 5267 §4.4): which
// messages a partial range names among a result, and the `PARTIAL (<range> <set>|NIL)` item of ESEARCH. Pure.
import type { PartialRange } from './protocol/types.js';

/** The items at the range's positions (from 1 at the start, or from -1 at the end), in their order. */
export function partialSlice<T>(items: readonly T[], range: PartialRange): T[] {
  if (!range.fromEnd) return items.slice(range.lo - 1, range.hi);
  const n = items.length;
  return items.slice(Math.max(0, n - range.hi), Math.max(0, n - range.lo + 1));
}

/** RFC 9394 §4 search-ret-data-ext: the range as the client sent it, then the set, or NIL when none is there. */
export function partialItem(range: PartialRange, set: string): string {
  return `PARTIAL (${range.text} ${set === '' ? 'NIL' : set})`;
}
