// UID ranges as the stores read them (Store.listMessages): merged into sorted, non-overlapping, non-adjacent
// ranges with whole, finite bounds (a client's `1:*` arrives as Infinity). Pure.
import type { UidRange } from './types.js';

const MAX_UID = Number.MAX_SAFE_INTEGER;

/** Sorted, non-overlapping, non-adjacent ranges with finite bounds. */
export function mergeRanges(ranges: readonly UidRange[]): UidRange[] {
  const clean = ranges
    .map((r) => {
      const a = Math.min(r.from, r.to);
      const b = Math.max(r.from, r.to);
      return { from: Math.max(1, Math.ceil(a)), to: Math.min(MAX_UID, Math.floor(b)) };
    })
    .filter((r) => r.from <= r.to)
    .sort((x, y) => x.from - y.from);
  const out: UidRange[] = [];
  for (const r of clean) {
    const last = out[out.length - 1];
    if (last && r.from <= last.to + 1) last.to = Math.max(last.to, r.to);
    else out.push({ ...r });
  }
  return out;
}
