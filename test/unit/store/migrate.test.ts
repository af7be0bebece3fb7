// Schema migrations (SPEC R9.2): from empty, re-open as a no-op, each older version forward, newer refused.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isStoreError } from '../../../src/store/errors.js';
import { openDatabase, type SqliteDb } from '../../../src/store/sqlite/database.js';
import { loadMigrations, migrate, MigrationError, schemaVersion, type Migration } from '../../../src/store/sqlite/migrate.js';
import { openSqliteStore } from '../../../src/store/sqlite/sqlite-store.js';
import { CREDENTIALS, tempDir } from './store-fixture.js';

let tmp: ReturnType<typeof tempDir>;
let dbs: SqliteDb[];
beforeEach(() => {
  tmp = tempDir();
  dbs = [];
});
afterEach(() => {
  for (const db of dbs) if (db.open) db.close();
  tmp.cleanup();
});

function open(name = 'm.sqlite'): SqliteDb {
  const db = openDatabase(join(tmp.dir, name));
  dbs.push(db);
  return db;
}

function tables(db: SqliteDb): string[] {
  return (db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").all() as Array<{ name: string }>).map(
    (r) => r.name,
  );
}

const SYNTHETIC: Migration[] = [
  { version: 1, name: '0001-a.sql', sql: 'CREATE TABLE a (x INTEGER);' },
  { version: 2, name: '0002-b.sql', sql: 'CREATE TABLE b (y INTEGER); INSERT INTO a VALUES (2);' },
  { version: 3, name: '0003-c.sql', sql: 'ALTER TABLE b ADD COLUMN z TEXT; INSERT INTO a VALUES (3);' },
];

describe('migrate', () => {
  it('builds the real schema from an empty database (version 0) and re-opening is a no-op', () => {
    const db = open();
    expect(schemaVersion(db)).toBe(0);
    const latest = loadMigrations().length;
    expect(migrate(db)).toEqual({ from: 0, to: latest, applied: Array.from({ length: latest }, (_, i) => i + 1) });
    expect(tables(db)).toEqual(
      expect.arrayContaining(['users', 'mailboxes', 'messages', 'bodies', 'expunged', 'subscriptions', 'schema_version']),
    );
    expect(migrate(db)).toEqual({ from: latest, to: latest, applied: [] });
    expect((db.prepare('SELECT COUNT(*) AS n FROM schema_version').get() as { n: number }).n).toBe(1);
  });

  it('migrates a database at each older version forward, keeping its data', () => {
    for (let start = 0; start < SYNTHETIC.length; start++) {
      const db = open(`v${start}.sqlite`);
      migrate(db, SYNTHETIC.slice(0, start));
      expect(schemaVersion(db)).toBe(start);
      const outcome = migrate(db, SYNTHETIC);
      expect(outcome).toEqual({ from: start, to: 3, applied: [1, 2, 3].filter((v) => v > start) });
      expect(tables(db)).toEqual(['a', 'b', 'schema_version']);
      expect((db.prepare('SELECT x FROM a ORDER BY x').all() as Array<{ x: number }>).map((r) => r.x)).toEqual([2, 3]);
    }
  });

  it('brings a store holding a message at each real older version to the newest, message served whole (0005 chunks)', async () => {
    const real = loadMigrations();
    for (let v = 1; v < real.length; v++) {
      const name = `real-${v}.sqlite`;
      const db = open(name);
      migrate(db, real.slice(0, v));
      db.exec(
        "INSERT INTO users (name, name_key, scrypt, scram_salt, scram_iterations, scram_stored_key, scram_server_key, created_at) " +
          "VALUES ('u', 'u', 'x', 'x', 4096, 'x', 'x', 0);" +
          "INSERT INTO mailboxes (user_id, name, uid_validity, uid_next, highest_modseq) VALUES (1, 'INBOX', 1, 2, 2);" +
          "INSERT INTO bodies (bytes, size) VALUES (CAST('Subject: old\r\n\r\nbody\r\n' AS BLOB), 22);" +
          "INSERT INTO messages (mailbox_id, uid, modseq, internal_date, size, body_id, prefix) VALUES (1, 1, 2, 0, 26, 1, CAST('X: 1' AS BLOB));",
      );
      db.close();
      const store = await openSqliteStore({ path: join(tmp.dir, name) });
      try {
        expect(schemaVersion(store.db)).toBe(real.length);
        expect((await store.readMessage(1, 1, 1)).toString()).toBe('X: 1Subject: old\r\n\r\nbody\r\n');
        expect((await store.check()).problems).toEqual([]);
      } finally {
        await store.close();
      }
    }
  });

  it('gives rows stored before the internal-zone migration the server local zone at their date (issue 13 item 6)', async () => {
    const real = loadMigrations();
    const at = real.findIndex((m) => m.name.endsWith('-internal-zone.sql'));
    expect(at).toBeGreaterThan(0);
    const db = open('zone.sqlite');
    migrate(db, real.slice(0, at));
    const winter = Date.UTC(2026, 0, 15, 12);
    const summer = Date.UTC(2026, 6, 15, 12);
    db.exec(
      "INSERT INTO users (name, name_key, scrypt, scram_salt, scram_iterations, scram_stored_key, scram_server_key, created_at) " +
        "VALUES ('u', 'u', 'x', 'x', 4096, 'x', 'x', 0);" +
        "INSERT INTO mailboxes (user_id, name, uid_validity, uid_next, highest_modseq) VALUES (1, 'INBOX', 1, 3, 3);" +
        "INSERT INTO bodies (bytes, size) VALUES (CAST('Subject: old\r\n\r\nbody\r\n' AS BLOB), 22);" +
        `INSERT INTO messages (mailbox_id, uid, modseq, internal_date, size, body_id, prefix) VALUES (1, 1, 1, ${winter}, 22, 1, X''), (1, 2, 2, ${summer}, 22, 1, X'');`,
    );
    db.close();
    const tz = process.env.TZ;
    process.env.TZ = 'America/Los_Angeles'; // SQLite's 'localtime' and the server process read the same TZ
    try {
      const store = await openSqliteStore({ path: join(tmp.dir, 'zone.sqlite') });
      try {
        const metas = await store.listMessages(1, 1);
        expect(metas.map((m) => [m.internalDate.getTime(), m.internalZone])).toEqual([
          [winter, -480],
          [summer, -420],
        ]);
        expect((await store.check()).problems).toEqual([]);
      } finally {
        await store.close();
      }
    } finally {
      if (tz === undefined) delete process.env.TZ;
      else process.env.TZ = tz;
    }
  });

  it('rolls back a failing migration entirely and records no new version', () => {
    const db = open();
    const broken: Migration[] = [SYNTHETIC[0] as Migration, { version: 2, name: '0002-bad.sql', sql: 'CREATE TABLE c (q); SELECT * FROM nope;' }];
    expect(() => migrate(db, broken)).toThrow(/nope/);
    expect(schemaVersion(db)).toBe(1);
    expect(tables(db)).not.toContain('c');
  });

  it('refuses a database newer than the code', async () => {
    const db = open();
    migrate(db, SYNTHETIC);
    expect(() => migrate(db, SYNTHETIC.slice(0, 2))).toThrow(MigrationError);
    expect(() => migrate(db, SYNTHETIC.slice(0, 2))).toThrow(/version 3 is newer than this Postern knows \(2\)/);
    db.prepare('UPDATE schema_version SET version = 9999').run(); // newer than any real migrations/ too
    db.close();
    await expect(openSqliteStore({ path: join(tmp.dir, 'm.sqlite') })).rejects.toThrow(MigrationError);
  });

  it('loads NNNN-name.sql files in numeric order and refuses gaps', () => {
    const dir = join(tmp.dir, 'migrations');
    mkdirSync(dir);
    writeFileSync(join(dir, '0002-second.sql'), 'SELECT 2;');
    writeFileSync(join(dir, '0001-first.sql'), 'SELECT 1;');
    writeFileSync(join(dir, 'README.md'), 'not a migration');
    expect(loadMigrations(dir).map((m) => m.name)).toEqual(['0001-first.sql', '0002-second.sql']);
    writeFileSync(join(dir, '0004-gap.sql'), 'SELECT 4;');
    expect(() => loadMigrations(dir)).toThrow(/expected version 3/);
  });

  it('opens the store with WAL, full sync, foreign keys and the busy timeout', async () => {
    const store = await openSqliteStore({ path: join(tmp.dir, 's.sqlite'), busyTimeoutMs: 1234 });
    try {
      expect(store.db.pragma('journal_mode', { simple: true })).toBe('wal');
      expect(store.db.pragma('synchronous', { simple: true })).toBe(2);
      expect(store.db.pragma('foreign_keys', { simple: true })).toBe(1);
      expect(store.db.pragma('busy_timeout', { simple: true })).toBe(1234);
      await store.createUser('u', CREDENTIALS);
    } finally {
      await store.close();
    }
    const again = await openSqliteStore({ path: join(tmp.dir, 's.sqlite') });
    try {
      expect((await again.listUsers()).map((u) => u.name)).toEqual(['u']);
      expect(again.db.pragma('busy_timeout', { simple: true })).toBe(5000);
    } finally {
      await again.close();
    }
  });

  it('turns a lock held past the busy timeout into StoreError temporary, and works once it is released', async () => {
    const path = join(tmp.dir, 'busy.sqlite');
    const store = await openSqliteStore({ path, busyTimeoutMs: 50 });
    const other = open('busy.sqlite');
    try {
      const user = await store.createUser('u', CREDENTIALS);
      other.exec('BEGIN IMMEDIATE');
      const err = await store.createMailbox(user.id, 'Blocked').catch((e: unknown) => e);
      expect(isStoreError(err, 'temporary')).toBe(true);
      other.exec('COMMIT');
      expect((await store.createMailbox(user.id, 'Blocked')).name).toBe('Blocked');
    } finally {
      await store.close();
    }
  });
});
