// Reading a test store's tables on either backend (issue 18 item 4): where a store test proves a behaviour by its
// rows (a body freed, a counter exact), the same SELECT runs on SQLite (better-sqlite3) or PostgreSQL (the pool).
// `?` placeholders become `$n` on PostgreSQL; BIGINT columns come back as numbers on both.
import type { BackendFixture } from './backends.js';

export async function sqlRows<T>(f: BackendFixture, text: string, params: readonly unknown[] = []): Promise<T[]> {
  if (f.backend === 'sqlite') return f.store.db.prepare(text).all(...params) as T[];
  let n = 0;
  return (await f.store.pool.query(text.replace(/\?/g, () => `$${++n}`), params as unknown[])).rows as T[];
}

/** The one value of a one-row, one-column SELECT. */
export async function sqlValue<T>(f: BackendFixture, text: string, params: readonly unknown[] = []): Promise<T> {
  const [row] = await sqlRows<Record<string, T>>(f, text, params);
  if (!row) throw new Error(`no row from ${text}`);
  return Object.values(row)[0] as T;
}

/**
 * What SqliteStore.check() verifies of counters and references, asked of either backend: each mailbox's counters
 * equal what its rows give, each body's refcount its message rows, no body without a message; empty when sound.
 */
export async function counterProblems(f: BackendFixture): Promise<string[]> {
  if (f.backend === 'sqlite') return (await f.store.check()).problems;
  const problems: string[] = [];
  const boxes = await sqlRows<Record<string, number>>(
    f,
    'SELECT b.id, b.messages, b.unseen, b.deleted, b.bytes, b.requiretls_messages, ' +
      'COUNT(m.id) AS n, COUNT(m.id) FILTER (WHERE m.system_flags & 1 = 0) AS n_unseen, COUNT(m.id) FILTER (WHERE m.system_flags & 8 <> 0) AS n_deleted, ' +
      'COALESCE(SUM(m.size), 0)::bigint AS n_bytes, COUNT(m.id) FILTER (WHERE m.require_tls) AS n_tls, COALESCE(MAX(m.uid), 0) AS max_uid, b.uid_next ' +
      'FROM mailboxes b LEFT JOIN messages m ON m.mailbox_id = b.id GROUP BY b.id',
  );
  for (const b of boxes) {
    for (const [counter, counted] of [['messages', 'n'], ['unseen', 'n_unseen'], ['deleted', 'n_deleted'], ['bytes', 'n_bytes'], ['requiretls_messages', 'n_tls']] as const) {
      if (b[counter] !== b[counted]) problems.push(`mailbox ${b.id}: ${counter} is ${b[counter]}, expected ${b[counted]}`);
    }
    if (b.max_uid! >= b.uid_next!) problems.push(`mailbox ${b.id}: UID ${b.max_uid} not below UIDNEXT ${b.uid_next}`);
  }
  const bodies = await sqlRows<{ id: number; refcount: number; n: number }>(
    f,
    'SELECT b.id, b.refcount, COUNT(m.id) AS n FROM bodies b LEFT JOIN messages m ON m.body_id = b.id GROUP BY b.id',
  );
  for (const b of bodies) {
    if (b.refcount !== b.n) problems.push(`body ${b.id}: refcount is ${b.refcount}, expected ${b.n}`);
    if (b.n === 0) problems.push(`body ${b.id}: referenced by no message`);
  }
  return problems;
}
