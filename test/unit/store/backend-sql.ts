// What the store tests inspect below the Store interface, on either backend (issue 18 item 4): body rows and
// their refcounts, and the consistency check — the SQLite store's checkStore, or its PostgreSQL equivalent
// here (mailbox counters and body refcounts recomputed from the message rows).
import type { BackendFixture } from './backends.js';

/** Rows of `sql` (no parameters) on the fixture's database. */
export async function sqlRows<R>(f: BackendFixture, sql: string): Promise<R[]> {
  if (f.backend === 'sqlite') return f.store.db.prepare(sql).all() as R[];
  return (await f.store.pool.query(sql)).rows as R[];
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
