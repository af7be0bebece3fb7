// \Recent ownership in the store (RFC 3501 §2.3.2; issue 13 item 1): the per-mailbox first recent UID, the
// claim by a read-write open and by a session seeing arrivals, EXAMINE's peek, STATUS's count, and the claim's
// atomicity between two connections on one file (two processes) or two front ends on one PostgreSQL database:
// every UID is claimed by exactly one — on every backend (issue 18 item 4).
import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openSqliteStore } from '../../../src/store/sqlite/sqlite-store.js';
import type { Store } from '../../../src/store/store.js';
import { holdWriteLock, openSecond } from './backend-sql.js';
import { describeBackends, type BackendFixture } from './backends.js';
import { CREDENTIALS, delivery, withStoreBeforeMigration } from './store-fixture.js';

const none = (): void => undefined;

async function userWithMail(store: Store, name: string, count: number): Promise<{ userId: number; inbox: number }> {
  const user = await store.createUser(name, CREDENTIALS);
  for (let i = 0; i < count; i++) await store.deliver(delivery(`Subject: ${i}\r\n\r\nx\r\n`, [user.id]));
  return { userId: user.id, inbox: (await store.getMailbox(user.id, 'INBOX')).id };
}

describeBackends('first recent UID', (open, backend) => {
  let fx: BackendFixture;
  beforeEach(async () => {
    fx = await open();
  });
  afterEach(async () => {
    await fx.cleanup();
  });

  it('a claiming open takes every unclaimed message; a second open and a peek get none', async () => {
    const { userId } = await userWithMail(fx.store, 'a', 3);
    expect((await fx.store.mailboxStatus(userId, 'INBOX', { recent: true })).recent).toBe(3);
    const peek = await fx.store.openMailbox(userId, 'INBOX', none);
    peek.close();
    expect(peek.firstRecentUid).toBe(1); // EXAMINE: shown, not taken
    const first = await fx.store.openMailbox(userId, 'INBOX', none, { claimRecent: true });
    first.close();
    expect(first.firstRecentUid).toBe(1);
    expect(first.uids).toEqual([1, 2, 3]);
    const second = await fx.store.openMailbox(userId, 'INBOX', none, { claimRecent: true });
    second.close();
    expect(second.uids.filter((u) => u >= second.firstRecentUid)).toEqual([]);
    expect((await fx.store.mailboxStatus(userId, 'INBOX', { recent: true })).recent).toBe(0);
    expect((await fx.store.mailboxStatus(userId, 'INBOX')).recent).toBeNull();
  });

  it('a claiming open that will be refused for privacy (R3.4) claims nothing', async () => {
    const { userId } = await userWithMail(fx.store, 'a', 0);
    await fx.store.deliver(delivery('Subject: secret\r\n\r\nx\r\n', [userId], { requireTls: true }));
    const refused = await fx.store.openMailbox(userId, 'INBOX', none, { claimRecent: true, refuseProtected: true });
    refused.close();
    expect((await fx.store.mailboxStatus(userId, 'INBOX', { recent: true })).recent).toBe(1);
    const tls = await fx.store.openMailbox(userId, 'INBOX', none, { claimRecent: true, refuseProtected: false });
    tls.close();
    expect(tls.firstRecentUid).toBe(1);
    expect((await fx.store.mailboxStatus(userId, 'INBOX', { recent: true })).recent).toBe(0);
  });

  it('claims arrivals up to a UID, forward only; a claim of what another took gets nothing', async () => {
    const { userId, inbox } = await userWithMail(fx.store, 'a', 4);
    expect(await fx.store.claimRecent(userId, inbox, 2)).toBe(1); // UIDs 1..2 are the caller's
    expect(await fx.store.claimRecent(userId, inbox, 2)).toBe(3); // nothing left at or below 2
    expect(await fx.store.firstRecentUid(userId, inbox)).toBe(3);
    expect(await fx.store.claimRecent(userId, inbox, 4)).toBe(3); // UIDs 3..4
    expect(await fx.store.claimRecent(userId, inbox, 1)).toBe(5);
    expect((await fx.store.mailboxStatus(userId, 'INBOX', { recent: true })).recent).toBe(0);
  });

  it('two connections on one file (two processes; two front ends on one database) claiming in any interleaving: each UID exactly once', async () => {
    const { userId, inbox } = await userWithMail(fx.store, 'a', 0);
    const other = await openSecond(fx);
    try {
      let delivered = 0;
      await fc.assert(
        fc.asyncProperty(fc.array(fc.tuple(fc.boolean(), fc.integer({ min: 0, max: 3 })), { minLength: 1, maxLength: 12 }), async (steps) => {
          const owner = new Map<number, number>();
          const start = delivered + 1;
          for (const [which, more] of steps) {
            for (let i = 0; i < more; i++) await fx.store.deliver(delivery('Subject: x\r\n\r\nx\r\n', [userId]));
            delivered += more;
            const store = which ? other : fx.store;
            // Both connections claim at once through the newest UID: one of the two gets each message.
            const [a, b] = await Promise.all([store.claimRecent(userId, inbox, delivered), (which ? fx.store : other).claimRecent(userId, inbox, delivered)]);
            for (const [who, from] of [[0, a], [1, b]] as const) {
              for (let uid = Math.max(from, start); uid <= delivered; uid++) {
                expect(owner.has(uid), `UID ${uid} claimed twice`).toBe(false);
                owner.set(uid, who);
              }
            }
          }
          expect([...owner.keys()].sort((x, y) => x - y)).toEqual(Array.from({ length: delivered - start + 1 }, (_, i) => start + i));
        }),
        { numRuns: 25, seed: 13 },
      );
    } finally {
      await other.close();
    }
  });

  it('issue 17 item 3: a claim of what another session already took is answered without a write transaction', async () => {
    const { userId, inbox } = await userWithMail(fx.store, 'a', 0);
    const stranger = await fx.store.createUser('b', CREDENTIALS);
    // SQLite: a store whose writes give up after 50 ms (a claim that waited would fail). PostgreSQL: the lock is
    // the mailbox's row lock, and a claim that waited for it would wait until the test times out.
    let store: Store = fx.store;
    if (fx.backend === 'sqlite') {
      await fx.store.close();
      store = await openSqliteStore({ path: fx.store.db.name, busyTimeoutMs: 50 });
    }
    try {
      for (let i = 0; i < 3; i++) await store.deliver(delivery('Subject: x\r\n\r\nx\r\n', [userId]));
      expect(await store.claimRecent(userId, inbox, 3)).toBe(1); // the first session to see the arrivals takes them
      // Another process holds the write lock: the 9,999 other IDLE sessions asking about the same arrivals must not
      // each wait for it (or fail) to learn that nothing is left for them.
      const release = await holdWriteLock(fx, inbox);
      try {
        for (let i = 0; i < 100; i++) expect(await store.claimRecent(userId, inbox, 3 - (i % 3))).toBe(4);
      } finally {
        await release();
      }
      await claimsAfterTheLock(store, userId, inbox, stranger.id);
    } finally {
      if (store !== fx.store) await store.close();
    }
  });

  it('issue 18: many sessions of one process claiming the same arrivals at once make one write, and one of them gets them', async () => {
    const { userId, inbox } = await userWithMail(fx.store, 'a', 3);
    // PostgreSQL: every transaction takes a pooled connection; count them while 200 sessions claim at once (the
    // bench's IDLE sessions all flush on the same NOTIFY). SQLite's claims are one at a time already.
    let connections = 0;
    if (fx.backend === 'postgres') {
      const pool = fx.store.pool;
      const connect = pool.connect.bind(pool) as (...args: unknown[]) => unknown;
      (pool as unknown as { connect: (...args: unknown[]) => unknown }).connect = (...args) => {
        connections++;
        return connect(...args); // pool.query passes a callback
      };
    }
    const answers = await Promise.all(Array.from({ length: 200 }, (_, i) => fx.store.claimRecent(userId, inbox, 3 - (i % 2))));
    expect(answers.filter((from) => from === 1)).toHaveLength(1); // exactly one session has UIDs 1..3 as \Recent
    expect(answers.filter((from) => from === 4)).toHaveLength(199);
    if (fx.backend === 'postgres') expect(connections).toBe(1);
    expect(await fx.store.firstRecentUid(userId, inbox)).toBe(4);
  });

  /** The rest of the test above, on the store that answered the claims. */
  async function claimsAfterTheLock(store: Store, userId: number, inbox: number, strangerId: number): Promise<void> {
    // What it remembers is a lower bound for the owner only: another user asking about this mailbox learns nothing.
    await expect(store.claimRecent(strangerId, inbox, 3)).rejects.toMatchObject({ kind: 'not-found' });
    // A new arrival is still claimed by exactly one session, and a claim through it afterwards gets nothing.
    await store.deliver(delivery('Subject: y\r\n\r\nx\r\n', [userId]));
    expect(await store.claimRecent(userId, inbox, 4)).toBe(4);
    expect(await store.claimRecent(userId, inbox, 4)).toBe(5);
    expect((await store.mailboxStatus(userId, 'INBOX', { recent: true })).recent).toBe(0);
  }

  it('survives closing and reopening the store', async () => {
    const { userId, inbox } = await userWithMail(fx.store, 'a', 3);
    await fx.store.claimRecent(userId, inbox, 2);
    // A store opened afresh on the same database (nothing remembered in memory).
    const again = await openSecond(fx);
    try {
      expect(await again.firstRecentUid(userId, inbox)).toBe(3);
      expect((await again.mailboxStatus(userId, 'INBOX', { recent: true })).recent).toBe(1);
    } finally {
      await again.close();
    }
  });

  // Issue 18 item 2: several front ends (pools) on one database, claiming at once as arrivals come in.
  if (backend === 'postgres') {
    it('three front ends claiming at once, arrivals between: each UID claimed by exactly one claimant', async () => {
      const { userId, inbox } = await userWithMail(fx.store, 'a', 0);
      const others = [await openSecond(fx), await openSecond(fx)];
      try {
        const stores: Store[] = [fx.store, ...others];
        const owner = new Map<number, string>();
        let delivered = 0;
        for (let round = 0; round < 6; round++) {
          for (let i = 0; i <= round % 3; i++) await fx.store.deliver(delivery('Subject: x\r\n\r\nx\r\n', [userId]));
          delivered += (round % 3) + 1;
          // Four sessions per front end, each claiming through the newest UID, all at once.
          const claims = stores.flatMap((store, s) =>
            [0, 1, 2, 3].map(async (k) => ({ who: `${s}.${k}.${round}`, from: await store.claimRecent(userId, inbox, delivered) })),
          );
          for (const { who, from } of await Promise.all(claims)) {
            for (let uid = from; uid <= delivered; uid++) {
              expect(owner.has(uid), `UID ${uid} claimed by ${owner.get(uid)} and ${who}`).toBe(false);
              owner.set(uid, who);
            }
          }
        }
        expect([...owner.keys()].sort((x, y) => x - y)).toEqual(Array.from({ length: delivered }, (_, i) => i + 1));
        expect(await others[1]!.firstRecentUid(userId, inbox)).toBe(delivered + 1);
      } finally {
        for (const other of others) await other.close();
      }
    });
  }
});

describe('migration of first_recent_uid', () => {
  it('counts mail stored before the migration as not recent, and new mail as recent', async () => {
    await withStoreBeforeMigration(
      'first-recent-uid',
      "INSERT INTO mailboxes (user_id, name, uid_validity, uid_next, highest_modseq) VALUES (1, 'INBOX', 1, 8, 2);",
      async (store) => {
        expect(await store.firstRecentUid(1, 1)).toBe(8);
        await store.deliver(delivery('Subject: new\r\n\r\nx\r\n', [1]));
        expect((await store.mailboxStatus(1, 'INBOX', { recent: true })).recent).toBe(1);
      },
    );
  });
});
