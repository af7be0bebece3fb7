// SPEC R3.4 in the store, on every backend (issue 18 item 4): openMailbox and mailboxStatus read counters and
// messages in one snapshot (a commit by another connection or front end in the middle of it is not half seen),
// openMailbox's listener gets every later change, and a write with `refuseProtected` is refused
// ('privacy-required') inside its transaction, changing nothing.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { MailboxChange } from '../../../src/store/changes.js';
import { isStoreError } from '../../../src/store/errors.js';
import type { Store } from '../../../src/store/store.js';
import type { User } from '../../../src/store/types.js';
import { openSecond } from './backend-sql.js';
import { describeBackends, type BackendFixture } from './backends.js';
import { CREDENTIALS, delivery } from './store-fixture.js';

describeBackends('privacy in the store', (open) => {
  let fx: BackendFixture;
  let other: Store;
  let alice: User;

  beforeEach(async () => {
    fx = await open();
    other = await openSecond(fx);
    alice = await fx.store.createUser('alice', CREDENTIALS);
    await fx.store.deliver(delivery('Subject: ordinary\r\n\r\nx\r\n', [alice.id]));
  });
  afterEach(async () => {
    await other.close();
    await fx.cleanup();
  });

  /** A REQUIRETLS delivery committed through the second store (another connection, or another front end). */
  function commitElsewhere(flags: string[] = []): Promise<unknown> {
    const input = delivery('Subject: secret\r\n\r\ny\r\n', [alice.id], { requireTls: true });
    input.recipients[0]!.flags = flags;
    // A SQLite store is inline: its work is synchronous, whatever its promise.
    return other.deliver(input);
  }

  /**
   * Runs `commit` inside the next read of a mailbox's counters by fx's store, right after it (before the read's next
   * statement): SQLite, after the first call of its mailbox repo's `get`; PostgreSQL, after the first statement in a
   * transaction that reads a mailbox row.
   */
  function afterFirstMailboxRead(commit: () => Promise<unknown>): void {
    let done = false;
    if (fx.backend === 'sqlite') {
      const repo = (fx.store as unknown as Internals).repos.mailboxes;
      const original = (repo.get as (...a: unknown[]) => unknown).bind(repo);
      repo.get = (...args: unknown[]) => {
        const value = original(...args);
        if (!done) {
          done = true;
          void commit();
        }
        return value;
      };
      return;
    }
    const inTx = new WeakSet<object>();
    fx.store.pool.on('acquire', (client) => {
      const patched = client as unknown as { query: (...a: unknown[]) => unknown; afterFirstRead?: true };
      if (patched.afterFirstRead) return;
      patched.afterFirstRead = true;
      const original = patched.query.bind(client);
      patched.query = (...args: unknown[]) => {
        const [text] = args;
        if (typeof text !== 'string' || args.some((a) => typeof a === 'function')) return original(...args);
        if (/^BEGIN/.test(text)) inTx.add(client);
        if (/^(COMMIT|ROLLBACK)/.test(text)) inTx.delete(client);
        const result = original(...args) as Promise<unknown>;
        if (done || !inTx.has(client) || !text.includes('FROM mailboxes mb')) return result;
        done = true;
        return result.then(async (value) => {
          await commit();
          return value;
        });
      };
    });
  }

  type Internals = { repos: { mailboxes: Record<string, unknown> } };

  /** The UIDs of the 'exists' changes told, each once, ascending (a feed across front ends may tell one twice). */
  const existsUids = (seen: readonly MailboxChange[]): number[] =>
    [...new Set(seen.flatMap((c) => (c.kind === 'exists' && c.requireTls ? [c.uid] : [])))].sort((x, y) => x - y);

  describe('one snapshot (R3.4)', () => {
    it('openMailbox: counters and UIDs agree though a REQUIRETLS message was committed between the reads', async () => {
      afterFirstMailboxRead(() => commitElsewhere());
      const seen: MailboxChange[] = [];
      const opened = await fx.store.openMailbox(alice.id, 'INBOX', (c) => seen.push(c));
      expect(opened.info.requireTlsMessages).toBe(0);
      expect(opened.info.messages).toBe(1);
      expect(opened.uids).toEqual([1]);
      expect(opened.firstUnseenUid).toBe(1);
      // Committed, but after the snapshot.
      expect((await fx.store.getMailbox(alice.id, 'INBOX')).requireTlsMessages).toBe(1);
      // A change committed after the snapshot through this store reaches the listener, after the one the other
      // connection committed after the snapshot (issue 13 item 5: other connections' commits are published too).
      // PostgreSQL's feed across front ends tells the other's change late (and may tell one twice): wait for it.
      await fx.store.deliver(delivery('Subject: later\r\n\r\nz\r\n', [alice.id], { requireTls: true }));
      if (fx.backend === 'sqlite') {
        expect(seen).toEqual([
          expect.objectContaining({ kind: 'exists', uid: 2, requireTls: true }),
          expect.objectContaining({ kind: 'exists', uid: 3, requireTls: true }),
        ]);
      }
      await vi.waitFor(() => expect(existsUids(seen)).toEqual([2, 3]), { timeout: 10_000 });
      opened.close();
      const told = seen.length;
      await fx.store.deliver(delivery('Subject: closed\r\n\r\nz\r\n', [alice.id]));
      expect(seen).toHaveLength(told);
    });

    it('mailboxStatus: the \\Deleted count is of the same snapshot as the counters', async () => {
      afterFirstMailboxRead(() => commitElsewhere(['\\Deleted']));
      const status = await fx.store.mailboxStatus(alice.id, 'INBOX', { deleted: true });
      expect(status.info.requireTlsMessages).toBe(0);
      expect(status.info.messages).toBe(1);
      expect(status.deleted).toBe(0);
      expect((await fx.store.mailboxStatus(alice.id, 'INBOX', { deleted: true })).deleted).toBe(1);
      expect((await fx.store.mailboxStatus(alice.id, 'INBOX')).deleted).toBeNull();
    });
  });

  describe('refuseProtected inside the write (R3.4)', () => {
    const refuse = { refuseProtected: true };

    async function protect(name: string): Promise<number> {
      const box = name === 'INBOX' ? await fx.store.getMailbox(alice.id, name) : await fx.store.createMailbox(alice.id, name);
      await fx.store.deliver({ ...delivery('Subject: secret\r\n\r\ny\r\n', [alice.id], { requireTls: true }), recipients: [{ userId: alice.id, mailbox: box.name, prefix: Buffer.alloc(0) }] });
      return box.id;
    }

    async function refused(p: Promise<unknown>): Promise<boolean> {
      try {
        await p;
        return false;
      } catch (err) {
        if (isStoreError(err, 'privacy-required')) return true;
        throw err;
      }
    }

    it('APPEND, COPY and MOVE into or out of a protected mailbox, DELETE and RENAME of one (or of its parent)', async () => {
      const secret = await protect('Secret');
      const plain = await fx.store.createMailbox(alice.id, 'Plain');
      await fx.store.createMailbox(alice.id, 'Box');
      await protect('Box/Child');
      const inbox = await fx.store.getMailbox(alice.id, 'INBOX');
      const before = (await fx.store.listMailboxes(alice.id)).map((m) => [m.name, m.messages, m.uidNext]);
      expect(await refused(fx.store.append(alice.id, secret, { raw: Buffer.from('Subject: a\r\n\r\nb\r\n') }, refuse))).toBe(true);
      expect(await refused(fx.store.copy(alice.id, inbox.id, [1], secret, refuse))).toBe(true);
      expect(await refused(fx.store.move(alice.id, inbox.id, [1], secret, refuse))).toBe(true);
      expect(await refused(fx.store.copy(alice.id, secret, [1], plain.id, refuse))).toBe(true);
      expect(await refused(fx.store.move(alice.id, secret, [1], plain.id, refuse))).toBe(true);
      expect(await refused(fx.store.deleteMailbox(alice.id, 'Secret', refuse))).toBe(true);
      expect(await refused(fx.store.renameMailbox(alice.id, 'Secret', 'Other', refuse))).toBe(true);
      expect(await refused(fx.store.renameMailbox(alice.id, 'Box', 'Other', refuse))).toBe(true);
      expect((await fx.store.listMailboxes(alice.id)).map((m) => [m.name, m.messages, m.uidNext])).toEqual(before);
      // Ordinary mailboxes are not affected, and without the guard (a TLS session) everything is allowed.
      expect(await refused(fx.store.copy(alice.id, inbox.id, [1], plain.id, refuse))).toBe(false);
      expect(await refused(fx.store.copy(alice.id, secret, [1], plain.id))).toBe(false);
      expect(await refused(fx.store.renameMailbox(alice.id, 'Box', 'Other'))).toBe(false);
    });

    it('RENAME of INBOX holding REQUIRETLS mail', async () => {
      await protect('INBOX');
      expect(await refused(fx.store.renameMailbox(alice.id, 'INBOX', 'Old', refuse))).toBe(true);
      expect((await fx.store.getMailbox(alice.id, 'INBOX')).messages).toBe(2);
    });
  });
});
