// The full-text index in its own file (SPEC R7.4, R12; migrations/0004): filled by a background thread or by
// the search itself; searches are complete while the index lags or is locked; freed bodies leave the index;
// an index that does not belong to the store (another store, a restored backup) is rebuilt. What a search answers
// runs on every backend (PostgreSQL keeps the text with each body, written at ingest).
import { copyFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { openSqliteStore, type SqliteStore } from '../../../src/store/sqlite/sqlite-store.js';
import { TEXT_INDEX_VERSION, textIndexPath } from '../../../src/store/sqlite/text-index/text-db.js';
import { MATCH_SQL, tailScans } from '../../../src/store/sqlite/text-index/text-index.js';
import type { MailboxInfo, User } from '../../../src/store/types.js';
import { sqlRows } from './backend-sql.js';
import { describeBackends, type BackendFixture } from './backends.js';
import { CREDENTIALS, tempDir } from './store-fixture.js';

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

interface Opened {
  store: SqliteStore;
  user: User;
  inbox: MailboxInfo;
  path: string;
}

async function open(path: string, textIndex: 'thread' | 'on-search', errors: Error[] = []): Promise<SqliteStore> {
  const store = await openSqliteStore({ path, textIndex, busyTimeoutMs: 100, onTextIndexError: (e) => errors.push(e) });
  cleanups.push(() => store.close());
  return store;
}

async function fresh(textIndex: 'thread' | 'on-search', errors: Error[] = []): Promise<Opened> {
  const tmp = tempDir();
  cleanups.push(() => tmp.cleanup());
  const path = join(tmp.dir, 'store.sqlite');
  const store = await open(path, textIndex, errors);
  const user = await store.createUser('alice', CREDENTIALS);
  return { store, user, inbox: await store.getMailbox(user.id, 'INBOX'), path };
}

const message = (i: number, word = '') => Buffer.from(`Subject: note ${i}\r\n\r\nSome text of note ${i} ${word}\r\n`);

/** Rows and marks of the index file, read with a connection of the test's own. */
function indexFile(storePath: string): { rows: number[]; indexedMax: number; purgedSeq: number } {
  const db = new Database(textIndexPath(storePath), { readonly: true });
  try {
    const rows = db.prepare('SELECT rowid FROM body_text ORDER BY rowid').pluck().all() as number[];
    const mark = (key: string) => db.prepare('SELECT value FROM state WHERE key = ?').pluck().get(key) as number;
    return { rows, indexedMax: mark('indexed_max'), purgedSeq: mark('purged_seq') };
  } finally {
    db.close();
  }
}

async function until(what: string, check: () => boolean, ms = 10_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('text index filled by its thread', () => {
  it('indexes new bodies in the background and answers searches from the index', async () => {
    const { store, user, inbox, path } = await fresh('thread');
    for (let i = 0; i < 120; i++) await store.append(user.id, inbox.id, { raw: message(i, i % 10 === 0 ? 'Quokkafjord' : '') });
    await until('the thread to index 120 bodies', () => indexFile(path).indexedMax === 120);
    expect(indexFile(path).rows).toHaveLength(120);
    expect(await store.searchText(user.id, inbox.id, 'quokkafjord', 'body')).toEqual([1, 11, 21, 31, 41, 51, 61, 71, 81, 91, 101, 111]);
    expect(await store.searchText(user.id, inbox.id, 'NOTE 7', 'text')).toEqual([8, 71, 72, 73, 74, 75, 76, 77, 78, 79, 80]);
  });

  it('finds mail delivered a moment ago, before the thread has indexed it', async () => {
    const { store, user, inbox } = await fresh('thread');
    for (let i = 0; i < 30; i++) {
      await store.append(user.id, inbox.id, { raw: message(i, `word${i}x`) });
      expect(await store.searchText(user.id, inbox.id, `word${i}x`, 'body')).toEqual([i + 1]);
    }
  });

  it('drops the rows of freed bodies and prunes the store’s purge log', async () => {
    const { store, user, inbox, path } = await fresh('thread');
    for (let i = 0; i < 10; i++) await store.append(user.id, inbox.id, { raw: message(i, 'gone') });
    await until('indexing', () => indexFile(path).indexedMax === 10);
    await store.expunge(user.id, inbox.id, { uids: [2, 3, 4], force: true });
    await until('the purge', () => indexFile(path).rows.length === 7);
    expect(indexFile(path).rows).toEqual([1, 5, 6, 7, 8, 9, 10]);
    const log = () => store.db.prepare('SELECT COUNT(*) FROM text_index_purge').pluck().get();
    await until('the purge log to be pruned', () => log() === 0);
    expect(await store.searchText(user.id, inbox.id, 'gone', 'body')).toEqual([1, 5, 6, 7, 8, 9, 10]);
  });

  it('answers a search after a burst without waiting for the indexer: the thread checks the unindexed tail (issue 14 item 4)', async () => {
    const { store, user, inbox, path } = await fresh('thread');
    await store.append(user.id, inbox.id, { raw: message(0, 'indexedword') });
    await until('the thread to index the first body', () => indexFile(path).indexedMax === 1);
    // The index file cannot be written while the burst arrives and the searches run: nothing more gets indexed.
    const locker = new Database(textIndexPath(path));
    cleanups.push(() => {
      locker.close();
    });
    locker.exec('BEGIN IMMEDIATE');
    try {
      for (let i = 1; i <= 200; i++) {
        await store.append(user.id, inbox.id, { raw: message(i, i === 1 ? 'burstfirst' : i === 200 ? 'burstlast' : '') });
      }
      const asked = tailScans.requested;
      // No timer may fire while the searches run: an answer that waited for the indexer (or for a deadline to
      // give up on it) never comes, and the test times out.
      vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'Date'] });
      try {
        expect(await store.searchText(user.id, inbox.id, 'burstlast', 'body')).toEqual([201]);
        expect(await store.searchText(user.id, inbox.id, 'BurstFirst', 'text')).toEqual([2]);
        expect(await store.searchText(user.id, inbox.id, 'indexedword', 'body')).toEqual([1]);
        expect(await store.searchText(user.id, inbox.id, 'note 20', 'text')).toEqual([21, 201]); // notes 20 and 200
      } finally {
        vi.useRealTimers();
      }
      expect(tailScans.requested).toBe(asked + 4);
      expect(indexFile(path).indexedMax).toBe(1);
    } finally {
      locker.exec('ROLLBACK');
    }
    await until('the thread to index the burst', () => indexFile(path).indexedMax === 201);
    expect(await store.searchText(user.id, inbox.id, 'burstlast', 'body')).toEqual([201]);
  });

  it('indexes bodies another process stored (found by polling)', async () => {
    const { store, user, inbox, path } = await fresh('thread');
    const other = await open(path, 'on-search');
    await other.append(user.id, inbox.id, { raw: message(1, 'elsewhere') });
    await until('the thread to notice the other process’s body', () => indexFile(path).indexedMax === 1);
    expect(await store.searchText(user.id, inbox.id, 'elsewhere', 'body')).toEqual([1]);
  });
});

describe('text index filled on search', () => {
  it('indexes everything stored so far when a search comes', async () => {
    const { store, user, inbox, path } = await fresh('on-search');
    for (let i = 0; i < 5; i++) await store.append(user.id, inbox.id, { raw: message(i) });
    expect(indexFile(path).indexedMax).toBe(0);
    expect(await store.searchText(user.id, inbox.id, 'note 3', 'body')).toEqual([4]);
    expect(indexFile(path)).toMatchObject({ indexedMax: 5, rows: [1, 2, 3, 4, 5] });
  });

  it('stays complete when the index file is locked by another writer', async () => {
    const { store, user, inbox, path } = await fresh('on-search');
    await store.append(user.id, inbox.id, { raw: message(1, 'early') });
    expect(await store.searchText(user.id, inbox.id, 'early', 'body')).toEqual([1]);
    await store.append(user.id, inbox.id, { raw: message(2, 'late') });
    const locker = new Database(textIndexPath(path));
    cleanups.push(() => {
      locker.close();
    });
    locker.exec('BEGIN IMMEDIATE');
    try {
      // The index cannot be written (busy): the new body is checked directly, the old one found in the index.
      expect(await store.searchText(user.id, inbox.id, 'late', 'body')).toEqual([2]);
      expect(await store.searchText(user.id, inbox.id, 'note', 'body')).toEqual([1, 2]);
      expect(await store.searchText(user.id, inbox.id, 'te', 'body')).toEqual([1, 2]); // below a trigram
      expect(indexFile(path).indexedMax).toBe(1);
    } finally {
      locker.exec('ROLLBACK');
    }
    expect(await store.searchText(user.id, inbox.id, 'late', 'body')).toEqual([2]);
    expect(indexFile(path).indexedMax).toBe(2);
  });
});

describe('the search query', () => {
  it('looks up each FTS hit’s message by body id, never walking the mailbox per hit (issue 14 item 4)', async () => {
    const { path } = await fresh('on-search');
    const db = new Database(path, { readonly: true });
    cleanups.push(() => {
      db.close();
    });
    db.prepare('ATTACH DATABASE ? AS ti').run(textIndexPath(path));
    const plan = (db.prepare(`EXPLAIN QUERY PLAN ${MATCH_SQL}`).all('"abc"', 1, 'abc', 1, 'abc') as Array<{ detail: string }>).map((r) => r.detail);
    expect(plan[0]).toMatch(/^SCAN t VIRTUAL TABLE/);
    expect(plan.slice(1)).toEqual([expect.stringMatching(/^SEARCH m USING (COVERING )?INDEX messages_body \(body_id=\?\)$/)]);
  });
});

describe('an index that does not belong to the store', () => {
  it('is rebuilt when the store was restored from an older copy', async () => {
    const { store, user, inbox, path } = await fresh('on-search');
    await store.append(user.id, inbox.id, { raw: message(1, 'kept') });
    await store.searchText(user.id, inbox.id, 'kept', 'body');
    const backup = `${path}.backup`;
    await store.backup(backup);
    await store.append(user.id, inbox.id, { raw: message(2, 'lost') });
    expect(await store.searchText(user.id, inbox.id, 'lost', 'body')).toEqual([2]);
    await store.close();
    copyFileSync(backup, path); // body id 2 will be handed out again, for another body
    const restored = await open(path, 'on-search');
    expect(indexFile(path)).toMatchObject({ indexedMax: 0, rows: [] });
    await restored.append(user.id, inbox.id, { raw: message(2, 'other') });
    expect(await restored.searchText(user.id, inbox.id, 'lost', 'body')).toEqual([]);
    expect(await restored.searchText(user.id, inbox.id, 'other', 'body')).toEqual([2]);
    expect(await restored.searchText(user.id, inbox.id, 'kept', 'body')).toEqual([1]);
  });

  it('is rebuilt when it carries another store’s token', async () => {
    const { store, user, inbox, path } = await fresh('on-search');
    await store.append(user.id, inbox.id, { raw: message(1, 'mine') });
    await store.searchText(user.id, inbox.id, 'mine', 'body');
    store.db.prepare("UPDATE store_state SET value = value + 1 WHERE key = 'text_index_token'").run();
    await store.close();
    await open(path, 'on-search');
    expect(indexFile(path)).toMatchObject({ indexedMax: 0, rows: [] });
  });

  it('is rebuilt in the background when it was made by an older text extraction (issue 14)', async () => {
    const { store, user, inbox, path } = await fresh('on-search');
    const html = 'Content-Type: text/html\r\n\r\n<p>Treffen in K&ouml;ln</p>\r\n';
    await store.append(user.id, inbox.id, { raw: Buffer.from(`Subject: s\r\n${html}`) });
    await store.searchText(user.id, inbox.id, 'treffen', 'body');
    await store.close();
    // What an older version left: its own user_version, its text (the entity undecoded).
    const old = new Database(textIndexPath(path));
    old.pragma(`user_version = ${TEXT_INDEX_VERSION - 1}`);
    old.prepare('UPDATE body_text SET body = ? WHERE rowid = 1').run('treffen in k&ouml;ln');
    old.close();
    const upgraded = await open(path, 'thread');
    await until('the thread to index the body again', () => indexFile(path).indexedMax === 1);
    expect(await upgraded.searchText(user.id, inbox.id, 'köln', 'body')).toEqual([1]);
    expect(await upgraded.searchText(user.id, inbox.id, '&ouml;', 'body')).toEqual([]);
  });
});

describeBackends('text search as the store answers it', (open) => {
  let f: BackendFixture;
  let user: User;
  let inbox: MailboxInfo;
  beforeEach(async () => {
    f = await open();
    user = await f.store.createUser('alice', CREDENTIALS);
    inbox = await f.store.getMailbox(user.id, 'INBOX');
  });
  afterEach(async () => {
    await f.cleanup();
  });

  it('answers searches over many bodies, header included for TEXT', async () => {
    for (let i = 0; i < 120; i++) await f.store.append(user.id, inbox.id, { raw: message(i, i % 10 === 0 ? 'Quokkafjord' : '') });
    expect(await f.store.searchText(user.id, inbox.id, 'quokkafjord', 'body')).toEqual([1, 11, 21, 31, 41, 51, 61, 71, 81, 91, 101, 111]);
    expect(await f.store.searchText(user.id, inbox.id, 'NOTE 7', 'text')).toEqual([8, 71, 72, 73, 74, 75, 76, 77, 78, 79, 80]);
  });

  it('finds mail stored a moment ago', async () => {
    for (let i = 0; i < 10; i++) {
      await f.store.append(user.id, inbox.id, { raw: message(i, `word${i}x`) });
      expect(await f.store.searchText(user.id, inbox.id, `word${i}x`, 'body')).toEqual([i + 1]);
    }
  });

  it('forgets freed bodies', async () => {
    for (let i = 0; i < 10; i++) await f.store.append(user.id, inbox.id, { raw: message(i, 'gone') });
    await f.store.expunge(user.id, inbox.id, { uids: [2, 3, 4], force: true });
    expect(await f.store.searchText(user.id, inbox.id, 'gone', 'body')).toEqual([1, 5, 6, 7, 8, 9, 10]);
    // PostgreSQL: the text rows go with their bodies (SQLite's index file is checked above).
    if (f.backend === 'postgres') expect((await sqlRows<{ n: number }>(f, 'SELECT count(*)::int AS n FROM body_text'))[0]?.n).toBe(7);
  });
});
