// What the store tests inspect below the Store interface, on either backend (issue 18 item 4): body rows and
// their refcounts, and the consistency check — the SQLite store's checkStore, or its PostgreSQL equivalent
// here (mailbox counters and body refcounts recomputed from the message rows).
import Database from 'better-sqlite3';
import { openPostgresStore } from '../../../src/store/postgres/postgres-store.js';
import { openSqliteStore } from '../../../src/store/sqlite/sqlite-store.js';
import type { Store } from '../../../src/store/store.js';
import type { BackendFixture } from './backends.js';

/** Rows of `sql` on the fixture's database; `?` placeholders become `$n` on PostgreSQL. */
export async function sqlRows<R>(f: BackendFixture, sql: string, params: readonly unknown[] = []): Promise<R[]> {
  if (f.backend === 'sqlite') {
    const stmt = f.store.db.prepare(sql);
    if (!stmt.reader) {
      stmt.run(...params); // an UPDATE or DELETE (a stored row made stale or removed): no rows
      return [];
    }
    return stmt.all(...params) as R[];
  }
  let n = 0;
  return (await f.store.pool.query(params.length === 0 ? sql : sql.replace(/\?/g, () => `$${++n}`), params as unknown[])).rows as R[];
}

/** The one value of a one-row, one-column SELECT. */
export async function sqlValue<T>(f: BackendFixture, sql: string, params: readonly unknown[] = []): Promise<T> {
  const [row] = await sqlRows<Record<string, T>>(f, sql, params);
  if (!row) throw new Error(`no row from ${sql}`);
  return Object.values(row)[0] as T;
}

export async function bodyCount(f: BackendFixture): Promise<number> {
  const [row] = await sqlRows<{ n: number }>(f, 'SELECT COUNT(*) AS n FROM bodies');
  return Number(row?.n ?? 0);
}

export async function bodyRefcounts(f: BackendFixture): Promise<number[]> {
  return (await sqlRows<{ refcount: number }>(f, 'SELECT refcount FROM bodies ORDER BY id')).map((r) => Number(r.refcount));
}

/** SPEC R9.3: counters and refcounts that do not match the message rows (none expected). */
export async function checkProblems(f: BackendFixture): Promise<unknown[]> {
  if (f.backend === 'sqlite') return (await f.store.check()).problems;
  const counters = await sqlRows(
    f,
    'SELECT b.id, b.messages, b.unseen, b.deleted, b.bytes, b.requiretls_messages, c.* FROM mailboxes b LEFT JOIN LATERAL (' +
      'SELECT count(*) AS n, count(*) FILTER (WHERE system_flags & 1 = 0) AS u, count(*) FILTER (WHERE system_flags & 8 <> 0) AS d, ' +
      'COALESCE(sum(size), 0) AS s, count(*) FILTER (WHERE require_tls) AS r, COALESCE(max(uid), 0) AS top FROM messages WHERE mailbox_id = b.id) c ON true ' +
      'WHERE b.messages <> c.n OR b.unseen <> c.u OR b.deleted <> c.d OR b.bytes <> c.s OR b.requiretls_messages <> c.r OR b.uid_next <= c.top',
  );
  const refcounts = await sqlRows(
    f,
    'SELECT b.id, b.refcount, (SELECT count(*) FROM messages m WHERE m.body_id = b.id) AS n FROM bodies b ' +
      'WHERE b.refcount <> (SELECT count(*) FROM messages m WHERE m.body_id = b.id) OR b.refcount = 0',
  );
  return [...counters, ...refcounts];
}

/** A second store on the fixture's database: another process, or another front end (issue 18 item 2). */
export async function openSecond(f: BackendFixture): Promise<Store> {
  if (f.backend === 'sqlite') return openSqliteStore({ path: f.store.db.name });
  const url = f.store.pool.options.connectionString;
  if (url === undefined) throw new Error('the test pool has no connection string');
  return openPostgresStore({ url, poolSize: 4 });
}

/**
 * Holds what a claim of \Recent in mailbox `mailboxId` would wait for — SQLite's write lock, or the mailbox's
 * row lock in PostgreSQL — from another connection, until the returned function is called.
 */
export async function holdWriteLock(f: BackendFixture, mailboxId: number): Promise<() => Promise<void>> {
  if (f.backend === 'sqlite') {
    const holder = new Database(f.store.db.name);
    holder.exec('BEGIN IMMEDIATE');
    return async () => {
      holder.exec('ROLLBACK');
      holder.close();
    };
  }
  const client = await f.store.pool.connect();
  await client.query('BEGIN');
  await client.query('SELECT id FROM mailboxes WHERE id = $1 FOR UPDATE', [mailboxId]);
  return async () => {
    await client.query('ROLLBACK');
    client.release();
  };
}
