// The PostgreSQL store's schema (issue 18, SPEC R9.2): migrations-pg/ applies once, also when two front ends start
// at once; a database newer than the code is refused; the triggers keep mailbox counters and body refcounts exact.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openPool, type PgPool } from '../../../../src/store/postgres/database.js';
import { loadPgMigrations, migratePg } from '../../../../src/store/postgres/migrate.js';
import { createTestDatabase, pgAvailable, type TestDatabase } from '../../../support/postgres.js';

let db: TestDatabase;
let pools: PgPool[] = [];
function pool(): PgPool {
  const p = openPool({ url: db.url, max: 3 });
  pools.push(p);
  return p;
}

describe.skipIf(!pgAvailable)('PostgreSQL migrations', () => {
  beforeEach(async () => {
    db = await createTestDatabase();
  });
  afterEach(async () => {
    await Promise.all(pools.map((p) => p.end()));
    pools = [];
    await db.drop();
  });

  it('applies every migration once, also from two pools at once, and again changes nothing', async () => {
    const latest = loadPgMigrations().length;
    const [a, b] = await Promise.all([migratePg(pool()), migratePg(pool())]);
    expect([...a!.applied, ...b!.applied].sort((x, y) => x - y)).toEqual(Array.from({ length: latest }, (_, i) => i + 1));
    expect(a!.to).toBe(latest);
    expect(b!.to).toBe(latest);
    const again = await migratePg(pool());
    expect(again).toEqual({ from: latest, to: latest, applied: [] });
  });

  it('refuses a database newer than the code', async () => {
    const p = pool();
    await migratePg(p);
    await p.query('UPDATE schema_version SET version = version + 1');
    await expect(migratePg(p)).rejects.toThrow(/newer than this Postern knows/);
  });

  it('keeps counters and refcounts exact per statement, and frees a body with its last message', async () => {
    const p = pool();
    await migratePg(p);
    const user = (await p.query("INSERT INTO users (name, name_key, scrypt, scram_salt, scram_iterations, scram_stored_key, scram_server_key, created_at) VALUES ('u', 'u', 'x', 'x', 1, 'x', 'x', 0) RETURNING id")).rows[0].id;
    const box = (await p.query("INSERT INTO mailboxes (user_id, name, uid_validity) VALUES ($1, 'INBOX', 1) RETURNING id, object_id", [user])).rows[0];
    expect(box.object_id).toMatch(/^F[0-9a-f]{24}$/);
    const body = (await p.query("INSERT INTO bodies (bytes, size) VALUES ('\\x41'::bytea, 1) RETURNING id")).rows[0].id;
    const rows = await p.query(
      "INSERT INTO messages (mailbox_id, uid, modseq, system_flags, internal_date, size, require_tls, body_id, prefix) " +
        "SELECT $1, g, g, CASE WHEN g = 1 THEN 1 ELSE 0 END, 0, 10, g = 3, $2, '\\x'::bytea FROM generate_series(1, 3) g RETURNING email_id, save_date",
      [box.id, body],
    );
    expect(rows.rows.every((r) => /^M[0-9a-f]{24}$/.test(r.email_id) && r.save_date > 0)).toBe(true);
    const counters = async () => (await p.query('SELECT messages, unseen, deleted, bytes, requiretls_messages FROM mailboxes WHERE id = $1', [box.id])).rows[0];
    expect(await counters()).toEqual({ messages: 3, unseen: 2, deleted: 0, bytes: 30, requiretls_messages: 1 });
    expect((await p.query('SELECT refcount FROM bodies WHERE id = $1', [body])).rows[0].refcount).toBe(3);
    await p.query('UPDATE messages SET system_flags = system_flags | 9 WHERE mailbox_id = $1', [box.id]);
    expect(await counters()).toEqual({ messages: 3, unseen: 0, deleted: 3, bytes: 30, requiretls_messages: 1 });
    await p.query('DELETE FROM messages WHERE mailbox_id = $1 AND uid <= 2', [box.id]);
    expect(await counters()).toEqual({ messages: 1, unseen: 0, deleted: 1, bytes: 10, requiretls_messages: 1 });
    expect((await p.query('SELECT refcount FROM bodies WHERE id = $1', [body])).rows[0].refcount).toBe(1);
    await p.query('DELETE FROM messages WHERE mailbox_id = $1', [box.id]);
    expect((await p.query('SELECT count(*)::int AS n FROM bodies')).rows[0].n).toBe(0);
  });
});
