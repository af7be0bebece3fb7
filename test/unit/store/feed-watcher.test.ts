// The cross-process change feed (issue 13 item 5, SPEC R7.5): what another connection commits to a listened
// mailbox is published once, in commit order, by the next poll or before this connection's next publish.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ChangeFeed, type MailboxChange } from '../../../src/store/changes.js';
import { openDatabase, type SqliteDb } from '../../../src/store/sqlite/database.js';
import { FeedWatcher } from '../../../src/store/sqlite/feed-watcher.js';
import { openSqliteStore, type SqliteStore } from '../../../src/store/sqlite/sqlite-store.js';
import type { MailboxInfo } from '../../../src/store/types.js';
import { CREDENTIALS, openFixture, type Fixture } from './store-fixture.js';

const msg = (n: number): { raw: Buffer } => ({ raw: Buffer.from(`Subject: ${n}\r\n\r\nbody ${n}\r\n`) });

let fx: Fixture;
let userId: number;
let box: MailboxInfo;

beforeEach(async () => {
  fx = await openFixture();
  userId = (await fx.store.createUser('alice@example.org', CREDENTIALS)).id;
  box = await fx.store.createMailbox(userId, 'Box');
  for (let n = 1; n <= 3; n++) await fx.store.append(userId, box.id, msg(n));
});
afterEach(() => fx.cleanup());

describe('FeedWatcher.poll', () => {
  let db: SqliteDb;
  let feed: ChangeFeed;
  let watcher: FeedWatcher;
  let seen: MailboxChange[];

  beforeEach(async () => {
    db = openDatabase(fx.path);
    feed = new ChangeFeed();
    watcher = new FeedWatcher(db, feed, { pollMs: 60_000, onError: (err) => { throw err; } });
    seen = [];
    feed.subscribe(box.id, (c) => seen.push(c));
    watcher.track(await fx.store.getMailbox(userId, 'Box'));
  });
  afterEach(() => {
    watcher.close();
    db.close();
  });

  it('publishes nothing when nothing was committed', () => {
    watcher.poll();
    watcher.poll();
    expect(seen).toEqual([]);
  });

  it("publishes another connection's delivery, flag change and expunge once, with the stored values", async () => {
    const { uid } = await fx.store.append(userId, box.id, msg(4));
    await fx.store.setFlags(userId, box.id, [1], 'add', ['\\Seen', 'Work']);
    await fx.store.expunge(userId, box.id, { uids: [2], force: true });
    watcher.poll();
    const info = await fx.store.getMailbox(userId, 'Box');
    expect(seen).toEqual([
      { kind: 'expunge', mailboxId: box.id, uids: [2], modseq: info.highestModseq },
      { kind: 'flags', mailboxId: box.id, uid: 1, flags: ['Work', '\\Seen'].sort(), modseq: info.highestModseq - 1 },
      { kind: 'exists', mailboxId: box.id, uid, modseq: info.highestModseq - 2, requireTls: false },
    ]);
    seen.length = 0;
    watcher.poll();
    expect(seen).toEqual([]);
  });

  it('says nothing of a message delivered and expunged between two polls', async () => {
    const { uid } = await fx.store.append(userId, box.id, msg(4));
    await fx.store.expunge(userId, box.id, { uids: [uid], force: true });
    watcher.poll();
    expect(seen).toEqual([]);
  });

  it('publishes a rename, then the delete once', async () => {
    await fx.store.renameMailbox(userId, 'Box', 'Moved');
    watcher.poll();
    expect(seen).toEqual([{ kind: 'renamed', mailboxId: box.id, name: 'Moved' }]);
    await fx.store.deleteMailbox(userId, 'Moved');
    watcher.poll();
    await fx.store.createMailbox(userId, 'Other'); // another commit: the deleted mailbox is not announced again
    watcher.poll();
    expect(seen).toEqual([
      { kind: 'renamed', mailboxId: box.id, name: 'Moved' },
      { kind: 'deleted', mailboxId: box.id },
    ]);
  });

  it('forgets a mailbox nobody listens to any more', async () => {
    const other = new ChangeFeed();
    const w = new FeedWatcher(db, other, { pollMs: 60_000 });
    const stop = other.subscribe(box.id, () => expect.unreachable('no listener left'));
    w.track(await fx.store.getMailbox(userId, 'Box'));
    stop();
    await fx.store.append(userId, box.id, msg(4));
    w.poll();
    w.close();
  });
});

describe('two stores on one file', () => {
  let local: SqliteStore;
  beforeEach(async () => {
    local = await openSqliteStore({ path: fx.path, feedPollMs: 60_000 });
  });
  afterEach(() => local.close());

  it("a local write first publishes the other connection's earlier commit: in commit order, each once", async () => {
    const seen: MailboxChange[] = [];
    const opened = await local.openMailbox(userId, 'Box', (c) => seen.push(c));
    const far = await fx.store.append(userId, box.id, msg(4)); // committed by the other store
    const near = await local.append(userId, box.id, msg(5)); // this store's own: published at once
    expect(seen.map((c) => (c.kind === 'exists' ? c.uid : c.kind))).toEqual([far.uid, near.uid]);
    opened.close();
  });

  it('the poll timer delivers what the other store commits', async () => {
    const fast = await openSqliteStore({ path: fx.path, feedPollMs: 10 });
    try {
      const got = new Promise<MailboxChange>((resolve) => {
        void fast.openMailbox(userId, 'Box', resolve);
      });
      await new Promise((r) => setTimeout(r, 20));
      await fx.store.setFlags(userId, box.id, [3], 'add', ['\\Flagged']);
      const change = await Promise.race([got, new Promise<never>((_, reject) => setTimeout(() => reject(new Error('no change within 10 s')), 10_000))]);
      expect(change).toMatchObject({ kind: 'flags', uid: 3, flags: ['\\Flagged'] });
    } finally {
      await fast.close();
    }
  });
});
