// Plain SQL against a test store's own database, on either backend (issue 18 item 4): for the checks of the store
// suite that look at stored rows (a row kept, freed, or made stale). `?` placeholders; PostgreSQL gets $1, $2 ….
import type { BackendFixture } from './backends.js';

/** The rows `sql` returns (none for a statement that returns none). */
export async function sqlRows<T = Record<string, unknown>>(f: BackendFixture, sql: string, params: readonly unknown[] = []): Promise<T[]> {
  if (f.backend === 'sqlite') {
    const stmt = f.store.db.prepare(sql);
    return stmt.reader ? (stmt.all(...params) as T[]) : (stmt.run(...params), []);
  }
  let n = 0;
  return (await f.store.pool.query(sql.replace(/\?/g, () => `$${++n}`), params as unknown[])).rows as T[];
}

/** The single number `sql` returns (a COUNT). */
export async function sqlNumber(f: BackendFixture, sql: string, params: readonly unknown[] = []): Promise<number> {
  const [row] = await sqlRows(f, sql, params);
  return Number(Object.values(row ?? {})[0]);
}
