// RENAME INBOX in the PostgreSQL store (RFC 9051 §6.3.6; issue 18): every message of INBOX copied to the new
// mailbox (fresh ascending UIDs under one modseq, flags, dates, REQUIRETLS and EMAILID kept, SAVEDATE now, the
// body shared) and expunged from INBOX under one modseq, logged for QRESYNC (RFC 7162 §3.2.5) — as the SQLite
// store's transfer.ts copyRows and expungeRows do. Both mailbox rows are locked by the caller.
import type { MailboxChange } from '../changes.js';
import { parseKeywords } from '../sqlite/flags.js';
import type { Queryable } from './mailboxes.js';

/** As the SQLite store's MessageRepo.expungeLogKeep default (issue 15 item 2). */
const EXPUNGE_LOG_KEEP = 10_000;

/** Moves all of `from`'s messages to `to`; the changes, as copyRows then expungeRows publish them. */
export async function moveAllMessages(db: Queryable, from: number, to: number): Promise<MailboxChange[]> {
  const rows = (
    await db.query<{ id: number; uid: number; keywords: string; require_tls: boolean }>(
      'SELECT id, uid, keywords, require_tls FROM messages WHERE mailbox_id = $1 ORDER BY uid',
      [from],
    )
  ).rows;
  if (rows.length === 0) return [];
  const taken = await db.query<{ first: number; modseq: number }>(
    'UPDATE mailboxes SET uid_next = uid_next + $2, highest_modseq = highest_modseq + 1 WHERE id = $1 ' +
      'RETURNING uid_next - $2 AS first, highest_modseq AS modseq',
    [to, rows.length],
  );
  const { first, modseq } = taken.rows[0]!;
  const changes: MailboxChange[] = await recordKeywords(db, to, rows.map((r) => r.keywords)); // issue 13 item 2
  const ids = rows.map((r) => r.id);
  const uids = rows.map((_, i) => first + i);
  // COPY keeps INTERNALDATE and its zone (issue 13 item 6) and EMAILID (RFC 8474 §5.1); SAVEDATE is now (RFC 8514 §3).
  await db.query(
    'INSERT INTO messages (mailbox_id, uid, modseq, system_flags, keywords, internal_date, internal_tz, size, require_tls, ' +
      'tls_required_no, forged_fields, removed_fields, body_id, prefix, prefix_shape, email_id, save_date) ' +
      'SELECT $1, n.uid, $2, m.system_flags, m.keywords, m.internal_date, m.internal_tz, m.size, m.require_tls, m.tls_required_no, ' +
      'm.forged_fields, m.removed_fields, m.body_id, m.prefix, m.prefix_shape, m.email_id, $3 ' +
      'FROM unnest($4::bigint[], $5::bigint[]) AS n(id, uid) JOIN messages m ON m.id = n.id ORDER BY n.uid',
    [to, modseq, Date.now(), ids, uids],
  );
  rows.forEach((r, i) => changes.push({ kind: 'exists', mailboxId: to, uid: uids[i]!, modseq, requireTls: r.require_tls }));
  const bumped = await db.query<{ modseq: number }>(
    'UPDATE mailboxes SET highest_modseq = highest_modseq + 1 WHERE id = $1 RETURNING highest_modseq AS modseq',
    [from],
  );
  const expungeModseq = bumped.rows[0]!.modseq;
  await db.query('DELETE FROM messages WHERE id = ANY($1::bigint[])', [ids]);
  await db.query(
    'INSERT INTO expunged (mailbox_id, uid, modseq) SELECT $1, u, $2 FROM unnest($3::bigint[]) AS u ' +
      'ON CONFLICT (mailbox_id, uid) DO UPDATE SET modseq = EXCLUDED.modseq',
    [from, expungeModseq, rows.map((r) => r.uid)],
  );
  await pruneLog(db, from, expungeModseq);
  changes.push({ kind: 'expunge', mailboxId: from, uids: rows.map((r) => r.uid), modseq: expungeModseq });
  return changes;
}

/**
 * As the SQLite store's KeywordRepo.record: records the keywords of messages written to a mailbox (first
 * spelling kept, in order of first use); when any is new, the change telling the mailbox's whole keyword list.
 */
async function recordKeywords(db: Queryable, mailboxId: number, keywordLists: readonly string[]): Promise<MailboxChange[]> {
  let added = false;
  for (const keywords of keywordLists) {
    if (keywords === '') continue;
    for (const keyword of parseKeywords(keywords)) {
      const r = await db.query('INSERT INTO mailbox_keywords (mailbox_id, key, name) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING', [
        mailboxId,
        keyword.toLowerCase(),
        keyword,
      ]);
      if ((r.rowCount ?? 0) > 0) added = true;
    }
  }
  if (!added) return [];
  const list = await db.query<{ name: string }>('SELECT name FROM mailbox_keywords WHERE mailbox_id = $1 ORDER BY id', [mailboxId]);
  return [{ kind: 'keywords', mailboxId, keywords: list.rows.map((r) => r.name) }];
}

/** As the SQLite store's MessageRepo.pruneLog (issue 15 item 2): forgets all but about the newest entries. */
async function pruneLog(db: Queryable, mailboxId: number, newest: number): Promise<void> {
  const at = async (offset: number): Promise<number | undefined> =>
    (
      await db.query<{ modseq: number }>('SELECT modseq FROM expunged WHERE mailbox_id = $1 ORDER BY modseq DESC LIMIT 1 OFFSET $2', [
        mailboxId,
        offset,
      ])
    ).rows[0]?.modseq;
  const keep = EXPUNGE_LOG_KEEP;
  if ((await at(keep + Math.floor(keep / 4))) === undefined) return;
  const cutoff = Math.min((await at(keep)) ?? 0, newest - 1);
  if (cutoff < 1) return;
  await db.query('DELETE FROM expunged WHERE mailbox_id = $1 AND modseq <= $2', [mailboxId, cutoff]);
  await db.query('UPDATE mailboxes SET expunge_horizon = GREATEST(expunge_horizon, $1) WHERE id = $2', [cutoff, mailboxId]);
}
