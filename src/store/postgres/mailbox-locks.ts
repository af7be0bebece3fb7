// Row locks and allocations of the PostgreSQL store's writes (issue 18 item 2; SPEC R9.3, R3.4; RFC 9051 §2.3.1.1,
// RFC 7162 §3.1): the user row (quota checks) before mailbox rows, mailboxes by ascending id, so that front ends
// writing at once serialise per mailbox without deadlocking; UIDs and modseqs taken by UPDATE … RETURNING in the
// transaction of the change.
import { StoreError } from '../errors.js';
import type { PgClient } from './database.js';

/** What the writes read of a mailbox row (locked FOR UPDATE: the latest committed values). */
export interface LockedMailbox {
  id: number;
  user_id: number;
  name: string;
  uid_validity: number;
  requiretls_messages: number;
}

const MAILBOX = 'SELECT id, user_id, name, uid_validity, requiretls_messages FROM mailboxes';

/** The user's mailbox with this id, locked; 'not-found' as the SQLite store's MailboxRepo.getById. */
export async function lockMailbox(client: PgClient, userId: number, id: number): Promise<LockedMailbox> {
  const row = Number.isSafeInteger(id)
    ? (await client.query<LockedMailbox>(`${MAILBOX} WHERE user_id = $1 AND id = $2 FOR UPDATE`, [userId, id])).rows[0]
    : undefined;
  if (!row) throw new StoreError('not-found', `no mailbox with id ${id}`);
  return row;
}

/** Two of the user's mailboxes (the same one twice allowed), locked in ascending id order. */
export async function lockMailboxPair(client: PgClient, userId: number, a: number, b: number): Promise<[LockedMailbox, LockedMailbox]> {
  const ids = [a, b].filter(Number.isSafeInteger);
  const rows = (await client.query<LockedMailbox>(`${MAILBOX} WHERE user_id = $1 AND id = ANY($2::bigint[]) ORDER BY id FOR UPDATE`, [userId, ids])).rows;
  const find = (id: number): LockedMailbox => {
    const row = rows.find((r) => r.id === id);
    if (!row) throw new StoreError('not-found', `no mailbox with id ${id}`);
    return row;
  };
  return [find(a), find(b)];
}

/** The user's mailbox of this (canonical) name, locked; undefined when there is none. */
export async function lockMailboxNamed(client: PgClient, userId: number, name: string): Promise<LockedMailbox | undefined> {
  return (await client.query<LockedMailbox>(`${MAILBOX} WHERE user_id = $1 AND name = $2 FOR UPDATE`, [userId, name])).rows[0];
}

/**
 * The user row, locked against other writers' quota checks (growth of one user's usage is serialised, so that two
 * front ends cannot both pass assertRoom); returns the quota. 'not-found' as the SQLite store's UserRepo.get.
 */
export async function lockUser(client: PgClient, userId: number, missing?: () => StoreError): Promise<{ quotaBytes: number | null }> {
  const row = Number.isSafeInteger(userId)
    ? (await client.query<{ quota_bytes: number | null }>('SELECT quota_bytes FROM users WHERE id = $1 FOR NO KEY UPDATE', [userId])).rows[0]
    : undefined;
  if (!row) throw missing?.() ?? new StoreError('not-found', `no user with id ${userId}`);
  return { quotaBytes: row.quota_bytes };
}

/** Locks the existing ones among these user rows, by ascending id (the order every write takes user rows in). */
export async function lockUsers(client: PgClient, userIds: readonly number[]): Promise<void> {
  const ids = [...new Set(userIds.filter(Number.isSafeInteger))];
  if (ids.length > 1) await client.query('SELECT id FROM users WHERE id = ANY($1::bigint[]) ORDER BY id FOR NO KEY UPDATE', [ids]);
}

/** Throws 'over-quota' when adding `bytes` would put the user above their quota (as the SQLite UserRepo.assertRoom). */
export async function assertRoom(client: PgClient, userId: number, quotaBytes: number | null, bytes: number): Promise<void> {
  if (bytes <= 0 || quotaBytes === null) return;
  const used = (await client.query<{ bytes: number }>('SELECT COALESCE(SUM(bytes), 0)::bigint AS bytes FROM mailboxes WHERE user_id = $1', [userId])).rows[0]?.bytes ?? 0;
  if (used + bytes > quotaBytes) {
    throw new StoreError('over-quota', `quota exceeded: ${used} + ${bytes} bytes is above the limit of ${quotaBytes}`);
  }
}

/** Reserves `count` consecutive UIDs and one new modseq (RFC 7162 §3.1); returns the first UID and the modseq. */
export async function takeUids(client: PgClient, mailboxId: number, count: number): Promise<{ uid: number; modseq: number }> {
  const row = (
    await client.query<{ uid: number; modseq: number }>(
      'UPDATE mailboxes SET uid_next = uid_next + $2, highest_modseq = highest_modseq + 1 WHERE id = $1 RETURNING uid_next - $2 AS uid, highest_modseq AS modseq',
      [mailboxId, count],
    )
  ).rows[0];
  if (!row) throw new StoreError('not-found', `no mailbox with id ${mailboxId}`);
  return row;
}

/**
 * Issue 16 item 1 (`postern import`): takes the given UID, at least UIDNEXT ('exists' otherwise; UIDs only grow),
 * and a new modseq; UIDNEXT moves above it. As the SQLite MailboxRepo.takeUid.
 */
export async function takeUid(client: PgClient, mailboxId: number, uid: number): Promise<{ uid: number; modseq: number }> {
  if (!Number.isSafeInteger(uid) || uid < 1 || uid > 0xffffffff) throw new StoreError('invalid-name', `UID ${uid} out of range`);
  const row = (
    await client.query<{ modseq: number }>(
      'UPDATE mailboxes SET uid_next = $2 + 1, highest_modseq = highest_modseq + 1 WHERE id = $1 AND uid_next <= $2 RETURNING highest_modseq AS modseq',
      [mailboxId, uid],
    )
  ).rows[0];
  if (!row) throw new StoreError('exists', `UID ${uid} is below the mailbox's UIDNEXT (it exists or existed)`);
  return { uid, modseq: row.modseq };
}

/** A new modseq of the mailbox: the modseq of one change (RFC 7162 §3.1). */
export async function nextModseq(client: PgClient, mailboxId: number): Promise<number> {
  const row = (await client.query<{ modseq: number }>('UPDATE mailboxes SET highest_modseq = highest_modseq + 1 WHERE id = $1 RETURNING highest_modseq AS modseq', [mailboxId])).rows[0];
  if (!row) throw new StoreError('not-found', `no mailbox with id ${mailboxId}`);
  return row.modseq;
}
