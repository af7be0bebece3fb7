// The change feed across front ends (issue 18 item 3, SPEC R7.5): two PostgresStore instances on one database;
// what front end A commits and announces reaches a listener subscribed on front end B — deliveries, flag changes,
// expunges, a deleted mailbox — also after B's listening connection was ended by the server.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { MailboxChange } from '../../../../src/store/changes.js';
import { CHANGE_CHANNEL } from '../../../../src/store/postgres/context.js';
import { openPostgresStore, type PostgresStore } from '../../../../src/store/postgres/postgres-store.js';
import { createTestDatabase, pgAvailable, pgSkipReason, type TestDatabase } from '../../../support/postgres.js';

let db: TestDatabase;
let a: PostgresStore;
let b: PostgresStore;
let mailboxId: number;
let seen: MailboxChange[];
let errors: Error[];

/** Front end A's writes, as SQL with the store's allocation rule, announced at commit as PgContext.write does. */
async function onA(fn: (q: (text: string, values?: unknown[]) => Promise<Array<Record<string, unknown>>>) => Promise<void>): Promise<void> {
  const client = await a.pool.connect();
  try {
    await client.query('BEGIN');
    await fn(async (text, values = []) => (await client.query(text, values)).rows as Array<Record<string, unknown>>);
    await client.query('SELECT pg_notify($1, $2)', [CHANGE_CHANNEL, JSON.stringify({ o: 'front-end-a', m: [mailboxId] })]);
    await client.query('COMMIT');
  } finally {
    client.release();
  }
}

async function deliverOnA(subject: string): Promise<{ uid: number; modseq: number }> {
  let out = { uid: 0, modseq: 0 };
  await onA(async (q) => {
    const [m] = await q(
      'UPDATE mailboxes SET uid_next = uid_next + 1, highest_modseq = highest_modseq + 1 WHERE id = $1 RETURNING uid_next - 1 AS uid, highest_modseq AS modseq',
      [mailboxId],
    );
    const raw = Buffer.from(`Subject: ${subject}\r\n\r\nbody\r\n`);
    const [body] = await q('INSERT INTO bodies (bytes, size) VALUES ($1, $2) RETURNING id', [raw, raw.length]);
    await q(
      'INSERT INTO messages (mailbox_id, uid, modseq, internal_date, size, body_id, prefix) VALUES ($1, $2, $3, 0, $4, $5, $6)',
      [mailboxId, m!.uid, m!.modseq, raw.length, body!.id, Buffer.alloc(0)],
    );
    out = { uid: Number(m!.uid), modseq: Number(m!.modseq) };
  });
  return out;
}

async function bumpOnA(q: (text: string, values?: unknown[]) => Promise<Array<Record<string, unknown>>>): Promise<number> {
  const [m] = await q('UPDATE mailboxes SET highest_modseq = highest_modseq + 1 WHERE id = $1 RETURNING highest_modseq AS modseq', [mailboxId]);
  return Number(m!.modseq);
}

/** Waits until `pred` holds for what B's listener has seen. */
async function until(pred: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 500 && !pred(); i++) await new Promise((r) => setTimeout(r, 10));
  if (!pred()) throw new Error(`never saw ${what}: ${JSON.stringify(seen)}`);
}

describe.skipIf(!pgAvailable)(`the change feed across two PostgreSQL front ends${pgAvailable ? '' : ` (${pgSkipReason})`}`, () => {
  beforeEach(async () => {
    db = await createTestDatabase();
    errors = [];
    a = await openPostgresStore({ url: db.url, poolSize: 2 });
    b = await openPostgresStore({ url: db.url, poolSize: 2, onFeedError: (err) => errors.push(err) });
    const [user] = (
      await a.pool.query(
        "INSERT INTO users (name, name_key, scrypt, scram_salt, scram_iterations, scram_stored_key, scram_server_key, created_at) VALUES ('alice', 'alice', 'x', 'x', 4096, 'x', 'x', 0) RETURNING id",
      )
    ).rows as Array<{ id: number }>;
    const [box] = (await a.pool.query("INSERT INTO mailboxes (user_id, name, uid_validity) VALUES ($1, 'INBOX', 1) RETURNING id", [user!.id]))
      .rows as Array<{ id: number }>;
    mailboxId = box!.id;
    await deliverOnA('one');
    // B's session opens the mailbox: subscribes, and tells the feed the state it read (openMailbox does both).
    seen = [];
    b.changes.subscribe(mailboxId, (c) => seen.push(c));
    const [row] = (await b.pool.query('SELECT name, uid_next, highest_modseq FROM mailboxes WHERE id = $1', [mailboxId])).rows as Array<{
      name: string;
      uid_next: number;
      highest_modseq: number;
    }>;
    b.watcher.track({ id: mailboxId, name: row!.name, uidNext: row!.uid_next, highestModseq: row!.highest_modseq, keywordCount: 0 });
  });
  afterEach(async () => {
    await a.close();
    await b.close();
    await db.drop();
    expect(errors.filter((e) => !/terminat/i.test(e.message))).toEqual([]);
  });

  it("publishes A's delivery on B as 'exists' with the stored UID and MODSEQ", async () => {
    const { uid, modseq } = await deliverOnA('two');
    await until(() => seen.length > 0, 'exists');
    expect(seen).toEqual([{ kind: 'exists', mailboxId, uid, modseq, requireTls: false }]);
  });

  it("publishes A's flag change on B, the mailbox's new keyword list first", async () => {
    let modseq = 0;
    await onA(async (q) => {
      modseq = await bumpOnA(q);
      await q("UPDATE messages SET system_flags = 1, keywords = 'Work', modseq = $2 WHERE mailbox_id = $1 AND uid = 1", [mailboxId, modseq]);
      await q("INSERT INTO mailbox_keywords (mailbox_id, key, name) VALUES ($1, 'work', 'Work')", [mailboxId]);
    });
    await until(() => seen.length >= 2, 'keywords and flags');
    expect(seen).toEqual([
      { kind: 'keywords', mailboxId, keywords: ['Work'] },
      { kind: 'flags', mailboxId, uid: 1, flags: ['Work', '\\Seen'].sort(), modseq },
    ]);
  });

  it("publishes A's expunge on B from the expunge log", async () => {
    let modseq = 0;
    await onA(async (q) => {
      modseq = await bumpOnA(q);
      await q('DELETE FROM messages WHERE mailbox_id = $1 AND uid = 1', [mailboxId]);
      await q('INSERT INTO expunged (mailbox_id, uid, modseq) VALUES ($1, 1, $2)', [mailboxId, modseq]);
    });
    await until(() => seen.length > 0, 'expunge');
    expect(seen).toEqual([{ kind: 'expunge', mailboxId, uids: [1], modseq }]);
  });

  it("publishes A's rename and deletion of the mailbox on B", async () => {
    await onA(async (q) => {
      await q("UPDATE mailboxes SET name = 'Renamed' WHERE id = $1", [mailboxId]);
    });
    await until(() => seen.length > 0, 'renamed');
    await onA(async (q) => {
      await q('DELETE FROM messages WHERE mailbox_id = $1', [mailboxId]);
      await q('DELETE FROM mailboxes WHERE id = $1', [mailboxId]);
    });
    await until(() => seen.length > 1, 'deleted');
    expect(seen).toEqual([
      { kind: 'renamed', mailboxId, name: 'Renamed' },
      { kind: 'deleted', mailboxId },
    ]);
  });

  it('delivers the next change after the server ended the listening connection (and what came while it was away)', async () => {
    const pid = b.watcher.backendPid;
    expect(pid).not.toBeNull();
    await a.pool.query('SELECT pg_terminate_backend($1)', [pid]);
    // Committed while B listens to nothing: only the re-read on reconnecting can find it.
    const missed = await deliverOnA('while away');
    await until(() => b.watcher.backendPid !== null && b.watcher.backendPid !== pid, 'a new listening connection');
    await b.watcher.ready;
    const next = await deliverOnA('after');
    await until(() => seen.some((c) => c.kind === 'exists' && c.uid === next.uid), 'the next exists');
    const uids = seen.filter((c) => c.kind === 'exists').map((c) => (c as { uid: number }).uid);
    expect([...new Set(uids)]).toEqual([missed.uid, next.uid]);
  });
});
