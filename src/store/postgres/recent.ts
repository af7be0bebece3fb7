// \Recent ownership in the PostgreSQL store (RFC 3501 §2.3.2, §6.3.1, §6.3.2; issue 13 item 1, issue 18), as the
// SQLite store's recent.ts: per mailbox the first UID no session has claimed (mailboxes.first_recent_uid). A claim
// reads it under the mailbox's row lock and moves it forward in the same transaction, so that of several
// sessions in any number of front ends exactly one gets each message as \Recent.
import { StoreError } from '../errors.js';
import type { Queryable } from './mailboxes.js';

/** The lowest UID not yet claimed by any session. */
export async function firstRecent(db: Queryable, mailboxId: number): Promise<number> {
  const first = (await db.query<{ first: number }>('SELECT first_recent_uid AS first FROM mailboxes WHERE id = $1', [mailboxId])).rows[0]?.first;
  if (first === undefined) throw new StoreError('not-found', `no mailbox with id ${mailboxId}`);
  return first;
}

/**
 * Claims every UID up to `throughUid` for the caller (inside a write transaction): returns the first recent UID as
 * it was, so that the caller's UIDs in [returned, throughUid] are \Recent to it alone. The row lock taken here
 * makes a concurrent claimant wait for this one's commit and then see the mailbox's new first_recent_uid.
 */
export async function claim(db: Queryable, mailboxId: number, throughUid: number): Promise<number> {
  const row = (await db.query<{ first: number }>('SELECT first_recent_uid AS first FROM mailboxes WHERE id = $1 FOR UPDATE', [mailboxId])).rows[0];
  if (row === undefined) throw new StoreError('not-found', `no mailbox with id ${mailboxId}`);
  // Moves forward only: a claim through a UID some other session already claimed past changes nothing.
  if (row.first <= throughUid) {
    await db.query('UPDATE mailboxes SET first_recent_uid = $1 WHERE id = $2 AND first_recent_uid <= $3', [throughUid + 1, mailboxId, throughUid]);
  }
  return row.first;
}

/** STATUS RECENT and EXAMINE's RECENT: messages no session has claimed (RFC 3501 §6.3.10). */
export async function countRecent(db: Queryable, mailboxId: number): Promise<number> {
  const first = await firstRecent(db, mailboxId);
  const r = await db.query<{ n: number }>('SELECT count(*) AS n FROM messages WHERE mailbox_id = $1 AND uid >= $2', [mailboxId, first]);
  return r.rows[0]?.n ?? 0;
}
