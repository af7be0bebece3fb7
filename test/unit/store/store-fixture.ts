// Test fixture for the SQLite store: a fresh database in a temporary directory, removed afterwards.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DeliveryInput, StoredCredentials } from '../../../src/store/types.js';
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
