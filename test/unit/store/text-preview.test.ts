// RFC 8970 previews from the text index (issue 15 item 6; text-index/previews.ts): the indexer stores each
// body's preview beside its text; before a body is indexed, PREVIEW (LAZY) gets null (NIL) and PREVIEW one
// computed on the spot from the first text part's first octets (also for a large chunked body, read by range),
// equal to the one the indexer stores later; expunged messages are left out; freed bodies leave the table.
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { CHUNK_BYTES } from '../../../src/store/sqlite/body-bytes.js';
import { openSqliteStore } from '../../../src/store/sqlite/sqlite-store.js';
import { textIndexPath } from '../../../src/store/sqlite/text-index/text-db.js';
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
