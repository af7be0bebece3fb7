// The PostgreSQL store's users (SPEC R6.3, R7.6; issue 16 item 7, issue 17 item 1; issue 18): accounts with scrypt
// and SCRAM-SHA-256 keys, quotas, disabled accounts, and the default mailboxes each new user gets, subscribed —
// as the SQLite store's users.ts. Rows come back in the SQLite row shape (rows.ts) so that its pure mapping applies.
import { StoreError } from '../errors.js';
import { DEFAULT_MAILBOXES, type QuotaUsage, type StoredCredentials } from '../types.js';
import { userNameKey } from '../sqlite/names.js';
import type { UserRow } from '../sqlite/rows.js';
import { insertMailbox, storable, subscribeName, type Queryable } from './mailboxes.js';

const USER_COLUMNS =
  'id, name, scrypt, scram_salt, scram_iterations, scram_stored_key, scram_server_key, quota_bytes, created_at, disabled::int AS disabled';

/** 'none', or a lock that keeps the user from being deleted until the transaction ends (mailbox and subscription inserts). */
export type UserLock = 'none' | 'key-share';

export async function findUserRow(db: Queryable, name: string): Promise<UserRow | undefined> {
  if (name.length === 0 || !storable(name)) return undefined;
  return (await db.query<UserRow>(`SELECT ${USER_COLUMNS} FROM users WHERE name_key = $1`, [name.toLowerCase()])).rows[0];
}

export async function getUserRow(db: Queryable, id: number, lock: UserLock = 'none'): Promise<UserRow> {
  const row = Number.isSafeInteger(id)
    ? (await db.query<UserRow>(`SELECT ${USER_COLUMNS} FROM users WHERE id = $1${lock === 'key-share' ? ' FOR KEY SHARE' : ''}`, [id])).rows[0]
    : undefined;
  if (!row) throw new StoreError('not-found', `no user with id ${id}`);
  return row;
}

export async function listUserRows(db: Queryable): Promise<UserRow[]> {
  return (await db.query<UserRow>(`SELECT ${USER_COLUMNS} FROM users ORDER BY name_key COLLATE "C"`)).rows;
}

/** Creates the user with the default mailboxes, subscribed (SPEC R7.6). Call inside a write transaction. */
export async function createUserRow(db: Queryable, name: string, credentials: StoredCredentials, quotaBytes: number | null): Promise<UserRow> {
  const nameKey = userNameKey(name);
  const exists = (): StoreError => new StoreError('exists', `user ${JSON.stringify(name)} already exists`);
  if ((await db.query('SELECT 1 FROM users WHERE name_key = $1', [nameKey])).rows.length > 0) throw exists();
  validateQuota(quotaBytes);
  const c = credentials.scramSha256;
  const r = await db.query<{ id: number }>(
    'INSERT INTO users (name, name_key, scrypt, scram_salt, scram_iterations, scram_stored_key, scram_server_key, quota_bytes, created_at) ' +
      'VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT (name_key) DO NOTHING RETURNING id',
    [name, nameKey, credentials.scrypt, c.salt, c.iterations, c.storedKey, c.serverKey, quotaBytes, Date.now()],
  );
  const id = r.rows[0]?.id;
  if (id === undefined) throw exists(); // created meanwhile by another front end
  for (const box of DEFAULT_MAILBOXES) {
    await insertMailbox(db, id, box.name, box.specialUse);
    await subscribeName(db, id, box.name);
  }
  return getUserRow(db, id);
}

export async function setCredentialsRow(db: Queryable, id: number, credentials: StoredCredentials): Promise<void> {
  await getUserRow(db, id);
  const c = credentials.scramSha256;
  await db.query(
    'UPDATE users SET scrypt = $2, scram_salt = $3, scram_iterations = $4, scram_stored_key = $5, scram_server_key = $6 WHERE id = $1',
    [id, credentials.scrypt, c.salt, c.iterations, c.storedKey, c.serverKey],
  );
}

/** Replaces the credentials only while they are still `current`; true when replaced. */
export async function replaceCredentialsRow(db: Queryable, id: number, current: StoredCredentials, next: StoredCredentials): Promise<boolean> {
  if (!Number.isSafeInteger(id)) return false;
  const c = next.scramSha256;
  const r = await db.query(
    'UPDATE users SET scrypt = $2, scram_salt = $3, scram_iterations = $4, scram_stored_key = $5, scram_server_key = $6 ' +
      'WHERE id = $1 AND scrypt = $7 AND scram_stored_key = $8',
    [id, next.scrypt, c.salt, c.iterations, c.storedKey, c.serverKey, current.scrypt, current.scramSha256.storedKey],
  );
  return r.rowCount === 1;
}

export async function scramIterationCounts(db: Queryable): Promise<Array<{ iterations: number; accounts: number }>> {
  const r = await db.query<{ iterations: number; accounts: number }>(
    'SELECT scram_iterations AS iterations, COUNT(*) AS accounts FROM users GROUP BY scram_iterations ORDER BY scram_iterations',
  );
  return r.rows;
}

export async function setQuotaRow(db: Queryable, id: number, quotaBytes: number | null): Promise<void> {
  await getUserRow(db, id);
  validateQuota(quotaBytes);
  await db.query('UPDATE users SET quota_bytes = $1 WHERE id = $2', [quotaBytes, id]);
}

export async function setDisabledRow(db: Queryable, id: number, disabled: boolean): Promise<void> {
  await getUserRow(db, id);
  await db.query('UPDATE users SET disabled = $1 WHERE id = $2', [disabled, id]);
}

/**
 * Deletes the user: their mailboxes locked (ascending id: writers to them wait, then find them gone), messages
 * first (so the trigger frees bodies), then the user; mailboxes, subscriptions and placeholders cascade. Returns
 * the mailbox ids, ascending.
 */
export async function deleteUserRow(db: Queryable, id: number): Promise<number[]> {
  await getUserRow(db, id);
  await db.query('SELECT id FROM users WHERE id = $1 FOR UPDATE', [id]);
  const boxes = await db.query<{ id: number }>('SELECT id FROM mailboxes WHERE user_id = $1 ORDER BY id FOR UPDATE', [id]);
  const ids = boxes.rows.map((r) => r.id);
  if (ids.length > 0) await db.query('DELETE FROM messages WHERE mailbox_id = ANY($1::bigint[])', [ids]);
  await db.query('DELETE FROM users WHERE id = $1', [id]);
  return ids;
}

/** The user's limit and counters (call in one snapshot: R3.4 judges them together). */
export async function usage(db: Queryable, id: number): Promise<QuotaUsage> {
  const user = await getUserRow(db, id);
  const r = await db.query<{ bytes: number; messages: number; requiretls: number }>(
    'SELECT COALESCE(SUM(bytes), 0)::bigint AS bytes, COALESCE(SUM(messages), 0)::bigint AS messages, ' +
      'COALESCE(SUM(requiretls_messages), 0)::bigint AS requiretls FROM mailboxes WHERE user_id = $1',
    [id],
  );
  const row = r.rows[0];
  return {
    usedBytes: row?.bytes ?? 0,
    limitBytes: user.quota_bytes,
    messages: row?.messages ?? 0,
    requireTlsMessages: row?.requiretls ?? 0,
  };
}

/** Copied from src/store/sqlite/users.ts validateQuota (private there). */
function validateQuota(quotaBytes: number | null): void {
  if (quotaBytes !== null && (!Number.isSafeInteger(quotaBytes) || quotaBytes < 0)) {
    throw new StoreError('invalid-name', `quota ${quotaBytes} is not a whole number of bytes`);
  }
}
