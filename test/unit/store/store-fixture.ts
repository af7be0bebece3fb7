// Test fixture for the SQLite store: a fresh database in a temporary directory, removed afterwards.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DeliveryInput, StoredCredentials } from '../../../src/store/types.js';
import { openDatabase } from '../../../src/store/sqlite/database.js';
import { loadMigrations, migrate } from '../../../src/store/sqlite/migrate.js';
import { openSqliteStore, type SqliteStore } from '../../../src/store/sqlite/sqlite-store.js';

export const CREDENTIALS: StoredCredentials = {
  scrypt: 'scrypt$16384$8$1$c2FsdA==$aGFzaA==',
  scramSha256: { salt: 'c2FsdA==', iterations: 4096, storedKey: 'c3RvcmVk', serverKey: 'c2VydmVy' },
};

export interface Fixture {
  dir: string;
  path: string;
  store: SqliteStore;
  cleanup(): Promise<void>;
}

export async function openFixture(): Promise<Fixture> {
  const dir = mkdtempSync(join(tmpdir(), 'postern-store-'));
  const path = join(dir, 'store.sqlite');
  const store = await openSqliteStore({ path });
  return {
    dir,
    path,
    store,
    async cleanup() {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export function tempDir(): { dir: string; cleanup(): void } {
  const dir = mkdtempSync(join(tmpdir(), 'postern-store-'));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** A delivery of `body` to the given users' INBOXes, each with its own trace prefix. */
export function delivery(body: string, userIds: number[], extra: Partial<DeliveryInput> = {}): DeliveryInput {
  return {
    body: Buffer.from(body),
    recipients: userIds.map((userId) => ({ userId, prefix: Buffer.from(`Delivered-To: user${userId}\r\n`) })),
    internalDate: new Date('2024-05-01T12:00:00Z'),
    requireTls: false,
    tlsRequiredNo: false,
    forgedFields: 0,
    ...extra,
  };
}

/** SQL for the one user (id 1) that the migration tests' old stores hold. */
export const OLD_STORE_USER_SQL =
  'INSERT INTO users (name, name_key, scrypt, scram_salt, scram_iterations, scram_stored_key, scram_server_key, created_at) ' +
  "VALUES ('u', 'u', 'x', 'x', 4096, 'x', 'x', 0);";

/**
 * A store as an older Postern left it: migrated up to just before the migration whose file name ends with
 * `-<suffix>.sql`, holding what `seedSql` inserts (after OLD_STORE_USER_SQL), then opened by this Postern —
 * which applies that migration and the later ones — and handed to `use`; removed afterwards.
 */
export async function withStoreBeforeMigration(suffix: string, seedSql: string, use: (store: SqliteStore) => Promise<void>): Promise<void> {
  const tmp = tempDir();
  try {
    const all = loadMigrations();
    const at = all.findIndex((m) => m.name.endsWith(`-${suffix}.sql`));
    if (at <= 0) throw new Error(`no migration named *-${suffix}.sql after the first`);
    const path = join(tmp.dir, 'old.sqlite');
    const db = openDatabase(path);
    migrate(db, all.slice(0, at));
    db.exec(OLD_STORE_USER_SQL + seedSql);
    db.close();
    const store = await openSqliteStore({ path });
    try {
      await use(store);
    } finally {
      await store.close();
    }
  } finally {
    tmp.cleanup();
  }
}
