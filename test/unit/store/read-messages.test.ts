// SqliteStore.readMessages (SPEC R12, FETCH BODY[] in batches): whole messages as prefix and body in one read,
// ascending, absent UIDs skipped, stopping at the byte bound so that a caller can continue after the last.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { MailboxInfo, User } from '../../../src/store/types.js';
import { CREDENTIALS, delivery, openFixture, type Fixture } from './store-fixture.js';

let fx: Fixture;
let alice: User;
let inbox: MailboxInfo;
const BODIES = ['one\r\n', 'two two\r\n', 'three three three\r\n', 'four\r\n', 'five five\r\n'];

beforeEach(async () => {
  fx = await openFixture();
  alice = await fx.store.createUser('alice', CREDENTIALS);
  inbox = await fx.store.getMailbox(alice.id, 'INBOX');
  for (const body of BODIES) await fx.store.deliver(delivery(body, [alice.id])); // UIDs 1..5
  await fx.store.expunge(alice.id, inbox.id, { uids: [3], force: true });
});
afterEach(() => fx.cleanup());

describe('readMessages', () => {
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
