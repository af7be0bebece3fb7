// The PostgreSQL store's mailboxes, subscriptions and \Noselect placeholders as rows (RFC 9051 §6.3, RFC 6154,
// RFC 3501 §6.3.4; issue 18): lookups (optionally locking the row: writers of one mailbox serialise on it),
// insertion with a fresh UIDVALIDITY (RFC 9051 §2.3.1.1, allocated under store_state's row lock), as the SQLite
// store's mailboxes.ts and noselect.ts do. Rows come back in the SQLite row shape (rows.ts) so that its pure
// mapping applies.
import type pg from 'pg';
import { StoreError } from '../errors.js';
import type { SpecialUse } from '../types.js';
import { canonicalMailboxName, parentNames } from '../sqlite/names.js';
import type { MailboxRow } from '../sqlite/rows.js';

/** A client in a transaction, or the pool for a single-statement read. */
export interface Queryable {
  query<R extends pg.QueryResultRow = pg.QueryResultRow>(text: string, values?: unknown[]): Promise<{ rows: R[]; rowCount: number | null }>;
}

/** The columns of a MailboxRow (subscribed as 0/1, as in the SQLite store's rows.ts MAILBOX_COLUMNS). */
export const MAILBOX_COLUMNS =
  'mb.id, mb.user_id, mb.name, mb.special_use, mb.uid_validity, mb.uid_next, mb.highest_modseq, mb.messages, ' +
  'mb.unseen, mb.deleted, mb.bytes, mb.requiretls_messages, mb.object_id, ' +
  '(EXISTS (SELECT 1 FROM subscriptions s WHERE s.user_id = mb.user_id AND s.name = mb.name))::int AS subscribed';

const SELECT = `SELECT ${MAILBOX_COLUMNS} FROM mailboxes mb`;

/** Byte order of names, as SQLite's BINARY collation (whatever the database's collation). */
export const C = 'COLLATE "C"';

export type Lock = 'none' | 'update';

/**
 * Whether a name can be looked up at all: PostgreSQL text cannot hold U+0000 (SQLite can, and finds nothing: no
 * mailbox or user name holds a control character), so such a name is answered as absent without asking.
 */
export function storable(name: string): boolean {
  return !name.includes('\u0000');
}
const lockClause = (lock: Lock): string => (lock === 'update' ? ' FOR UPDATE OF mb' : '');

export async function findMailbox(db: Queryable, userId: number, name: string, lock: Lock = 'none'): Promise<MailboxRow | undefined> {
  if (!storable(name)) return undefined;
  const r = await db.query<MailboxRow>(`${SELECT} WHERE mb.user_id = $1 AND mb.name = $2${lockClause(lock)}`, [userId, canonicalMailboxName(name)]);
  return r.rows[0];
}

export async function getMailboxRow(db: Queryable, userId: number, name: string, lock: Lock = 'none'): Promise<MailboxRow> {
  const row = await findMailbox(db, userId, name, lock);
  if (!row) throw new StoreError('not-found', `no mailbox ${JSON.stringify(name)}`);
  return row;
}

/** The user's mailbox with this id; 'not-found' when absent or another user's. */
export async function getMailboxRowById(db: Queryable, userId: number, id: number, lock: Lock = 'none'): Promise<MailboxRow> {
  const row = Number.isSafeInteger(id)
    ? (await db.query<MailboxRow>(`${SELECT} WHERE mb.user_id = $1 AND mb.id = $2${lockClause(lock)}`, [userId, id])).rows[0]
    : undefined;
  if (!row) throw new StoreError('not-found', `no mailbox with id ${id}`);
  return row;
}

export async function listMailboxRows(db: Queryable, userId: number): Promise<MailboxRow[]> {
  return (await db.query<MailboxRow>(`${SELECT} WHERE mb.user_id = $1 ORDER BY mb.name ${C}`, [userId])).rows;
}

/** Every mailbox strictly below `name`, in name order. */
export async function inferiors(db: Queryable, userId: number, name: string): Promise<Array<{ id: number; name: string }>> {
  const r = await db.query<{ id: number; name: string }>(
    `SELECT id, name FROM mailboxes WHERE user_id = $1 AND starts_with(name, $2) ORDER BY name ${C}`,
    [userId, `${name}/`],
  );
  return r.rows;
}

/** A UIDVALIDITY larger than every one handed out before (time-based), under store_state's row lock. */
async function nextUidValidity(db: Queryable): Promise<number> {
  const r = await db.query<{ value: number }>(
    "UPDATE store_state SET value = GREATEST(value + 1, $1) WHERE key = 'last_uid_validity' RETURNING value",
    [Math.floor(Date.now() / 1000)],
  );
  const value = r.rows[0]?.value;
  if (value === undefined) throw new Error("store_state has no 'last_uid_validity'");
  return value;
}

/**
 * Inserts one mailbox row (the caller has validated the name); null when a mailbox of that name exists
 * (committed meanwhile by another front end).
 */
export async function insertMailbox(db: Queryable, userId: number, name: string, specialUse: SpecialUse | null): Promise<MailboxRow | null> {
  const uidValidity = await nextUidValidity(db);
  const r = await db.query<{ id: number }>(
    'INSERT INTO mailboxes (user_id, name, special_use, uid_validity) VALUES ($1, $2, $3, $4) ON CONFLICT (user_id, name) DO NOTHING RETURNING id',
    [userId, name, specialUse, uidValidity],
  );
  const id = r.rows[0]?.id;
  return id === undefined ? null : getMailboxRowById(db, userId, id);
}

export async function subscribeName(db: Queryable, userId: number, name: string): Promise<void> {
  await db.query('INSERT INTO subscriptions (user_id, name) VALUES ($1, $2) ON CONFLICT DO NOTHING', [userId, canonicalMailboxName(name)]);
}

export async function subscriptions(db: Queryable, userId: number): Promise<string[]> {
  const r = await db.query<{ name: string }>(`SELECT name FROM subscriptions WHERE user_id = $1 ORDER BY name ${C}`, [userId]);
  return r.rows.map((row) => row.name);
}

// ---- \Noselect placeholders (the SQLite store's noselect.ts) -----------------------------------------------

export async function noselectHas(db: Queryable, userId: number, name: string): Promise<boolean> {
  if (!storable(name)) return false;
  const r = await db.query('SELECT 1 FROM noselect_mailboxes WHERE user_id = $1 AND name = $2', [userId, canonicalMailboxName(name)]);
  return r.rows.length > 0;
}

export async function noselectAdd(db: Queryable, userId: number, name: string): Promise<void> {
  await db.query('INSERT INTO noselect_mailboxes (user_id, name) VALUES ($1, $2) ON CONFLICT DO NOTHING', [userId, name]);
}

export async function noselectRemove(db: Queryable, userId: number, name: string): Promise<void> {
  await db.query('DELETE FROM noselect_mailboxes WHERE user_id = $1 AND name = $2', [userId, name]);
}

export async function noselectList(db: Queryable, userId: number): Promise<string[]> {
  const r = await db.query<{ name: string }>(`SELECT name FROM noselect_mailboxes WHERE user_id = $1 ORDER BY name ${C}`, [userId]);
  return r.rows.map((row) => row.name);
}

/** The placeholders at or below `name`, in name order. */
export async function noselectSubtree(db: Queryable, userId: number, name: string): Promise<string[]> {
  const prefix = `${name}/`;
  return (await noselectList(db, userId)).filter((n) => n === name || n.startsWith(prefix));
}

/** Removes the placeholders above `name` that no mailbox lies below any more, innermost first. */
export async function noselectPruneAbove(db: Queryable, userId: number, name: string): Promise<void> {
  for (const parent of parentNames(name).reverse()) {
    if (!(await noselectHas(db, userId, parent))) continue;
    const below = await db.query('SELECT 1 FROM mailboxes WHERE user_id = $1 AND starts_with(name, $2) LIMIT 1', [userId, `${parent}/`]);
    if (below.rows.length === 0) await noselectRemove(db, userId, parent);
  }
}
