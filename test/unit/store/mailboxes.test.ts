// The store's users, mailboxes and subscriptions, on every backend (issue 18 item 4): SPEC R6.3, R7.6; RFC 9051 §6.3.4–§6.3.7.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isStoreError, type StoreErrorKind } from '../../../src/store/errors.js';
import { bodyCount, bodyRefcounts, checkProblems, openSecond, sqlRows } from './backend-sql.js';
import { describeBackends, type BackendFixture } from './backends.js';
import { CREDENTIALS, delivery } from './store-fixture.js';

async function expectStoreError(p: Promise<unknown>, kind: StoreErrorKind): Promise<void> {
  const err = await p.then(
    () => null,
    (e: unknown) => e,
  );
  expect(isStoreError(err, kind), `expected StoreError ${kind}, got ${String(err)}`).toBe(true);
}

describeBackends('accounts', (open, backend) => {
  let fx: BackendFixture;
  beforeEach(async () => {
    fx = await open();
  });
  afterEach(async () => {
    await fx.cleanup();
  });

  describe('users', () => {
    it('creates a user with the default mailboxes, special-use and subscribed', async () => {
      const user = await fx.store.createUser('Alice', CREDENTIALS, { quotaBytes: 1000 });
      expect(user).toMatchObject({ name: 'Alice', quotaBytes: 1000 });
      const boxes = await fx.store.listMailboxes(user.id);
      expect(boxes.map((b) => [b.name, b.specialUse, b.subscribed])).toEqual([
        ['Archive', '\\Archive', true],
        ['Drafts', '\\Drafts', true],
        ['INBOX', null, true],
        ['Junk', '\\Junk', true],
        ['Sent', '\\Sent', true],
        ['Trash', '\\Trash', true],
      ]);
      expect(await fx.store.listSubscriptions(user.id)).toHaveLength(6);
    });

    it('finds users case-insensitively with their credentials and refuses duplicates', async () => {
      const user = await fx.store.createUser('Alice@Example.org', CREDENTIALS);
      const found = await fx.store.findUser('alice@example.ORG');
      expect(found?.id).toBe(user.id);
      expect(found?.credentials).toEqual(CREDENTIALS);
      expect(await fx.store.findUser('bob')).toBeNull();
      await expectStoreError(fx.store.createUser('ALICE@example.org', CREDENTIALS), 'exists');
      await expectStoreError(fx.store.createUser('', CREDENTIALS), 'invalid-name');
      await expectStoreError(fx.store.createUser('a b', CREDENTIALS), 'invalid-name');
    });

    it('updates credentials and quota; unknown ids are not-found', async () => {
      const user = await fx.store.createUser('bob', CREDENTIALS);
      const next = { ...CREDENTIALS, scrypt: 'scrypt$new', scramSha256: { ...CREDENTIALS.scramSha256, iterations: 8192 } };
      await fx.store.setCredentials(user.id, next);
      expect((await fx.store.findUser('bob'))?.credentials).toEqual(next);
      await fx.store.setQuota(user.id, 5000);
      expect((await fx.store.getUser(user.id)).quotaBytes).toBe(5000);
      expect(await fx.store.quotaUsage(user.id)).toEqual({ usedBytes: 0, limitBytes: 5000, messages: 0, requireTlsMessages: 0 });
      await fx.store.setQuota(user.id, null);
      expect((await fx.store.getUser(user.id)).quotaBytes).toBeNull();
      await expectStoreError(fx.store.getUser(9999), 'not-found');
      await expectStoreError(fx.store.setQuota(9999, 1), 'not-found');
      await expectStoreError(fx.store.setQuota(user.id, -1), 'invalid-name');
      expect((await fx.store.listUsers()).map((u) => u.name)).toEqual(['bob']);
    });

    it('replaceCredentials replaces only credentials still as they were (issue 17 item 1: a renewal never undoes a passwd)', async () => {
      const user = await fx.store.createUser('carol', CREDENTIALS);
      const renewed = { ...CREDENTIALS, scrypt: 'scrypt$renewed', scramSha256: { ...CREDENTIALS.scramSha256, iterations: 150_000 } };
      expect(await fx.store.replaceCredentials(user.id, CREDENTIALS, renewed)).toBe(true);
      expect((await fx.store.findUser('carol'))?.credentials).toEqual(renewed);
      // `postern user passwd` meanwhile: a renewal computed from the credentials before it must not land.
      const changed = { ...CREDENTIALS, scrypt: 'scrypt$passwd', scramSha256: { ...CREDENTIALS.scramSha256, storedKey: 'c3RvcmVk' } };
      await fx.store.setCredentials(user.id, changed);
      expect(await fx.store.replaceCredentials(user.id, renewed, { ...renewed, scrypt: 'scrypt$late' })).toBe(false);
      expect((await fx.store.findUser('carol'))?.credentials).toEqual(changed);
      expect(await fx.store.replaceCredentials(9999, CREDENTIALS, renewed)).toBe(false);
    });

    it('deleteUser removes mailboxes and frees bodies not shared with other users', async () => {
      const a = await fx.store.createUser('a', CREDENTIALS);
      const b = await fx.store.createUser('b', CREDENTIALS);
      await fx.store.deliver(delivery('shared\r\n', [a.id, b.id]));
      await fx.store.deliver(delivery('only a\r\n', [a.id]));
      expect(await bodyCount(fx)).toBe(2);
      const aInbox = await fx.store.getMailbox(a.id, 'INBOX');
      const gone: string[] = [];
      fx.store.changes.subscribe(aInbox.id, (c) => gone.push(c.kind));
      await fx.store.deleteUser(a.id);
      expect(gone).toEqual(['deleted']);
      expect(await bodyCount(fx)).toBe(1);
      expect(await fx.store.findUser('a')).toBeNull();
      await expectStoreError(fx.store.getUser(a.id), 'not-found');
      const newest = await fx.store.createUser('t', CREDENTIALS);
      await fx.store.deleteUser(newest.id);
      expect((await fx.store.createUser('c', CREDENTIALS)).id).toBeGreaterThan(newest.id); // ids never reused
      expect(await fx.store.listMailboxes(a.id)).toEqual([]);
      expect(await bodyRefcounts(fx)).toEqual([1]);
      expect(await checkProblems(fx)).toEqual([]);
    });
  });

  describe('mailboxes', () => {
    it('creates missing parents, refuses existing names and bad names', async () => {
      const u = await fx.store.createUser('u', CREDENTIALS);
      const box = await fx.store.createMailbox(u.id, 'Work/2024/Q1', { specialUse: '\\Archive' });
      expect(box).toMatchObject({ name: 'Work/2024/Q1', specialUse: '\\Archive', subscribed: false, messages: 0, uidNext: 1 });
      expect((await fx.store.listMailboxes(u.id)).map((b) => b.name)).toEqual(
        expect.arrayContaining(['Work', 'Work/2024', 'Work/2024/Q1']),
      );
      await expectStoreError(fx.store.createMailbox(u.id, 'Work'), 'exists');
      await expectStoreError(fx.store.createMailbox(u.id, 'inbox'), 'exists');
      // Issue 13 item 9: lone surrogates (SQLite would store them as U+FFFD) are refused too.
      for (const bad of ['', '/x', 'x/', 'a//b', 'a\u0001b', 'x'.repeat(600), 'a*', 'b%', 'a\ud83d', '\ude00b', 'x\ude00\ud83d']) {
        await expectStoreError(fx.store.createMailbox(u.id, bad), 'invalid-name');
      }
      await expectStoreError(fx.store.createMailbox(u.id, 'z', { specialUse: '\\Bogus' as '\\All' }), 'invalid-name');
      await expectStoreError(fx.store.createMailbox(999, 'z'), 'not-found');
    });

    it('matches INBOX case-insensitively and other names case-sensitively', async () => {
      const u = await fx.store.createUser('u', CREDENTIALS);
      const inbox = await fx.store.getMailbox(u.id, 'InBoX');
      expect(inbox.name).toBe('INBOX');
      const child = await fx.store.createMailbox(u.id, 'inbox/Sub');
      expect(child.name).toBe('INBOX/Sub');
      await expectStoreError(fx.store.getMailbox(u.id, 'sent'), 'not-found');
      expect((await fx.store.getMailbox(u.id, 'Sent')).specialUse).toBe('\\Sent');
    });

    it('gives a re-created mailbox a new, larger UIDVALIDITY', async () => {
      const u = await fx.store.createUser('u', CREDENTIALS);
      const first = await fx.store.createMailbox(u.id, 'Tmp');
      await fx.store.deleteMailbox(u.id, 'Tmp');
      const second = await fx.store.createMailbox(u.id, 'Tmp');
      expect(second.uidValidity).toBeGreaterThan(first.uidValidity);
      expect(second.id).toBeGreaterThan(first.id); // ids are never handed out twice
      const all = await fx.store.listMailboxes(u.id);
      expect(new Set(all.map((b) => b.uidValidity)).size).toBe(all.length);
    });

    it('deletes a mailbox and its messages; refuses INBOX; one with inferiors leaves a \\Noselect name', async () => {
      const u = await fx.store.createUser('u', CREDENTIALS);
      const box = await fx.store.createMailbox(u.id, 'Old/Child');
      const old = await fx.store.getMailbox(u.id, 'Old');
      await fx.store.append(u.id, old.id, { raw: Buffer.from('Subject: y\r\n\r\nparent\r\n') });
      await fx.store.append(u.id, box.id, { raw: Buffer.from('Subject: x\r\n\r\nbody\r\n') });
      await expectStoreError(fx.store.deleteMailbox(u.id, 'inbox'), 'not-allowed');
      await expectStoreError(fx.store.deleteMailbox(u.id, 'Nope'), 'not-found');
      // Issue 13 item 17 (RFC 3501 §6.3.4): the parent goes (row, messages), its name stays \Noselect.
      await fx.store.deleteMailbox(u.id, 'Old');
      await expectStoreError(fx.store.getMailboxById(u.id, old.id), 'not-found');
      await expectStoreError(fx.store.getMailbox(u.id, 'Old'), 'not-found');
      expect(await fx.store.listNoselect(u.id)).toEqual(['Old']);
      expect(await bodyCount(fx)).toBe(1);
      await expectStoreError(fx.store.deleteMailbox(u.id, 'Old'), 'has-children');
      const deleted: number[] = [];
      fx.store.changes.subscribe(box.id, (c) => c.kind === 'deleted' && deleted.push(c.mailboxId));
      await fx.store.deleteMailbox(u.id, 'Old/Child');
      expect(deleted).toEqual([box.id]);
      // The placeholder went with its last inferior.
      expect(await fx.store.listNoselect(u.id)).toEqual([]);
      await expectStoreError(fx.store.deleteMailbox(u.id, 'Old'), 'not-found');
      await expectStoreError(fx.store.getMailboxById(u.id, box.id), 'not-found');
      expect(await bodyCount(fx)).toBe(0);
    });

    it('CREATE of a \\Noselect name makes a new mailbox; CREATE below one leaves it \\Noselect', async () => {
      const u = await fx.store.createUser('u', CREDENTIALS);
      const first = await fx.store.createMailbox(u.id, 'P');
      await fx.store.createMailbox(u.id, 'P/Q');
      await fx.store.deleteMailbox(u.id, 'P');
      await fx.store.createMailbox(u.id, 'P/R');
      expect(await fx.store.listNoselect(u.id)).toEqual(['P']);
      const again = await fx.store.createMailbox(u.id, 'P');
      expect(again.id).not.toBe(first.id);
      expect(again.uidValidity).toBeGreaterThan(first.uidValidity);
      expect(again).toMatchObject({ messages: 0, uidNext: 1 });
      expect(await fx.store.listNoselect(u.id)).toEqual([]);
    });

    it('renames a mailbox with its inferiors and their subscriptions', async () => {
      const u = await fx.store.createUser('u', CREDENTIALS);
      const parent = await fx.store.createMailbox(u.id, 'Projects');
      const child = await fx.store.createMailbox(u.id, 'Projects/A');
      await fx.store.subscribe(u.id, 'Projects/A');
      await fx.store.append(u.id, child.id, { raw: Buffer.from('x\r\n') });
      const renamed: string[] = [];
      fx.store.changes.subscribe(child.id, (c) => c.kind === 'renamed' && renamed.push(c.name));
      await fx.store.renameMailbox(u.id, 'Projects', 'Archive/Old Projects');
      expect(renamed).toEqual(['Archive/Old Projects/A']);
      expect((await fx.store.getMailboxById(u.id, parent.id)).name).toBe('Archive/Old Projects');
      const renamedChild = await fx.store.getMailboxById(u.id, child.id);
      expect(renamedChild).toMatchObject({ name: 'Archive/Old Projects/A', messages: 1, uidValidity: child.uidValidity });
      expect(renamedChild.subscribed).toBe(true);
      expect(await fx.store.listSubscriptions(u.id)).toContain('Archive/Old Projects/A');
      expect(await fx.store.listSubscriptions(u.id)).not.toContain('Projects/A');
      await expectStoreError(fx.store.renameMailbox(u.id, 'Sent', 'Drafts'), 'exists');
      await expectStoreError(fx.store.renameMailbox(u.id, 'Sent', 'Sent'), 'not-allowed');
      await expectStoreError(fx.store.renameMailbox(u.id, 'Sent', 'Sent/Inner'), 'not-allowed');
      await expectStoreError(fx.store.renameMailbox(u.id, 'Missing', 'Other'), 'not-found');
      await expectStoreError(fx.store.renameMailbox(u.id, 'Sent', 'a//b'), 'invalid-name');
    });

    it('renaming INBOX moves its messages to the new mailbox with new UIDs and empties INBOX', async () => {
      const u = await fx.store.createUser('u', CREDENTIALS);
      const inbox = await fx.store.getMailbox(u.id, 'INBOX');
      await fx.store.deliver(delivery('one\r\n', [u.id], { requireTls: true }));
      await fx.store.deliver(delivery('two\r\n', [u.id]));
      await fx.store.renameMailbox(u.id, 'INBOX', 'Old Inbox');
      const after = await fx.store.getMailbox(u.id, 'INBOX');
      expect(after).toMatchObject({ id: inbox.id, messages: 0, bytes: 0, requireTlsMessages: 0, uidNext: 3 });
      const moved = await fx.store.getMailbox(u.id, 'Old Inbox');
      expect(moved).toMatchObject({ messages: 2, requireTlsMessages: 1 });
      expect(await fx.store.listUids(u.id, moved.id)).toEqual([1, 2]);
      expect((await fx.store.readMessage(u.id, moved.id, 1)).toString()).toBe(`Delivered-To: user${u.id}\r\none\r\n`);
      expect((await fx.store.expungedSince(u.id, inbox.id, 0)).map((e) => e.uid)).toEqual([1, 2]);
      expect(await checkProblems(fx)).toEqual([]);
    });

    it('a name holding U+0000 is no mailbox and no user (PostgreSQL text cannot hold it; nothing is asked)', async () => {
      const u = await fx.store.createUser('u', CREDENTIALS);
      expect(await fx.store.findUser('u\u0000')).toBeNull();
      await expectStoreError(fx.store.getMailbox(u.id, 'IN\u0000BOX'), 'not-found');
      await expectStoreError(fx.store.openMailbox(u.id, 'a\u0000', () => undefined), 'not-found');
      await expectStoreError(fx.store.mailboxStatus(u.id, 'a\u0000'), 'not-found');
      await expectStoreError(fx.store.deleteMailbox(u.id, 'a\u0000'), 'not-found');
      await expectStoreError(fx.store.renameMailbox(u.id, 'a\u0000', 'b'), 'not-found');
      await expectStoreError(fx.store.renameMailbox(u.id, 'Sent', 'b\u0000'), 'invalid-name');
      await expectStoreError(fx.store.createMailbox(u.id, 'a\u0000'), 'invalid-name');
      await expectStoreError(fx.store.subscribe(u.id, 'a\u0000'), 'invalid-name');
      await fx.store.unsubscribe(u.id, 'a\u0000');
      expect(await fx.store.listSubscriptions(u.id)).toHaveLength(6);
    });

    it('subscriptions may name mailboxes that do not exist', async () => {
      const u = await fx.store.createUser('u', CREDENTIALS);
      await fx.store.subscribe(u.id, 'Ghost');
      await fx.store.subscribe(u.id, 'Ghost');
      expect(await fx.store.listSubscriptions(u.id)).toContain('Ghost');
      await fx.store.unsubscribe(u.id, 'Ghost');
      expect(await fx.store.listSubscriptions(u.id)).not.toContain('Ghost');
      await fx.store.unsubscribe(u.id, 'inbox');
      expect((await fx.store.getMailbox(u.id, 'INBOX')).subscribed).toBe(false);
    });
  });
  // Issue 18 item 2: two front ends (pools) on one database creating the same user, or mailbox, at once.
  if (backend === 'postgres') {
    describe('two front ends at once', () => {
      it("creating the same user and the same mailboxes: one of each succeeds, the other is 'exists'", async () => {
        const other = await openSecond(fx);
        try {
          const kinds = (results: PromiseSettledResult<unknown>[]): string[] =>
            results.map((r) => (r.status === 'fulfilled' ? 'ok' : isStoreError(r.reason) ? r.reason.kind : String(r.reason))).sort();
          for (let round = 0; round < 5; round++) {
            const users = await Promise.allSettled([fx.store.createUser(`u${round}`, CREDENTIALS), other.createUser(`U${round}`, CREDENTIALS)]);
            expect(kinds(users)).toEqual(['exists', 'ok']);
            const user = (await fx.store.findUser(`u${round}`))!;
            const boxes = await Promise.allSettled([fx.store.createMailbox(user.id, 'A/B'), other.createMailbox(user.id, 'A/B')]);
            expect(kinds(boxes)).toEqual(['exists', 'ok']);
            expect((await other.listMailboxes(user.id)).map((b) => b.name)).toEqual(['A', 'A/B', 'Archive', 'Drafts', 'INBOX', 'Junk', 'Sent', 'Trash']);
          }
          const validities = (await sqlRows<{ uid_validity: number }>(fx, 'SELECT uid_validity FROM mailboxes')).map((r) => r.uid_validity);
          expect(new Set(validities).size).toBe(validities.length); // UIDVALIDITY never handed out twice
        } finally {
          await other.close();
        }
      });
    });
  }
});
