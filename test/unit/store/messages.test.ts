// The store's message use cases, on every backend: deliver, append, copy, move, expunge, readMessage ranges, quota, change feed
// (SPEC R1.4, R1.8, R3.3, R7.5, R9.3; RFC 4315, RFC 6851, RFC 7162).
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { MailboxChange } from '../../../src/store/changes.js';
import { isStoreError } from '../../../src/store/errors.js';
import type { MailboxInfo, User } from '../../../src/store/types.js';
import { describeBackends, type BackendFixture } from './backends.js';
import { sqlRows, sqlValue } from './backend-sql.js';
import { CREDENTIALS, delivery } from './store-fixture.js';

describeBackends('messages', (open) => {
  let fx: BackendFixture;
  let alice: User;
  let bob: User;
  let inbox: MailboxInfo;
  beforeEach(async () => {
    fx = await open();
    alice = await fx.store.createUser('alice', CREDENTIALS);
    bob = await fx.store.createUser('bob', CREDENTIALS);
    inbox = await fx.store.getMailbox(alice.id, 'INBOX');
  });
  afterEach(async () => {
    await fx.cleanup();
  });

  function bodyRows(): Promise<Array<{ id: number; refcount: number }>> {
    return sqlRows(fx, 'SELECT id, refcount FROM bodies ORDER BY id');
  }

  async function box(user: User, name: string): Promise<MailboxInfo> {
    return fx.store.getMailbox(user.id, name);
  }

  describe('deliver', () => {
    it('finds the first unseen UID for SELECT without listing the mailbox', async () => {
      expect(await fx.store.firstUnseenUid(alice.id, inbox.id)).toBeNull();
      await fx.store.append(alice.id, inbox.id, { raw: Buffer.from('Subject: a\r\n\r\na\r\n'), flags: ['\\Seen'] });
      const b = await fx.store.append(alice.id, inbox.id, { raw: Buffer.from('Subject: b\r\n\r\nb\r\n') });
      await fx.store.append(alice.id, inbox.id, { raw: Buffer.from('Subject: c\r\n\r\nc\r\n') });
      expect(await fx.store.firstUnseenUid(alice.id, inbox.id)).toBe(b.uid);
      await fx.store.setFlags(alice.id, inbox.id, [b.uid], 'add', ['\\Seen']);
      expect(await fx.store.firstUnseenUid(alice.id, inbox.id)).toBe(b.uid + 1);
    });

    it('stores the body once, one message per recipient with its own prefix (R1.8)', async () => {
      const results = await fx.store.deliver(delivery('Subject: hi\r\n\r\nHello\r\n', [alice.id, bob.id]));
      expect(results.map((r) => r.ok)).toEqual([true, true]);
      expect(await bodyRows()).toEqual([{ id: expect.any(Number), refcount: 2 }]);
      const [a] = await fx.store.listMessages(alice.id, inbox.id);
      const bobInbox = await box(bob, 'INBOX');
      const [b] = await fx.store.listMessages(bob.id, bobInbox.id);
      expect(a?.bodyId).toBe(b?.bodyId);
      const servedA = await fx.store.readMessage(alice.id, inbox.id, 1);
      expect(servedA.toString()).toBe(`Delivered-To: user${alice.id}\r\nSubject: hi\r\n\r\nHello\r\n`);
      expect(a?.size).toBe(servedA.length);
      expect(await box(alice, 'INBOX')).toMatchObject({ messages: 1, unseen: 1, bytes: servedA.length, uidNext: 2 });
    });

    it('fails only the unknown or over-quota recipient; a missing named mailbox falls back to INBOX', async () => {
      await fx.store.setQuota(bob.id, 10);
      const input = delivery('a body longer than ten bytes\r\n', [alice.id, bob.id, 4242]);
      const first = input.recipients[0];
      if (first) first.mailbox = 'No Such Box';
      const results = await fx.store.deliver(input);
      expect(results[0]).toMatchObject({ ok: true, mailboxId: inbox.id, uid: 1 });
      expect(results[1]?.ok === false && results[1].error.kind).toBe('over-quota');
      expect(results[2]?.ok === false && results[2].error.kind).toBe('not-found');
      expect(await bodyRows()).toEqual([{ id: expect.any(Number), refcount: 1 }]);
      expect((await box(bob, 'INBOX')).messages).toBe(0);
    });

    it('delivers into a named mailbox, with flags, and stores nothing when every recipient fails', async () => {
      const input = delivery('x\r\n', [alice.id]);
      input.recipients[0] = { userId: alice.id, mailbox: 'Junk', prefix: Buffer.alloc(0), flags: ['\\seen', '$Junk'] };
      const [r] = await fx.store.deliver(input);
      const junk = await box(alice, 'Junk');
      expect(r).toMatchObject({ ok: true, mailboxId: junk.id });
      expect((await fx.store.listMessages(alice.id, junk.id))[0]?.flags).toEqual(['$Junk', '\\Seen']);
      expect(junk).toMatchObject({ messages: 1, unseen: 0 });
      await fx.store.deliver(delivery('y\r\n', [9999]));
      await fx.store.setQuota(bob.id, 1);
      const refused = await fx.store.deliver(delivery('z\r\n', [9999, bob.id]));
      expect(refused.map((x) => x.ok)).toEqual([false, false]);
      expect(await bodyRows()).toHaveLength(1);
      if (fx.backend === 'postgres') {
        // The PostgreSQL store stores the body before locking the recipients: a body nobody took goes, rows derived from it too.
        for (const table of ['body_structures', 'body_text', 'body_search_fields', 'body_sort_keys']) {
          expect(await sqlRows(fx, `SELECT body_id FROM ${table}`), table).toHaveLength(1);
        }
      }
    });

    it('records REQUIRETLS and TLS-Required: No per message and counts REQUIRETLS per mailbox (R3.3)', async () => {
      await fx.store.deliver(delivery('a\r\n', [alice.id], { requireTls: true, tlsRequiredNo: true, forgedFields: 2 }));
      await fx.store.deliver(delivery('b\r\n', [alice.id]));
      const metas = await fx.store.listMessages(alice.id, inbox.id);
      expect(metas.map((m) => [m.requireTls, m.tlsRequiredNo, m.forgedFields])).toEqual([
        [true, true, 2],
        [false, false, 0],
      ]);
      expect((await box(alice, 'INBOX')).requireTlsMessages).toBe(1);
    });

    it('publishes exists changes only after the commit', async () => {
      const seen: Array<{ change: MailboxChange; committed: Promise<number> }> = [];
      fx.store.changes.subscribe(inbox.id, (change) => {
        // Read from another connection (PostgreSQL) or the store's own outside any transaction (SQLite): committed rows only.
        seen.push({ change, committed: sqlValue<number>(fx, 'SELECT messages FROM mailboxes WHERE id = ?', [inbox.id]) });
        if (fx.backend === 'sqlite') expect(fx.store.db.inTransaction).toBe(false);
      });
      await fx.store.deliver(delivery('x\r\n', [alice.id], { requireTls: true }));
      expect(await Promise.all(seen.map(async (s) => ({ change: s.change, committed: await s.committed })))).toEqual([
        { change: { kind: 'exists', mailboxId: inbox.id, uid: 1, modseq: 2, requireTls: true }, committed: 1 },
      ]);
    });
  });

  describe('append, copy, move, expunge', () => {
    it('append stores the raw message with an empty prefix and the given date and flags', async () => {
      const date = new Date('2020-01-02T03:04:05Z');
      const r = await fx.store.append(alice.id, inbox.id, { raw: Buffer.from('raw\r\n'), flags: ['\\Seen', 'Work'], internalDate: date });
      expect(r).toEqual({ mailboxId: inbox.id, uidValidity: inbox.uidValidity, uid: 1 });
      const [m] = await fx.store.listMessages(alice.id, inbox.id);
      expect(m).toMatchObject({ uid: 1, flags: ['Work', '\\Seen'], internalDate: date, size: 5 });
      expect((await fx.store.readMessage(alice.id, inbox.id, 1)).toString()).toBe('raw\r\n');
      const bobInbox = await box(bob, 'INBOX');
      await expect(fx.store.append(alice.id, bobInbox.id, { raw: Buffer.from('x') })).rejects.toSatisfy((e) => isStoreError(e, 'not-found'));
      await expect(fx.store.append(alice.id, inbox.id, { raw: Buffer.from('x'), flags: ['\\Recent'] })).rejects.toSatisfy((e) =>
        isStoreError(e, 'invalid-name'),
      );
    });

    it('copy shares bodies, keeps flags and REQUIRETLS, and returns COPYUID pairs', async () => {
      await fx.store.deliver(delivery('one\r\n', [alice.id], { requireTls: true }));
      await fx.store.deliver(delivery('two\r\n', [alice.id]));
      await fx.store.setFlags(alice.id, inbox.id, [2], 'add', ['\\Seen', '\\Flagged']);
      const archive = await box(alice, 'Archive');
      await fx.store.append(alice.id, archive.id, { raw: Buffer.from('pre-existing\r\n') });
      const result = await fx.store.copy(alice.id, inbox.id, [2, 1, 77], archive.id);
      expect(result).toEqual({ uidValidity: archive.uidValidity, mapping: [[1, 2], [2, 3]] });
      const after = await box(alice, 'Archive');
      const src = await box(alice, 'INBOX');
      expect(after).toMatchObject({ messages: 3, unseen: 2, requireTlsMessages: 1, bytes: src.bytes + 14 });
      expect((await fx.store.listMessages(alice.id, archive.id, [{ from: 3, to: 3 }]))[0]?.flags).toEqual(['\\Flagged', '\\Seen']);
      expect((await bodyRows()).map((b) => b.refcount)).toEqual([2, 2, 1]);
    });

    it('move copies and expunges in one step, publishing both, counters following', async () => {
      await fx.store.deliver(delivery('one\r\n', [alice.id], { requireTls: true }));
      await fx.store.deliver(delivery('two\r\n', [alice.id]));
      const trash = await box(alice, 'Trash');
      const changes: MailboxChange[] = [];
      fx.store.changes.subscribe(inbox.id, (c) => changes.push(c));
      fx.store.changes.subscribe(trash.id, (c) => changes.push(c));
      const result = await fx.store.move(alice.id, inbox.id, [1], trash.id);
      expect(result.mapping).toEqual([[1, 1]]);
      expect(changes.map((c) => c.kind).sort()).toEqual(['exists', 'expunge']);
      expect(await box(alice, 'INBOX')).toMatchObject({ messages: 1, requireTlsMessages: 0 });
      expect(await box(alice, 'Trash')).toMatchObject({ messages: 1, requireTlsMessages: 1 });
      expect((await bodyRows()).map((b) => b.refcount)).toEqual([1, 1]);
      expect((await fx.store.expungedSince(alice.id, inbox.id, 0)).map((e) => e.uid)).toEqual([1]);
    });

    it('expunge removes \\Deleted messages, frees bodies, logs modseqs, and UIDs are never reused', async () => {
      for (const text of ['a', 'b', 'c']) await fx.store.deliver(delivery(`${text}\r\n`, [alice.id], { requireTls: text === 'a' }));
      await fx.store.setFlags(alice.id, inbox.id, [1, 3], 'add', ['\\Deleted']);
      expect(await fx.store.expunge(alice.id, inbox.id, { uids: [3] })).toEqual([3]);
      expect(await fx.store.expunge(alice.id, inbox.id)).toEqual([1]);
      expect(await fx.store.expunge(alice.id, inbox.id, { uids: [2] })).toEqual([]);
      const mid = await box(alice, 'INBOX');
      expect(mid).toMatchObject({ messages: 1, requireTlsMessages: 0, uidNext: 4 });
      expect(await fx.store.expunge(alice.id, inbox.id, { uids: [2], force: true })).toEqual([2]);
      expect(await bodyRows()).toEqual([]);
      await fx.store.deliver(delivery('d\r\n', [alice.id]));
      expect(await fx.store.listUids(alice.id, inbox.id)).toEqual([4]);
      const log = await fx.store.expungedSince(alice.id, inbox.id, 0);
      expect(log.map((e) => e.uid)).toEqual([1, 2, 3]);
      const since = await fx.store.expungedSince(alice.id, inbox.id, log.find((e) => e.uid === 3)?.modseq ?? 0);
      expect(since.map((e) => e.uid).sort()).toEqual([1, 2]);
      expect((await box(alice, 'INBOX')).highestModseq).toBeGreaterThanOrEqual(Math.max(...log.map((e) => e.modseq)));
    });

    it('quota refuses append and copy beyond the limit, but not a move within the account', async () => {
      await fx.store.setQuota(alice.id, 40);
      await fx.store.append(alice.id, inbox.id, { raw: Buffer.alloc(30, 'x') });
      await expect(fx.store.append(alice.id, inbox.id, { raw: Buffer.alloc(11, 'y') })).rejects.toSatisfy((e) => isStoreError(e, 'over-quota'));
      const archive = await box(alice, 'Archive');
      await expect(fx.store.copy(alice.id, inbox.id, [1], archive.id)).rejects.toSatisfy((e) => isStoreError(e, 'over-quota'));
      expect((await fx.store.move(alice.id, inbox.id, [1], archive.id)).mapping).toEqual([[1, 1]]);
      expect(await fx.store.quotaUsage(alice.id)).toEqual({ usedBytes: 30, limitBytes: 40, messages: 1, requireTlsMessages: 0 });
      await fx.store.append(alice.id, inbox.id, { raw: Buffer.alloc(10, 'z') });
      expect((await fx.store.quotaUsage(alice.id)).usedBytes).toBe(40);
    });
  });

  describe('readMessage and listMessages', () => {
    it('serves byte ranges spanning prefix and body, clamped to the message', async () => {
      const input = delivery('BODYBYTES', [alice.id]);
      input.recipients[0] = { userId: alice.id, prefix: Buffer.from('PREFIX') };
      await fx.store.deliver(input);
      const whole = 'PREFIXBODYBYTES';
      for (let offset = 0; offset <= whole.length + 1; offset++) {
        for (let length = 0; length <= whole.length + 1; length++) {
          const got = await fx.store.readMessage(alice.id, inbox.id, 1, { offset, length });
          expect(got.toString()).toBe(whole.slice(offset, offset + length));
        }
      }
      await expect(fx.store.readMessage(alice.id, inbox.id, 2)).rejects.toSatisfy((e) => isStoreError(e, 'not-found'));
    });

    it('lists messages in UID ranges, ascending, each once, including "*" as Infinity', async () => {
      for (let i = 0; i < 60; i++) await fx.store.append(alice.id, inbox.id, { raw: Buffer.from(`m${i}\r\n`) });
      await fx.store.setFlags(alice.id, inbox.id, [10], 'add', ['\\Deleted']);
      await fx.store.expunge(alice.id, inbox.id);
      const uids = async (ranges?: Array<{ from: number; to: number }>): Promise<number[]> =>
        (await fx.store.listMessages(alice.id, inbox.id, ranges)).map((m) => m.uid);
      expect(await uids([{ from: 58, to: Infinity }, { from: 9, to: 11 }, { from: 10, to: 12 }])).toEqual([9, 11, 12, 58, 59, 60]);
      expect(await uids([{ from: 5, to: 3 }])).toEqual([3, 4, 5]);
      const odd = Array.from({ length: 40 }, (_, i) => ({ from: 2 * i + 1, to: 2 * i + 1 }));
      expect(await uids(odd)).toEqual(odd.map((r) => r.from).filter((u) => u <= 60 && u !== 10));
      expect(await uids()).toHaveLength(59);
      expect(await fx.store.listUids(alice.id, inbox.id)).toEqual(await uids());
    });
  });
});
