// Message metadata rows of the PostgreSQL store (issue 18; SPEC R9.3) read into the SQLite store's MessageRow
// shape, so that both backends map them to MessageMeta with the same pure function (sqlite/rows.ts toMessageMeta).
import type { UidRange } from '../types.js';

/**
 * The metadata columns (no blobs), named and shaped as sqlite/rows.ts MessageRow: the BOOLEAN columns as 0/1.
 * `alias` qualifies them (e.g. 'm.').
 */
export function messageColumns(alias = ''): string {
  const a = alias;
  return (
    `${a}id, ${a}mailbox_id, ${a}uid, ${a}modseq, ${a}system_flags, ${a}keywords, ${a}internal_date, ${a}size, ` +
    `${a}require_tls::int AS require_tls, ${a}tls_required_no::int AS tls_required_no, ${a}forged_fields, ${a}body_id, ` +
    `${a}internal_tz, ${a}email_id, ${a}save_date`
  );
}

const MAX_UID = Number.MAX_SAFE_INTEGER;

/**
 * Sorted, non-overlapping, non-adjacent ranges with finite bounds. Copied from sqlite/messages.ts mergeRanges
 * (that file takes a SqliteDb).
 */
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
