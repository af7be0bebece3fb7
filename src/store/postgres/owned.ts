// Reads of one user's mailbox in one statement (SPEC R9.4, R6.3: a user reads only their own mailboxes): the
// mailbox row joined laterally with the read, so that "no such mailbox" (StoreError 'not-found', as the SQLite
// store's mailboxes.getById) and "no rows" are told apart without a second round trip.
import { StoreError } from '../errors.js';
import type { MailboxId, UserId } from '../types.js';
import { query, type PgClient, type PgPool } from './database.js';

/** A pool (one statement, its own snapshot) or the client of a transaction (ctx.read / ctx.write). */
export type Queryable = PgPool | PgClient;

/** The SQLite store's message when a mailbox id is not the user's (mailboxes.ts getById). */
export function noMailbox(id: MailboxId): StoreError {
  return new StoreError('not-found', `no mailbox with id ${id}`);
}

/**
 * Runs `inner` for the user's mailbox `mailboxId` and returns its rows ordered by `uid` (every inner query selects
 * a non-null `uid`). In `inner`, $1 is the mailbox id and $3, $4 … are `params`. Throws 'not-found' when the
 * mailbox is not the user's.
 */
export async function ownedRows<R extends { uid: number }>(
  db: Queryable,
  userId: UserId,
  mailboxId: MailboxId,
  inner: string,
  params: readonly unknown[] = [],
): Promise<R[]> {
  if (!Number.isSafeInteger(mailboxId) || !Number.isSafeInteger(userId)) throw noMailbox(mailboxId);
  const sql =
    `SELECT x.* FROM mailboxes mb LEFT JOIN LATERAL (${inner}) x ON true ` +
    'WHERE mb.id = $1 AND mb.user_id = $2 ORDER BY x.uid';
  const values = [mailboxId, userId, ...params];
  const rows = 'release' in db ? (await db.query<R>(sql, values)).rows : await query<R>(db, sql, values);
  if (rows.length === 0) throw noMailbox(mailboxId);
  return rows.length === 1 && rows[0]!.uid === null ? [] : rows;
}

/** The UIDs a list call names, as SQL can take them (SQLite's json_each skips what is not a safe integer too). */
export function uidArray(uids: readonly number[]): number[] {
  return uids.filter(Number.isSafeInteger);
}
