// Store.readMessages (SPEC R12, FETCH BODY[] in batches), on every backend: whole messages as prefix and body in one read,
// ascending, absent UIDs skipped, stopping at the byte bound so that a caller can continue after the last.
import { afterEach, beforeEach, expect, it } from 'vitest';
import type { MailboxInfo, User } from '../../../src/store/types.js';
import { describeBackends, type BackendFixture } from './backends.js';
import { CREDENTIALS, delivery } from './store-fixture.js';

const BODIES = ['one\r\n', 'two two\r\n', 'three three three\r\n', 'four\r\n', 'five five\r\n'];

describeBackends('readMessages', (open) => {
  let fx: BackendFixture;
  let alice: User;
  let inbox: MailboxInfo;

  beforeEach(async () => {
    fx = await open();
    alice = await fx.store.createUser('alice', CREDENTIALS);
    inbox = await fx.store.getMailbox(alice.id, 'INBOX');
    for (const body of BODIES) await fx.store.deliver(delivery(body, [alice.id])); // UIDs 1..5
    await fx.store.expunge(alice.id, inbox.id, { uids: [3], force: true });
  });
  afterEach(() => fx.cleanup());

  it('returns the served bytes of each existing message, split into prefix and body, ascending', async () => {
    const got = await fx.store.readMessages(alice.id, inbox.id, [5, 1, 3, 2, 99], Number.MAX_SAFE_INTEGER);
    expect(got.map((m) => m.uid)).toEqual([1, 2, 5]);
    for (const m of got) {
      expect(m.prefix.toString()).toBe(`Delivered-To: user${alice.id}\r\n`);
      expect(Buffer.concat([m.prefix, m.body])).toEqual(await fx.store.readMessage(alice.id, inbox.id, m.uid));
    }
    expect(await fx.store.readMessages(alice.id, inbox.id, [], 100)).toEqual([]);
    expect(await fx.store.readMessages(alice.id, inbox.id, [3, 42], 100)).toEqual([]);
  });

  it('stops after the message that reaches the byte bound (at least one), and continues from there', async () => {
    const all = [1, 2, 3, 4, 5];
    const size = async (uid: number) => (await fx.store.readMessage(alice.id, inbox.id, uid)).length;
    expect((await fx.store.readMessages(alice.id, inbox.id, all, 1)).map((m) => m.uid)).toEqual([1]);
    const firstTwo = (await size(1)) + (await size(2));
    expect((await fx.store.readMessages(alice.id, inbox.id, all, firstTwo)).map((m) => m.uid)).toEqual([1, 2]);
    expect((await fx.store.readMessages(alice.id, inbox.id, all, firstTwo + 1)).map((m) => m.uid)).toEqual([1, 2, 4]);
    const seen: number[] = [];
    let rest = all;
    while (rest.length > 0) {
      const got = await fx.store.readMessages(alice.id, inbox.id, rest, 1);
      const last = got[got.length - 1];
      if (!last) break;
      seen.push(...got.map((m) => m.uid));
      rest = rest.filter((u) => u > last.uid);
    }
    expect(seen).toEqual([1, 2, 4, 5]);
  });

  it("refuses another user's mailbox", async () => {
    const bob = await fx.store.createUser('bob', CREDENTIALS);
    await expect(fx.store.readMessages(bob.id, inbox.id, [1], 100)).rejects.toMatchObject({ kind: 'not-found' });
  });
});

describeBackends('readMessage and readMessages of a chunked body', (open) => {
  let fx: BackendFixture;
  afterEach(() => fx.cleanup());

  it('serve any range across the prefix and chunk boundaries, and the whole body in a batch', async () => {
    fx = await open();
    const alice = await fx.store.createUser('alice', CREDENTIALS);
    const inbox = await fx.store.getMailbox(alice.id, 'INBOX');
    const CHUNK = 256 * 1024; // sqlite/body-bytes.ts CHUNK_BYTES
    const body = Buffer.alloc(CHUNK * 3 + 123);
    for (let i = 0; i < body.length; i++) body[i] = 0x41 + ((i * 7) % 26);
    body.write('Subject: big\r\n\r\n');
    await fx.store.deliver({ ...delivery('', [alice.id]), body });
    await fx.store.deliver(delivery('small\r\n', [alice.id]));
    const prefix = Buffer.from(`Delivered-To: user${alice.id}\r\n`);
    const served = Buffer.concat([prefix, body]);
    expect((await fx.store.readMessage(alice.id, inbox.id, 1)).equals(served)).toBe(true);
    const p = prefix.length;
    const ranges = [
      { offset: 0, length: 5 },
      { offset: p - 3, length: 10 },
      { offset: p + CHUNK - 10, length: 20 },
      { offset: p + 5, length: 2 * CHUNK + 40 },
      { offset: p + CHUNK, length: CHUNK },
      { offset: served.length - 7, length: 100 },
      { offset: served.length + 5, length: 10 },
      { offset: -4, length: 8 },
      { offset: 3, length: 0 },
    ];
    for (const r of ranges) {
      const from = Math.min(Math.max(0, r.offset), served.length);
      const want = served.subarray(from, Math.min(served.length, from + r.length));
      expect({ r, ok: (await fx.store.readMessage(alice.id, inbox.id, 1, r)).equals(want) }).toEqual({ r, ok: true });
    }
    const small = Buffer.concat([prefix, Buffer.from('small\r\n')]); // an inline body
    for (const r of [
      { offset: 0, length: 3 },
      { offset: p - 2, length: 5 },
      { offset: p + 2, length: 100 },
      { offset: small.length, length: 5 },
      { offset: 1, length: Infinity },
      { offset: p, length: 0 },
    ]) {
      const from = Math.min(r.offset, small.length);
      const want = small.subarray(from, Math.min(small.length, from + r.length));
      expect({ r, ok: (await fx.store.readMessage(alice.id, inbox.id, 2, r)).equals(want) }).toEqual({ r, ok: true });
    }
    const many = await fx.store.readMessages(alice.id, inbox.id, [1, 2], Number.MAX_SAFE_INTEGER);
    expect(many.map((m) => m.uid)).toEqual([1, 2]);
    expect(many[0]!.prefix.equals(prefix) && many[0]!.body.equals(body)).toBe(true);
    expect(many[1]!.body.toString()).toBe('small\r\n');
    expect((await fx.store.readMessages(alice.id, inbox.id, [1, 2], 1)).map((m) => m.uid)).toEqual([1]);
    await expect(fx.store.readMessage(alice.id, inbox.id, 3)).rejects.toMatchObject({ kind: 'not-found' });
  });
});

describeBackends('message listings', (open) => {
  let fx: BackendFixture;
  let alice: User;
  let inbox: MailboxInfo;
  beforeEach(async () => {
    fx = await open();
    alice = await fx.store.createUser('alice', CREDENTIALS);
    inbox = await fx.store.getMailbox(alice.id, 'INBOX');
    for (let i = 1; i <= 40; i++) {
      await fx.store.append(alice.id, inbox.id, {
        raw: Buffer.from(`Subject: ${i}\r\n\r\n${i}\r\n`),
        flags: i % 3 === 0 ? [] : ['\\Seen', `k${i % 2}`],
        internalDate: new Date(Date.UTC(2024, 0, i)),
        internalZone: 120,
        ...(i % 10 === 0 ? { pop3Uidl: `imported-${i}` } : {}),
      });
    }
  });
  afterEach(() => fx.cleanup());

  it('listMessages: the UIDs in the ranges, ascending, each once; the metadata as stored', async () => {
    const uids = async (ranges?: Array<{ from: number; to: number }>) =>
      (await fx.store.listMessages(alice.id, inbox.id, ranges)).map((m) => m.uid);
    expect(await uids()).toEqual(Array.from({ length: 40 }, (_, i) => i + 1));
    expect(await uids([{ from: 38, to: Infinity }, { from: 2, to: 4 }, { from: 3, to: 5 }, { from: 6, to: 6 }])).toEqual([2, 3, 4, 5, 6, 38, 39, 40]);
    expect(await uids([{ from: 9, to: 7 }, { from: 50, to: 60 }, { from: 0, to: 1 }])).toEqual([1, 7, 8, 9]);
    expect(await uids([])).toEqual([]);
    const odd = Array.from({ length: 20 }, (_, i) => ({ from: 2 * i + 1, to: 2 * i + 1 })); // many ranges
    expect(await uids(odd)).toEqual(odd.map((r) => r.from));
    const [m] = await fx.store.listMessages(alice.id, inbox.id, [{ from: 4, to: 4 }]);
    expect(m).toMatchObject({
      mailboxId: inbox.id,
      uid: 4,
      flags: ['\\Seen', 'k0'],
      internalDate: new Date(Date.UTC(2024, 0, 4)),
      internalZone: 120,
      size: 'Subject: 4\r\n\r\n4\r\n'.length,
      requireTls: false,
      tlsRequiredNo: false,
      forgedFields: 0,
    });
    expect(m!.emailId).toMatch(/^M[0-9a-f]{24}$/);
    expect(m!.saveDate).toBeInstanceOf(Date);
    expect(m!.modseq).toBeGreaterThan(0);
    expect((await fx.store.listMessages(alice.id, inbox.id, [{ from: 3, to: 3 }]))[0]!.flags).toEqual([]);
  });

  it('listUids, firstUnseenUid and pop3Uidls; another user is refused', async () => {
    expect(await fx.store.listUids(alice.id, inbox.id)).toEqual(Array.from({ length: 40 }, (_, i) => i + 1));
    expect(await fx.store.firstUnseenUid(alice.id, inbox.id)).toBe(3);
    expect([...(await fx.store.pop3Uidls(alice.id, inbox.id))].sort((a, b) => a[0] - b[0])).toEqual([
      [10, 'imported-10'],
      [20, 'imported-20'],
      [30, 'imported-30'],
      [40, 'imported-40'],
    ]);
    const empty = await fx.store.getMailbox(alice.id, 'Sent');
    expect(await fx.store.listUids(alice.id, empty.id)).toEqual([]);
    expect(await fx.store.firstUnseenUid(alice.id, empty.id)).toBeNull();
    expect(await fx.store.listMessages(alice.id, empty.id)).toEqual([]);
    expect((await fx.store.pop3Uidls(alice.id, empty.id)).size).toBe(0);
    const bob = await fx.store.createUser('bob', CREDENTIALS);
    for (const read of [
      () => fx.store.listUids(bob.id, inbox.id),
      () => fx.store.firstUnseenUid(bob.id, inbox.id),
      () => fx.store.pop3Uidls(bob.id, inbox.id),
      () => fx.store.listMessages(bob.id, inbox.id),
      () => fx.store.readMessage(bob.id, inbox.id, 1),
    ]) {
      await expect(read()).rejects.toMatchObject({ kind: 'not-found' });
    }
  });
});
