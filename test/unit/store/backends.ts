// The store suite runs against every backend (issue 18 item 4: one parameterised suite, not a copy):
// `describeBackends(title, body)` declares the suite once per backend; `body` opens fresh stores with `open()`.
// The PostgreSQL backend is skipped, saying why, where PostgreSQL is not installed.
import { describe } from 'vitest';
import type { Store } from '../../../src/store/store.js';
import { openPostgresStore, type PostgresStore } from '../../../src/store/postgres/postgres-store.js';
import type { SqliteStore } from '../../../src/store/sqlite/sqlite-store.js';
import { createTestDatabase, pgAvailable, pgSkipReason } from '../../support/postgres.js';
import { openFixture } from './store-fixture.js';

export type BackendName = 'sqlite' | 'postgres';

export type BackendFixture =
  | { backend: 'sqlite'; store: SqliteStore; cleanup(): Promise<void> }
  | { backend: 'postgres'; store: PostgresStore; cleanup(): Promise<void> };

export interface Backend {
  name: BackendName;
  /** Why this backend's suites are skipped here; null when they run. */
  skip: string | null;
  /** A fresh, empty store of this backend. */
  open(): Promise<BackendFixture>;
}

async function openSqlite(): Promise<BackendFixture> {
  const fx = await openFixture();
  return { backend: 'sqlite', store: fx.store, cleanup: () => fx.cleanup() };
}

async function openPostgres(): Promise<BackendFixture> {
  const db = await createTestDatabase();
  const store = await openPostgresStore({ url: db.url, poolSize: 4 });
  return {
    backend: 'postgres',
    store,
    async cleanup() {
      await store.close();
      await db.drop();
    },
  };
}

export const BACKENDS: readonly Backend[] = [
  { name: 'sqlite', skip: null, open: openSqlite },
  { name: 'postgres', skip: pgAvailable ? null : pgSkipReason, open: openPostgres },
];

/** Declares `body` once per backend, as `title [backend]`. */
export function describeBackends(title: string, body: (open: () => Promise<BackendFixture>, backend: BackendName) => void): void {
  for (const b of BACKENDS) describe.skipIf(b.skip !== null)(`${title} [${b.name}]`, () => body(b.open, b.name));
}

/** The store of a fixture as the interface every backend implements. */
export function storeOf(fx: BackendFixture): Store {
  return fx.store;
}
