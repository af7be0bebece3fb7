// The change feed across front ends (issue 18 item 3, SPEC R7.5): two PostgresStore instances on one database;
// what front end A commits reaches a session that selected the mailbox on front end B: deliveries, flag changes
// (the new keyword list first), expunges, a renamed and a deleted mailbox; also after B's listening connection
// was ended by the server (and what A committed meanwhile).
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { MailboxChange } from '../../../../src/store/changes.js';
import { openPostgresStore, type PostgresStore } from '../../../../src/store/postgres/postgres-store.js';
import { createTestDatabase, pgAvailable, pgSkipReason, type TestDatabase } from '../../../support/postgres.js';
import { CREDENTIALS } from '../store-fixture.js';

let db: TestDatabase;
let a: PostgresStore;
let b: PostgresStore;
let userId: number;
let mailboxId: number;
let seen: MailboxChange[];
let errors: Error[];

const msg = (subject: string): { raw: Buffer } => ({ raw: Buffer.from(`Subject: ${subject}\r\n\r\nbody\r\n`) });

/** A delivery on front end A: its UID and the MODSEQ it was stored at. */
async function deliverOnA(subject: string): Promise<{ uid: number; modseq: number }> {
  const { uid } = await a.append(userId, mailboxId, msg(subject));
  return { uid, modseq: (await a.getMailboxById(userId, mailboxId)).highestModseq };
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
    userId = (await a.createUser('alice@example.org', CREDENTIALS)).id;
    mailboxId = (await a.createMailbox(userId, 'Box')).id;
    await deliverOnA('one');
    // A session on B selects the mailbox.
    seen = [];
    await b.openMailbox(userId, 'Box', (c) => seen.push(c));
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
    await a.setFlags(userId, mailboxId, [1], 'add', ['\\Seen', 'Work']);
    const { highestModseq } = await a.getMailboxById(userId, mailboxId);
    await until(() => seen.length >= 2, 'keywords and flags');
    expect(seen).toEqual([
      { kind: 'keywords', mailboxId, keywords: ['Work'] },
      { kind: 'flags', mailboxId, uid: 1, flags: ['Work', '\\Seen'].sort(), modseq: highestModseq },
    ]);
  });

  it("publishes A's expunge on B from the expunge log", async () => {
    expect(await a.expunge(userId, mailboxId, { uids: [1], force: true })).toEqual([1]);
    const { highestModseq } = await a.getMailboxById(userId, mailboxId);
    await until(() => seen.length > 0, 'expunge');
    expect(seen).toEqual([{ kind: 'expunge', mailboxId, uids: [1], modseq: highestModseq }]);
  });

  it("publishes A's rename and deletion of the mailbox on B", async () => {
    await a.renameMailbox(userId, 'Box', 'Renamed');
    await until(() => seen.length > 0, 'renamed');
    await a.deleteMailbox(userId, 'Renamed');
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
    await until(() => !b.watcher.connected, 'the listening connection lost');
    // Committed while B listens to nothing: only the re-read on reconnecting finds it, with no later change.
    const missed = await deliverOnA('while away');
    await until(() => seen.some((c) => c.kind === 'exists' && c.uid === missed.uid), 'the exists committed while away');
    expect(b.watcher.backendPid).not.toBe(pid);
    const next = await deliverOnA('after');
    await until(() => seen.some((c) => c.kind === 'exists' && c.uid === next.uid), 'the next exists');
    const uids = seen.filter((c) => c.kind === 'exists').map((c) => (c as { uid: number }).uid);
    expect([...new Set(uids)]).toEqual([missed.uid, next.uid]);
  });

  it("never publishes this front end's new UID before an older one another front end committed first", async () => {
    // B misses A's announcement (its listening connection is gone, the reconnect waits its back-off); B then
    // stores a later UID itself. A session on B must learn of A's UID first: a view announces UIDs in ascending
    // order and ignores one below what it has announced (mailbox-view.ts), so a late older UID would be lost.
    const pid = b.watcher.backendPid;
    await a.pool.query('SELECT pg_terminate_backend($1)', [pid]);
    const older = await deliverOnA('on A first');
    const { uid: newer } = await b.append(userId, mailboxId, msg('on B next'));
    expect(newer).toBeGreaterThan(older.uid);
    await until(() => seen.some((c) => c.kind === 'exists' && c.uid === older.uid), 'the older exists');
    const uids = seen.filter((c) => c.kind === 'exists').map((c) => (c as { uid: number }).uid);
    expect(uids.slice(0, 2)).toEqual([older.uid, newer]);
  });
});
