// Opening a mailbox in the PostgreSQL store (R3.4, R7.5; RFC 3501 §2.3.2, issue 13 item 1; issue 18): its counters,
// UIDs, first unseen and first recent UID and keywords read together — from one REPEATABLE READ snapshot (EXAMINE),
// or, when the opener claims \Recent (SELECT), in one write transaction holding the mailbox's row lock, which every
// writer of the mailbox takes too (UIDs, modseqs, counters), so that the reads agree — and STATUS likewise.
import { StoreError } from '../errors.js';
import type { MailboxSnapshot, MailboxStatus, MailboxStatusOptions } from '../types.js';
import { canonicalMailboxName } from '../sqlite/names.js';
import type { TrackedMailbox } from './context.js';
import { toMailboxInfo } from '../sqlite/rows.js';
import { getMailboxRow, storable, type Lock, type Queryable } from './mailboxes.js';
import { claim, countRecent, firstRecent } from './recent.js';

/** The mailbox's state before an open's snapshot: where the feed starts re-reading other front ends' changes. */
export async function markOf(db: Queryable, userId: number, name: string): Promise<TrackedMailbox> {
  const notFound = (): StoreError => new StoreError('not-found', `no mailbox ${JSON.stringify(name)}`);
  if (!storable(name)) throw notFound();
  const r = await db.query<{ id: number; name: string; uid_next: number; highest_modseq: number; keywords: number }>(
    'SELECT mb.id, mb.name, mb.uid_next, mb.highest_modseq, (SELECT count(*) FROM mailbox_keywords k WHERE k.mailbox_id = mb.id) AS keywords ' +
      'FROM mailboxes mb WHERE mb.user_id = $1 AND mb.name = $2',
    [userId, canonicalMailboxName(name)],
  );
  const row = r.rows[0];
  if (!row) throw notFound();
  // The keyword count is read with the row: the list only grows, so the snapshot holds at least these.
  return { id: row.id, name: row.name, uidNext: row.uid_next, highestModseq: row.highest_modseq, keywordCount: row.keywords };
}

/** The snapshot, claiming \Recent when asked (inside a write transaction then). */
export async function readSnapshot(
  db: Queryable,
  userId: number,
  name: string,
  opts: { claimRecent?: boolean; refuseProtected?: boolean },
): Promise<MailboxSnapshot> {
  const lock: Lock = opts.claimRecent === true ? 'update' : 'none';
  const row = await getMailboxRow(db, userId, name, lock);
  // Issue 13 item 1: a read-write SELECT claims every unclaimed UID in the transaction that reads them.
  const claiming = opts.claimRecent === true && !(opts.refuseProtected === true && row.requiretls_messages > 0); // R3.4
  const firstRecentUid = claiming ? await claim(db, row.id, row.uid_next - 1) : await firstRecent(db, row.id);
  const uids = await db.query<{ uid: number }>('SELECT uid FROM messages WHERE mailbox_id = $1 ORDER BY uid', [row.id]);
  const unseen = await db.query<{ uid: number }>(
    'SELECT uid FROM messages WHERE mailbox_id = $1 AND (system_flags & 1) = 0 ORDER BY uid LIMIT 1',
    [row.id],
  );
  const keywords = await db.query<{ name: string }>('SELECT name FROM mailbox_keywords WHERE mailbox_id = $1 ORDER BY id', [row.id]);
  return {
    info: toMailboxInfo(row),
    uids: uids.rows.map((r) => r.uid),
    firstUnseenUid: unseen.rows[0]?.uid ?? null,
    firstRecentUid,
    keywords: keywords.rows.map((r) => r.name),
  };
}

/** R3.4: the counters (and, when asked, \Deleted, \Recent and DELETED-STORAGE); call in one snapshot. */
export async function readStatus(db: Queryable, userId: number, name: string, opts: MailboxStatusOptions): Promise<MailboxStatus> {
  const row = await getMailboxRow(db, userId, name);
  let deletedStorage: number | null = null;
  if (opts.deletedStorage === true) {
    deletedStorage = 0;
    if (row.deleted !== 0) {
      const r = await db.query<{ bytes: number }>(
        'SELECT COALESCE(SUM(size), 0)::bigint AS bytes FROM messages WHERE mailbox_id = $1 AND (system_flags & 8) <> 0',
        [row.id],
      );
      deletedStorage = r.rows[0]?.bytes ?? 0;
    }
  }
  return {
    info: toMailboxInfo(row),
    deleted: opts.deleted === true ? row.deleted : null,
    recent: opts.recent === true ? await countRecent(db, row.id) : null,
    deletedStorage,
  };
}
