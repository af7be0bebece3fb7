// UID ranges for QRESYNC's VANISHED responses (RFC 7162 §3.2.10, §7 "VANISHED" [SP "(EARLIER)"] SP known-uids):
// ranges written as a compact uid-set, the gaps of the UIDs a view holds, and the part of them a client named.
import type { UidRange } from '../store/types.js';
import { raw, type Wire } from './protocol/encode.js';

/** `* VANISHED [(EARLIER) ]set`, or nothing for no ranges. */
export function vanishedLines(ranges: readonly UidRange[], earlier: boolean): Wire[] {
  if (ranges.length === 0) return [];
  const set = ranges.map((r) => (r.from === r.to ? `${r.from}` : `${r.from}:${r.to}`)).join(',');
  return [raw(`* VANISHED ${earlier ? '(EARLIER) ' : ''}${set}\r\n`)];
}

/** Ascending UIDs as sorted, non-adjacent ranges. */
export function uidRanges(sorted: readonly number[]): UidRange[] {
  const out: UidRange[] = [];
  for (const uid of sorted) {
    const last = out[out.length - 1];
    if (last !== undefined && uid === last.to + 1) last.to = uid;
    else if (last === undefined || uid > last.to) out.push({ from: uid, to: uid });
  }
  return out;
}

/** The UIDs in 1..upTo that `held` (ascending) does not hold, as ranges: linear in held's length. */
export function gaps(held: readonly number[], upTo: number): UidRange[] {
  const out: UidRange[] = [];
  let next = 1;
  for (const uid of held) {
    if (uid > upTo) break;
    if (uid > next) out.push({ from: next, to: uid - 1 });
    next = Math.max(next, uid + 1);
  }
  if (next <= upTo) out.push({ from: next, to: upTo });
  return out;
}

/** Client ranges (any order, reversed, `*` as Infinity) as sorted, merged ranges with `*` read as `star`. */
export function normalizeRanges(ranges: readonly UidRange[], star: number): UidRange[] {
  const clean = ranges
    .map((r) => {
      const a = r.from === Infinity ? star : r.from;
      const b = r.to === Infinity ? star : r.to;
      return { from: Math.min(a, b), to: Math.max(a, b) };
    })
    .sort((x, y) => x.from - y.from);
  const out: UidRange[] = [];
  for (const r of clean) {
    const last = out[out.length - 1];
    if (last !== undefined && r.from <= last.to + 1) last.to = Math.max(last.to, r.to);
    else out.push({ ...r });
  }
  return out;
}

/** The intersection of two sorted, merged range lists. */
export function intersect(a: readonly UidRange[], b: readonly UidRange[]): UidRange[] {
  const out: UidRange[] = [];
  for (let i = 0, j = 0; i < a.length && j < b.length; ) {
    const x = a[i]!;
    const y = b[j]!;
    const from = Math.max(x.from, y.from);
    const to = Math.min(x.to, y.to);
    if (from <= to) out.push({ from, to });
    if (x.to < y.to) i++;
    else j++;
  }
  return out;
}

/** Whether `uid` lies in sorted, merged ranges (binary search). */
export function inRanges(ranges: readonly UidRange[], uid: number): boolean {
  let lo = 0;
  let hi = ranges.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const r = ranges[mid]!;
    if (uid < r.from) hi = mid - 1;
    else if (uid > r.to) lo = mid + 1;
    else return true;
  }
  return false;
}
