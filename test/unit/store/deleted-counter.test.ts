// The per-mailbox \Deleted counter behind STATUS (DELETED) (migrations/0009-deleted-counter.sql; RFC 9051 §6.3.11; issue 13 item 8):
// kept by triggers through flag changes, expunge, copy and move, and backfilled for a store that already held mail.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { User } from '../../../src/store/types.js';
import { describeBackends, type BackendFixture } from './backends.js';
import { checkProblems, sqlValue } from './backend-sql.js';
import { CREDENTIALS, delivery, withStoreBeforeMigration } from './store-fixture.js';

describeBackends('deleted counter', (open) => {
  let fx: BackendFixture;
  let alice: User;
  beforeEach(async () => {
    fx = await open();
    alice = await fx.store.createUser('alice', CREDENTIALS);
    for (let i = 1; i <= 6; i++) await fx.store.deliver(delivery(`m${i}\r\n`, [alice.id]));
  });
  afterEach(async () => {
    await fx.cleanup();
  });

  /** The counter, and what counting the rows gives. */
  async function deleted(name: string): Promise<{ counter: number | null; rows: number }> {
    const info = await fx.store.getMailbox(alice.id, name);
    const rows = await sqlValue<number>(fx, 'SELECT COUNT(*) AS n FROM messages WHERE mailbox_id = ? AND (system_flags & 8) != 0', [info.id]);
    return { counter: (await fx.store.mailboxStatus(alice.id, name, { deleted: true })).deleted, rows };
  }

  describe('STATUS (DELETED) counter', () => {
    it('follows STORE +FLAGS/-FLAGS/FLAGS, expunge, copy and move of deleted messages', async () => {
      const inbox = await fx.store.getMailbox(alice.id, 'INBOX');
      const other = await fx.store.createMailbox(alice.id, 'Other');
      const steps: Array<[string, () => Promise<unknown>, number, number]> = [
        ['+FLAGS \\Deleted on 1..4', () => fx.store.setFlags(alice.id, inbox.id, [1, 2, 3, 4], 'add', ['\\Deleted']), 4, 0],
        ['+FLAGS \\Deleted again (no change)', () => fx.store.setFlags(alice.id, inbox.id, [1, 2], 'add', ['\\Deleted', '\\Seen']), 4, 0],
        ['-FLAGS \\Deleted on 4', () => fx.store.setFlags(alice.id, inbox.id, [4], 'remove', ['\\Deleted']), 3, 0],
        ['FLAGS (\\Seen) on 3', () => fx.store.setFlags(alice.id, inbox.id, [3], 'replace', ['\\Seen']), 2, 0],
        ['COPY deleted 1,2 and plain 5', () => fx.store.copy(alice.id, inbox.id, [1, 2, 5], other.id), 2, 2],
        ['MOVE deleted 2 back and forth', () => fx.store.move(alice.id, other.id, [2], inbox.id), 3, 1],
        ['EXPUNGE INBOX', () => fx.store.expunge(alice.id, inbox.id), 0, 1],
        ['UID EXPUNGE of a message not deleted', () => fx.store.expunge(alice.id, other.id, { uids: [3] }), 0, 1],
        ['forced expunge (POP3)', () => fx.store.expunge(alice.id, other.id, { uids: [1], force: true }), 0, 0],
      ];
      for (const [what, step, inInbox, inOther] of steps) {
        await step();
        expect({ what, inbox: await deleted('INBOX'), other: await deleted('Other') }).toEqual({
          what,
          inbox: { counter: inInbox, rows: inInbox },
          other: { counter: inOther, rows: inOther },
        });
      }
      expect(await checkProblems(fx)).toEqual([]);
    });

    it('answers null when DELETED is not asked', async () => {
      expect((await fx.store.mailboxStatus(alice.id, 'INBOX')).deleted).toBeNull();
    });
  });
});

describe('migration of the \\Deleted counter', () => {
  it('counts the \\Deleted messages a store held before it', async () => {
    await withStoreBeforeMigration(
      'deleted-counter',
      "INSERT INTO mailboxes (user_id, name, uid_validity, uid_next, highest_modseq) VALUES (1, 'INBOX', 1, 5, 5);" +
        "INSERT INTO bodies (bytes, size) VALUES (CAST('x\r\n' AS BLOB), 3);" +
        'INSERT INTO messages (mailbox_id, uid, modseq, system_flags, internal_date, size, body_id, prefix) VALUES ' +
        "(1, 1, 2, 8, 0, 3, 1, X''), (1, 2, 2, 9, 0, 3, 1, X''), (1, 3, 2, 1, 0, 3, 1, X''), (1, 4, 2, 24, 0, 3, 1, X'');",
      async (store) => {
        expect((await store.mailboxStatus(1, 'INBOX', { deleted: true })).deleted).toBe(3);
        await store.setFlags(1, 1, [3], 'add', ['\\Deleted']);
        expect((await store.mailboxStatus(1, 'INBOX', { deleted: true })).deleted).toBe(4);
        expect((await store.check()).problems).toEqual([]);
      },
    );
  });
});
