// How big the store is, for an operator (issue 16 item 4: postern_store_* metrics), and the trivial read
// the health endpoint asks of it. Cheap at any size: page counts and the mailboxes' own message counters,
// one indexed count of bodies; nothing reads a message.
import type { SqliteDb } from './database.js';

export interface StoreSize {
  /** The database file's pages, in use and free (the WAL and the text index beside it not included). */
  databaseBytes: number;
  /** Messages in all mailboxes (the sum of the mailboxes' counters). */
  messages: number;
  /** Distinct bodies (copies of a message share one). */
  bodies: number;
}

function pragmaNumber(db: SqliteDb, name: 'page_count' | 'page_size'): number {
  return Number(db.pragma(name, { simple: true }));
}

export function storeSize(db: SqliteDb): StoreSize {
  const messages = db.prepare('SELECT coalesce(sum(messages), 0) AS n FROM mailboxes').get() as { n: number };
  const bodies = db.prepare('SELECT count(*) AS n FROM bodies').get() as { n: number };
  return { databaseBytes: pragmaNumber(db, 'page_count') * pragmaNumber(db, 'page_size'), messages: messages.n, bodies: bodies.n };
}

/** A read every store answers when it is healthy: throws when the database cannot be read. */
export function pingStore(db: SqliteDb): void {
  db.prepare('SELECT count(*) FROM store_state').get();
}
