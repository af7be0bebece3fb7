// Ingest keeps pace with the text index (src/store/sqlite/text-index/text-index.ts keepUp; SPEC R7.4; issue 14
// item 4): a delivery or APPEND is acknowledged only when the indexer thread has all but a bounded number of the
// stored bodies indexed or their texts at hand, so that the first search after a burst of mail scans a short
// tail; an indexer that cannot move holds acknowledgements back until it can (or until the timeout); a backlog
// far beyond the bound (a rebuild) and a store without the thread never hold them back.
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { openSqliteStore, type SqliteStore } from '../../../src/store/sqlite/sqlite-store.js';
import { textIndexPath } from '../../../src/store/sqlite/text-index/text-db.js';
import { CREDENTIALS, delivery, tempDir } from './store-fixture.js';

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

const MAX_UNEXTRACTED = 3;

async function fresh(textIndex: 'thread' | 'on-search', cacheChars: number): Promise<{ store: SqliteStore; userId: number; path: string }> {
  const tmp = tempDir();
  cleanups.push(() => tmp.cleanup());
  const path = join(tmp.dir, 'store.sqlite');
  const store = await openSqliteStore({
    path,
    textIndex,
    busyTimeoutMs: 100,
    // A wait that ends only when the indexer moves: the timeout is far beyond the test's own.
    textIndexTuning: { maxUnextracted: MAX_UNEXTRACTED, cacheChars, keepUpTimeoutMs: 600_000 },
  });
  cleanups.push(() => store.close());
  const user = await store.createUser('alice', CREDENTIALS);
  return { store, userId: user.id, path };
}

const note = (i: number) => `Subject: note ${i}\r\n\r\nBody of note ${i} with some words to index.\r\n`;

/** Resolves after `ms`. */
const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('acknowledgements and the indexer thread', () => {
  it('leave at most the bound of bodies neither indexed nor at hand, delivery after delivery', async () => {
    const { store, userId } = await fresh('thread', 4096); // a small cache: the index's pace decides soon
    for (let i = 1; i <= 60; i++) {
      await store.deliver(delivery(note(i), [userId]));
      const b = store.textIndexBacklog();
      expect(b.stored).toBe(i);
      expect(b.stored - b.atHand).toBeLessThanOrEqual(MAX_UNEXTRACTED);
      expect(b.atHand).toBeGreaterThanOrEqual(b.indexed);
    }
  });

  it('wait while the indexer cannot move, and go on when it can', async () => {
    const { store, userId, path } = await fresh('thread', 1); // keeps no text: only indexing counts
    // Another connection holds the index file's write lock: the thread's steps fail busy and retry.
    const lock = new Database(textIndexPath(path));
    cleanups.push(() => void lock.close());
    lock.exec('BEGIN IMMEDIATE');
    for (let i = 1; i <= MAX_UNEXTRACTED; i++) await store.deliver(delivery(note(i), [userId])); // within the bound
    let acknowledged = false;
    const held = store.deliver(delivery(note(MAX_UNEXTRACTED + 1), [userId])).then(() => (acknowledged = true));
    await pause(700);
    expect(acknowledged).toBe(false);
    expect(store.textIndexBacklog()).toMatchObject({ stored: MAX_UNEXTRACTED + 1, indexed: 0 });
    lock.exec('COMMIT');
    await held;
    const b = store.textIndexBacklog();
    expect(b.stored - b.atHand).toBeLessThanOrEqual(MAX_UNEXTRACTED);
    expect(b.indexed).toBeGreaterThanOrEqual(1);
  });

  it('never wait for a backlog far beyond the bound (an index being rebuilt, mail imported elsewhere)', async () => {
    const { store, userId, path } = await fresh('on-search', 1);
    for (let i = 1; i <= MAX_UNEXTRACTED * 6; i++) await store.deliver(delivery(note(i), [userId])); // never indexed: no search
    await store.close();
    const reopened = await openSqliteStore({
      path,
      textIndex: 'thread',
      busyTimeoutMs: 100,
      textIndexTuning: { maxUnextracted: MAX_UNEXTRACTED, cacheChars: 1, keepUpTimeoutMs: 600_000 },
    });
    cleanups.push(() => reopened.close());
    const lock = new Database(textIndexPath(path));
    cleanups.push(() => void lock.close());
    lock.exec('BEGIN IMMEDIATE'); // the thread cannot index: only the size of the backlog lets these through
    for (let i = 1; i <= 3; i++) await reopened.deliver(delivery(note(100 + i), [userId]));
    expect(reopened.textIndexBacklog()).toMatchObject({ stored: MAX_UNEXTRACTED * 6 + 3, indexed: 0 });
    lock.exec('COMMIT');
  });

  it('never wait without the thread', async () => {
    const { store, userId, path } = await fresh('on-search', 1);
    const lock = new Database(textIndexPath(path));
    cleanups.push(() => void lock.close());
    lock.exec('BEGIN IMMEDIATE');
    for (let i = 1; i <= MAX_UNEXTRACTED + 5; i++) await store.deliver(delivery(note(i), [userId]));
    expect(store.textIndexBacklog()).toMatchObject({ stored: MAX_UNEXTRACTED + 5, indexed: 0, atHand: 0 });
    lock.exec('COMMIT');
  });
});
