// Object ids (RFC 8474 MAILBOXID, EMAILID) and save dates (RFC 8514 SAVEDATE) in the store (issue 15 item 6,
// migrations/0016-object-ids.sql): random and opaque, stable across a restart, MAILBOXID kept by RENAME, EMAILID
// carried by COPY and MOVE, SAVEDATE set by every save into a mailbox; a store holding mail gets them backfilled.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { PostgresStore } from '../../../src/store/postgres/postgres-store.js';
import { openSqliteStore } from '../../../src/store/sqlite/sqlite-store.js';
import type { User } from '../../../src/store/types.js';
import { describeBackends, type BackendFixture } from './backends.js';
import { CREDENTIALS, delivery, withStoreBeforeMigration } from './store-fixture.js';

const MAILBOX_ID = /^F[0-9a-f]{24}$/;
const EMAIL_ID = /^M[0-9a-f]{24}$/;

describeBackends('object ids', (open) => {
  let fx: BackendFixture;
  let alice: User;
  beforeEach(async () => {
    fx = await open();
    alice = await fx.store.createUser('alice', CREDENTIALS);
  });
  afterEach(async () => {
    vi.useRealTimers();
    await fx.cleanup();
  });

  /** A restart: the store opened again on its database (the fixture's cleanup still removes it). */
  async function reopen(): Promise<void> {
    if (fx.backend === 'sqlite') {
      const path = fx.store.db.name;
      await fx.store.close();
      fx = { ...fx, store: await openSqliteStore({ path }) };
    } else {
      fx = { ...fx, store: new PostgresStore(fx.store.pool) }; // a new store object over the same database
    }
  }

  describe('MAILBOXID (RFC 8474 §4)', () => {
    it('is random per mailbox, the same after a restart and after RENAME, new for a re-created name', async () => {
      const a = await fx.store.createMailbox(alice.id, 'a');
      const b = await fx.store.createMailbox(alice.id, 'b');
      const inbox = await fx.store.getMailbox(alice.id, 'INBOX');
      for (const m of [a, b, inbox]) expect(m.objectId).toMatch(MAILBOX_ID);
      expect(new Set([a.objectId, b.objectId, inbox.objectId]).size).toBe(3);
      await fx.store.renameMailbox(alice.id, 'a', 'x/y');
      expect((await fx.store.getMailbox(alice.id, 'x/y')).objectId).toBe(a.objectId);
      await reopen();
      expect((await fx.store.getMailbox(alice.id, 'x/y')).objectId).toBe(a.objectId);
      expect((await fx.store.mailboxStatus(alice.id, 'b')).info.objectId).toBe(b.objectId);
      await fx.store.deleteMailbox(alice.id, 'b');
      const again = await fx.store.createMailbox(alice.id, 'b');
      expect(again.objectId).toMatch(MAILBOX_ID);
      expect(again.objectId).not.toBe(b.objectId);
    });

    it('RENAME INBOX: INBOX keeps its id, the new mailbox has its own, the messages keep their EMAILIDs', async () => {
      const inbox = await fx.store.getMailbox(alice.id, 'INBOX');
      await fx.store.deliver(delivery('Subject: 1\r\n\r\n1\r\n', [alice.id]));
      const [before] = await fx.store.listMessages(alice.id, inbox.id);
      await fx.store.renameMailbox(alice.id, 'INBOX', 'old');
      const old = await fx.store.getMailbox(alice.id, 'old');
      expect((await fx.store.getMailbox(alice.id, 'INBOX')).objectId).toBe(inbox.objectId);
      expect(old.objectId).not.toBe(inbox.objectId);
      expect((await fx.store.listMessages(alice.id, old.id)).map((m) => m.emailId)).toEqual([before!.emailId]);
    });
  });

  describe('EMAILID (RFC 8474 §5.1) and SAVEDATE (RFC 8514)', () => {
    it('a new id per delivery and APPEND; COPY and MOVE keep it and save the copy now; all survive a restart', async () => {
      vi.useFakeTimers({ toFake: ['Date'] });
      vi.setSystemTime(new Date('2026-03-01T10:00:00Z'));
      const inbox = await fx.store.getMailbox(alice.id, 'INBOX');
      const archive = await fx.store.createMailbox(alice.id, 'Archive2');
      const body = 'Subject: same\r\n\r\nsame\r\n';
      await fx.store.deliver(delivery(body, [alice.id]));
      await fx.store.deliver(delivery(body, [alice.id])); // the same bytes delivered twice: two messages
      await fx.store.append(alice.id, inbox.id, { raw: Buffer.from(body), internalDate: new Date('2020-01-01T00:00:00Z') });
      const [m1, m2, m3] = await fx.store.listMessages(alice.id, inbox.id);
      for (const m of [m1!, m2!, m3!]) {
        expect(m.emailId).toMatch(EMAIL_ID);
        expect(m.saveDate.toISOString()).toBe('2026-03-01T10:00:00.000Z'); // not the INTERNALDATE
      }
      expect(new Set([m1!.emailId, m2!.emailId, m3!.emailId]).size).toBe(3);

      vi.setSystemTime(new Date('2026-03-02T11:00:00Z'));
      await fx.store.copy(alice.id, inbox.id, [m1!.uid], archive.id);
      await fx.store.move(alice.id, inbox.id, [m2!.uid], archive.id);
      const copied = await fx.store.listMessages(alice.id, archive.id);
      expect(copied.map((m) => m.emailId)).toEqual([m1!.emailId, m2!.emailId]);
      expect(copied.map((m) => m.saveDate.toISOString())).toEqual(['2026-03-02T11:00:00.000Z', '2026-03-02T11:00:00.000Z']);
      expect(copied.map((m) => m.internalDate.getTime())).toEqual([m1!.internalDate.getTime(), m2!.internalDate.getTime()]);
      const left = await fx.store.listMessages(alice.id, inbox.id);
      expect(left.map((m) => [m.emailId, m.saveDate.toISOString()])).toEqual([
        [m1!.emailId, '2026-03-01T10:00:00.000Z'], // the source of a COPY is unchanged
        [m3!.emailId, '2026-03-01T10:00:00.000Z'],
      ]);

      await reopen();
      expect((await fx.store.listMessages(alice.id, archive.id)).map((m) => [m.emailId, m.saveDate.toISOString()])).toEqual(
        copied.map((m) => [m.emailId, m.saveDate.toISOString()]),
      );
    });
  });

  describe('an insert that names no ids (any future insert path)', () => {
    it('still gets a random MAILBOXID, EMAILID and a save date of now', async () => {
      const inbox = await fx.store.getMailbox(alice.id, 'INBOX');
      const before = Date.now();
      if (fx.backend === 'sqlite') {
        fx.store.db.exec(
          `INSERT INTO mailboxes (user_id, name, uid_validity) VALUES (${alice.id}, 'Raw', 99);` +
            "INSERT INTO bodies (bytes, size) VALUES (CAST('Subject: raw\r\n\r\nraw\r\n' AS BLOB), 22);" +
            `INSERT INTO messages (mailbox_id, uid, modseq, internal_date, size, body_id, prefix) VALUES (${inbox.id}, 1, 1, 5, 22, last_insert_rowid(), X'');`,
        );
      } else {
        await fx.store.pool.query(`INSERT INTO mailboxes (user_id, name, uid_validity) VALUES (${alice.id}, 'Raw', 99)`);
        const body = await fx.store.pool.query<{ id: number }>("INSERT INTO bodies (bytes, size) VALUES (convert_to(E'Subject: raw\\r\\n\\r\\nraw\\r\\n', 'UTF8'), 22) RETURNING id");
        await fx.store.pool.query(
          `UPDATE mailboxes SET uid_next = 2 WHERE id = ${inbox.id}; ` +
            `INSERT INTO messages (mailbox_id, uid, modseq, internal_date, size, body_id, prefix) VALUES (${inbox.id}, 1, 1, 5, 22, ${body.rows[0]!.id}, '')`,
        );
      }
      expect((await fx.store.getMailbox(alice.id, 'Raw')).objectId).toMatch(MAILBOX_ID);
      const [m] = await fx.store.listMessages(alice.id, inbox.id);
      expect(m!.emailId).toMatch(EMAIL_ID);
      expect(m!.saveDate.getTime()).toBeGreaterThanOrEqual(before - 1000);
      expect(m!.saveDate.getTime()).toBeLessThanOrEqual(Date.now() + 1000);
    });
  });
});

describe('migrations/0016-object-ids.sql on a store that holds mail', () => {
  it('backfills random MAILBOXIDs, one EMAILID per (body, prefix) and SAVEDATE from INTERNALDATE', async () => {
    const seed =
      "INSERT INTO mailboxes (user_id, name, uid_validity, uid_next, highest_modseq) VALUES (1, 'INBOX', 1, 3, 3), (1, 'Copies', 2, 2, 2);" +
      "INSERT INTO bodies (bytes, size) VALUES (CAST('Subject: old\r\n\r\nbody\r\n' AS BLOB), 22);" +
      'INSERT INTO messages (mailbox_id, uid, modseq, internal_date, size, body_id, prefix) VALUES ' +
      "(1, 1, 1, 1000, 26, 1, CAST('X: 1' AS BLOB)), (1, 2, 2, 2000, 26, 1, CAST('X: 2' AS BLOB)), " +
      "(2, 1, 1, 1000, 26, 1, CAST('X: 1' AS BLOB));"; // a copy of INBOX 1 made by an older Postern
    await withStoreBeforeMigration('object-ids', seed, async (store) => {
      const boxes = await store.listMailboxes(1);
      expect(boxes.map((b) => b.objectId).every((id) => MAILBOX_ID.test(id))).toBe(true);
      expect(new Set(boxes.map((b) => b.objectId)).size).toBe(2);
      const [a, b] = await store.listMessages(1, 1);
      const [copy] = await store.listMessages(1, 2);
      expect(a!.emailId).toMatch(EMAIL_ID);
      expect(b!.emailId).toMatch(EMAIL_ID);
      expect(a!.emailId).not.toBe(b!.emailId); // other trace prefix: other content
      expect(copy!.emailId).toBe(a!.emailId);
      expect([a!.saveDate.getTime(), b!.saveDate.getTime(), copy!.saveDate.getTime()]).toEqual([1000, 2000, 1000]);
      expect((await store.check()).problems).toEqual([]);
      const created = await store.createMailbox(1, 'New');
      expect(created.objectId).toMatch(MAILBOX_ID);
    });
  });
});
