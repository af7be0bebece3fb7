// The expunge log's horizon (issue 15 item 2, RFC 7162 §3.2.5.2): the log keeps about the newest
// expungeLogKeep expunges of a mailbox; vanishedSince answers from it while the client's mod-sequence is at or
// above the highest one forgotten, and null (answer from the UIDs present) below it. Never a partial list. The
// pruning (with a small log) and the reads (vanishedSince, expungedSince, changedSince) run on every backend.
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { openPostgresStore } from '../../../src/store/postgres/postgres-store.js';
import { openSqliteStore } from '../../../src/store/sqlite/sqlite-store.js';
import type { Store } from '../../../src/store/store.js';
import { createTestDatabase } from '../../support/postgres.js';
import { sqlRows } from './backend-sql.js';
import { describeBackends, type BackendFixture, type BackendName } from './backends.js';
import { CREDENTIALS, tempDir } from './store-fixture.js';

describeBackends('expunge log horizon (pruning a small log)', (_open, backend: BackendName) => {
  let cleanup: (() => Promise<void>) | null = null;
  afterEach(async () => {
    await cleanup?.();
    cleanup = null;
  });

  /** A fresh store of this backend whose expunge log keeps `keep` expunges per mailbox. */
  async function open(keep?: number): Promise<Store> {
    const opt = keep === undefined ? {} : { expungeLogKeep: keep };
    if (backend === 'sqlite') {
      const dir = tempDir();
      rmSync(join(dir.dir, 'store.sqlite'), { force: true });
      const store = await openSqliteStore({ path: join(dir.dir, 'store.sqlite'), ...opt });
      cleanup = async () => {
        await store.close();
        dir.cleanup();
      };
      return store;
    }
    const db = await createTestDatabase();
    const store = await openPostgresStore({ url: db.url, poolSize: 4, ...opt });
    cleanup = async () => {
      await store.close();
      await db.drop();
    };
    return store;
  }

  it('keeps the newest expunges, forgets older ones whole, and answers null only below the horizon', async () => {
    const s = await open(4);
    const u = await s.createUser('h', CREDENTIALS);
    const inbox = await s.getMailbox(u.id, 'INBOX');
    for (let i = 0; i < 12; i++) await s.append(u.id, inbox.id, { raw: Buffer.from(`Subject: ${i}\r\n\r\n${i}\r\n`) });
    const modseqs: number[] = [];
    for (let uid = 1; uid <= 10; uid++) {
      await s.expunge(u.id, inbox.id, { uids: [uid], force: true });
      modseqs.push((await s.getMailbox(u.id, 'INBOX')).highestModseq);
    }
    const log = await s.expungedSince(u.id, inbox.id, 0);
    // Pruned once it held 5 (4 + 4/4), down to the newest 4: never more than 5 kept, at least the newest 4.
    expect(log.length).toBeGreaterThanOrEqual(4);
    expect(log.length).toBeLessThanOrEqual(5);
    const oldestKept = Math.min(...log.map((e) => e.modseq));
    const horizon = modseqs[modseqs.indexOf(oldestKept) - 1]!;
    // From the horizon up the log is complete: every expunge with a modseq above the client's.
    for (const since of modseqs.filter((m) => m >= horizon)) {
      const got = await s.vanishedSince(u.id, inbox.id, since);
      expect(got?.map((e) => e.uid).sort((a, b) => a - b)).toEqual(modseqs.flatMap((m, i) => (m > since ? [i + 1] : [])));
    }
    // Below it, some are forgotten: null, never a partial list.
    for (const since of [0, ...modseqs.filter((m) => m < horizon)]) expect(await s.vanishedSince(u.id, inbox.id, since)).toBeNull();
  });

  it('an expunge larger than the log is kept whole until the next one (feed watchers read it from the log)', async () => {
    const s = await open(2);
    const u = await s.createUser('w', CREDENTIALS);
    const inbox = await s.getMailbox(u.id, 'INBOX');
    for (let i = 0; i < 12; i++) await s.append(u.id, inbox.id, { raw: Buffer.from(`Subject: ${i}\r\n\r\n${i}\r\n`) });
    const before = (await s.getMailbox(u.id, 'INBOX')).highestModseq;
    await s.expunge(u.id, inbox.id, { uids: [1, 2, 3, 4, 5, 6, 7, 8], force: true });
    expect((await s.vanishedSince(u.id, inbox.id, before))?.map((e) => e.uid)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    const mid = (await s.getMailbox(u.id, 'INBOX')).highestModseq;
    await s.expunge(u.id, inbox.id, { uids: [9, 10, 11], force: true });
    // The older one is forgotten now (past the horizon), the newest is whole.
    expect(await s.vanishedSince(u.id, inbox.id, before)).toBeNull();
    expect((await s.vanishedSince(u.id, inbox.id, mid))?.map((e) => e.uid)).toEqual([9, 10, 11]);
  });
});

describeBackends('expunge log reads', (openBackend) => {
  let fx: BackendFixture;
  beforeEach(async () => {
    fx = await openBackend();
  });
  afterEach(async () => {
    await fx.cleanup();
  });

  it('one expunge of many UIDs is forgotten or kept whole; the default keeps 10,000', async () => {
    const s = fx.store;
    const u = await s.createUser('d', CREDENTIALS);
    const inbox = await s.getMailbox(u.id, 'INBOX');
    for (let i = 0; i < 30; i++) await s.append(u.id, inbox.id, { raw: Buffer.from(`Subject: ${i}\r\n\r\n${i}\r\n`) });
    await s.expunge(u.id, inbox.id, { uids: Array.from({ length: 30 }, (_, i) => i + 1), force: true });
    expect((await s.vanishedSince(u.id, inbox.id, 0))?.length).toBe(30);
    const changed = await s.changedSince(u.id, inbox.id, 0);
    expect(changed).toEqual([]);
  });

  it('changedSince lists the messages above a mod-sequence, ascending by UID', async () => {
    const s = fx.store;
    const u = await s.createUser('c', CREDENTIALS);
    const inbox = await s.getMailbox(u.id, 'INBOX');
    for (let i = 0; i < 4; i++) await s.append(u.id, inbox.id, { raw: Buffer.from(`Subject: ${i}\r\n\r\n${i}\r\n`) });
    const before = (await s.getMailbox(u.id, 'INBOX')).highestModseq;
    await s.setFlags(u.id, inbox.id, [3, 1], 'add', ['\\Seen']);
    const got = await s.changedSince(u.id, inbox.id, before);
    expect(got.map((m) => [m.uid, m.flags])).toEqual([
      [1, ['\\Seen']],
      [3, ['\\Seen']],
    ]);
  });

  it('vanishedSince answers from the log at or above the horizon, null below it; expungedSince reads the log as it is', async () => {
    const s = fx.store;
    const u = await s.createUser('v', CREDENTIALS);
    const inbox = await s.getMailbox(u.id, 'INBOX');
    for (let i = 0; i < 6; i++) await s.append(u.id, inbox.id, { raw: Buffer.from(`Subject: ${i}\r\n\r\n${i}\r\n`) });
    const modseqs: number[] = [];
    for (const uids of [[1, 2], [4], [6]]) {
      await s.expunge(u.id, inbox.id, { uids, force: true });
      modseqs.push((await s.getMailbox(u.id, 'INBOX')).highestModseq);
    }
    const [first, second, third] = modseqs as [number, number, number];
    expect(await s.expungedSince(u.id, inbox.id, 0)).toEqual([
      { uid: 1, modseq: first },
      { uid: 2, modseq: first },
      { uid: 4, modseq: second },
      { uid: 6, modseq: third },
    ]);
    expect(await s.vanishedSince(u.id, inbox.id, 0)).toEqual(await s.expungedSince(u.id, inbox.id, 0));
    expect(await s.vanishedSince(u.id, inbox.id, second)).toEqual([{ uid: 6, modseq: third }]);
    // The log forgets the first expunge, as pruning does: its horizon rises to that mod-sequence.
    await sqlRows(fx, 'DELETE FROM expunged WHERE mailbox_id = ? AND modseq <= ?', [inbox.id, first]);
    await sqlRows(fx, 'UPDATE mailboxes SET expunge_horizon = ? WHERE id = ?', [first, inbox.id]);
    expect(await s.vanishedSince(u.id, inbox.id, first - 1)).toBeNull();
    expect(await s.vanishedSince(u.id, inbox.id, 0)).toBeNull();
    expect((await s.vanishedSince(u.id, inbox.id, first))?.map((e) => e.uid)).toEqual([4, 6]);
    expect((await s.expungedSince(u.id, inbox.id, 0)).map((e) => e.uid)).toEqual([4, 6]);
    const bob = await s.createUser('bob', CREDENTIALS);
    for (const read of [() => s.vanishedSince(bob.id, inbox.id, 0), () => s.expungedSince(bob.id, inbox.id, 0), () => s.changedSince(bob.id, inbox.id, 0)]) {
      await expect(read()).rejects.toMatchObject({ kind: 'not-found' });
    }
  });
});
