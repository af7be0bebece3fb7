// Message metadata rows of the PostgreSQL store (issue 18; SPEC R9.3) read into the SQLite store's MessageRow
// shape, so that both backends map them to MessageMeta with the same pure function (sqlite/rows.ts toMessageMeta).

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

export { mergeRanges } from '../uid-ranges.js';
