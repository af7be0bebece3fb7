// RFC 8970 previews from the text index (issue 15 item 6; text-index/previews.ts): the indexer stores each
// body's preview beside its text; before a body is indexed, PREVIEW (LAZY) gets null (NIL) and PREVIEW one
// computed on the spot from the first text part's first octets (also for a large chunked body, read by range),
// equal to the one the indexer stores later; expunged messages are left out; freed bodies leave the table. The
// store-level behaviour runs on every backend (PostgreSQL stores previews at ingest).
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { CHUNK_BYTES } from '../../../src/store/sqlite/body-bytes.js';
import { openSqliteStore } from '../../../src/store/sqlite/sqlite-store.js';
import { textIndexPath } from '../../../src/store/sqlite/text-index/text-db.js';
import { describeBackends, type BackendFixture } from './backends.js';
import { CREDENTIALS, tempDir } from './store-fixture.js';

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

const LARGE = [
  'Subject: large',
  'MIME-Version: 1.0',
  'Content-Type: multipart/mixed; boundary="L"',
  '',
  '--L',
  'Content-Type: text/html; charset=utf-8',
  '',
  '<p>Hello &amp; welcome</p>',
  '--L',
  'Content-Type: application/octet-stream',
  'Content-Transfer-Encoding: base64',
  '',
  ...Array.from({ length: Math.ceil((2 * CHUNK_BYTES) / 76) }, () => 'A'.repeat(76)),
  '--L--',
  '',
].join('\r\n');

function storedPreviews(storePath: string): Array<{ body_id: number; preview: string }> {
  const db = new Database(textIndexPath(storePath), { readonly: true });
  try {
    return db.prepare('SELECT body_id, preview FROM body_preview ORDER BY body_id').all() as Array<{ body_id: number; preview: string }>;
  } finally {
    db.close();
  }
}

describe('previews in the text index', () => {
  it('LAZY is null until indexed, PREVIEW is computed meanwhile, and the indexer stores the same text', async () => {
    const tmp = tempDir();
    cleanups.push(() => tmp.cleanup());
    const path = join(tmp.dir, 'store.sqlite');
    const store = await openSqliteStore({ path, textIndex: 'on-search', busyTimeoutMs: 100 });
    cleanups.push(() => store.close());
    const user = await store.createUser('alice', CREDENTIALS);
    const inbox = await store.getMailbox(user.id, 'INBOX');
    await store.append(user.id, inbox.id, { raw: Buffer.from('Subject: one\r\n\r\nFirst   line\r\nsecond\r\n') });
    await store.append(user.id, inbox.id, { raw: Buffer.from(LARGE) });
    await store.append(user.id, inbox.id, { raw: Buffer.from('Subject: three\r\nContent-Type: image/png\r\n\r\nxx\r\n') });

    expect(await store.previews(user.id, inbox.id, [1, 2, 3, 99], true)).toEqual(new Map([[1, null], [2, null], [3, null]]));
    const computed = await store.previews(user.id, inbox.id, [1, 2, 3, 99], false);
    expect(computed).toEqual(new Map([[1, 'First line second'], [2, 'Hello & welcome'], [3, '']]));

    await store.searchText(user.id, inbox.id, 'first', 'body'); // 'on-search': indexes every body first
    expect(storedPreviews(path).map((r) => r.preview)).toEqual(['First line second', 'Hello & welcome', '']);
    expect(await store.previews(user.id, inbox.id, [1, 2, 3], true)).toEqual(computed);
    expect(await store.previews(user.id, inbox.id, [1, 2, 3], false)).toEqual(computed);

    await store.expunge(user.id, inbox.id, { uids: [1], force: true });
    expect(await store.previews(user.id, inbox.id, [1, 2], true)).toEqual(new Map([[2, 'Hello & welcome']]));
    await store.searchText(user.id, inbox.id, 'first', 'body'); // applies the purge of the freed body
    expect(storedPreviews(path).map((r) => r.preview)).toEqual(['Hello & welcome', '']);
  });
});

describeBackends('previews', (open, backend) => {
  let f: BackendFixture;
  afterEach(async () => {
    await f.cleanup();
  });

  it('are computed without LAZY, stored with the text (at ingest in PostgreSQL), and leave out expunged messages', async () => {
    f = await open();
    const user = await f.store.createUser('alice', CREDENTIALS);
    const inbox = await f.store.getMailbox(user.id, 'INBOX');
    await f.store.append(user.id, inbox.id, { raw: Buffer.from('Subject: one\r\n\r\nFirst   line\r\nsecond\r\n') });
    await f.store.append(user.id, inbox.id, { raw: Buffer.from(LARGE) });
    await f.store.append(user.id, inbox.id, { raw: Buffer.from('Subject: three\r\nContent-Type: image/png\r\n\r\nxx\r\n') });
    const computed = new Map([[1, 'First line second'], [2, 'Hello & welcome'], [3, '']]);
    const lazy = await f.store.previews(user.id, inbox.id, [1, 2, 3, 99], true);
    // The SQLite fixture's index is filled on search; PostgreSQL stores the text with the body.
    expect(lazy).toEqual(backend === 'postgres' ? computed : new Map([[1, null], [2, null], [3, null]]));
    expect(await f.store.previews(user.id, inbox.id, [1, 2, 3, 99], false)).toEqual(computed);
    await f.store.searchText(user.id, inbox.id, 'first', 'body');
    expect(await f.store.previews(user.id, inbox.id, [3, 2, 1], true)).toEqual(computed);
    await f.store.expunge(user.id, inbox.id, { uids: [1], force: true });
    expect(await f.store.previews(user.id, inbox.id, [1, 2], true)).toEqual(new Map([[2, 'Hello & welcome']]));
    expect(await f.store.previews(user.id, inbox.id, [1, 2], false)).toEqual(new Map([[2, 'Hello & welcome']]));
  });

  it.skipIf(backend !== 'postgres')('PostgreSQL: a body without a text row is NIL with LAZY, computed (a chunked one by range), searched, then stored', async () => {
    f = await open();
    if (f.backend !== 'postgres') return;
    const user = await f.store.createUser('alice', CREDENTIALS);
    const inbox = await f.store.getMailbox(user.id, 'INBOX');
    await f.store.append(user.id, inbox.id, { raw: Buffer.from('Subject: one\r\n\r\nFirst   line\r\nsecond\r\n') });
    await f.store.append(user.id, inbox.id, { raw: Buffer.from(LARGE) });
    await f.store.pool.query('DELETE FROM body_text');
    expect(await f.store.previews(user.id, inbox.id, [1, 2], true)).toEqual(new Map([[1, null], [2, null]]));
    expect(await f.store.previews(user.id, inbox.id, [1, 2], false)).toEqual(new Map([[1, 'First line second'], [2, 'Hello & welcome']]));
    expect(await f.store.searchText(user.id, inbox.id, 'hello & welcome', 'body')).toEqual([2]);
    expect(await f.store.searchText(user.id, inbox.id, 'subject: large', 'text')).toEqual([2]);
    expect(await f.store.searchText(user.id, inbox.id, 'line sec', 'body')).toEqual([1]);
    expect(await f.store.searchText(user.id, inbox.id, 'aaaa', 'body')).toEqual([]); // the attachment is not text
    // The search stored the rows it lacked (as the SQLite store indexes on search): LAZY now has them.
    expect((await f.store.pool.query('SELECT body_id FROM body_text')).rowCount).toBe(2);
    expect(await f.store.previews(user.id, inbox.id, [1, 2], true)).toEqual(new Map([[1, 'First line second'], [2, 'Hello & welcome']]));
  });
});
