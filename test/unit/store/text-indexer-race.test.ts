// Two indexers at once (SPEC R7.4; issue 14 item 1): a step extracts its texts first (awaiting mailparser) and
// writes only when the index's marks are still those it started from, so an indexer that another one overtook
// while it was parsing writes nothing and carries on from the new marks; no body is indexed twice.
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openDatabase } from '../../../src/store/sqlite/database.js';
import { openSqliteStore } from '../../../src/store/sqlite/sqlite-store.js';
import { TextIndexer } from '../../../src/store/sqlite/text-index/indexer.js';
import { textIndexPath } from '../../../src/store/sqlite/text-index/text-db.js';
import { CREDENTIALS, tempDir } from './store-fixture.js';

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

describe('TextIndexer.step', () => {
  it('writes nothing when another indexer moved the marks while it extracted', async () => {
    const tmp = tempDir();
    cleanups.push(() => tmp.cleanup());
    const path = join(tmp.dir, 'store.sqlite');
    const store = await openSqliteStore({ path, textIndex: 'on-search', busyTimeoutMs: 1000 });
    cleanups.push(() => store.close());
    const user = await store.createUser('alice', CREDENTIALS);
    const inbox = await store.getMailbox(user.id, 'INBOX');
    for (let i = 0; i < 6; i++) {
      const html = `Content-Type: text/html; charset=us-ascii\r\n\r\n<p>caf&eacute; number ${i}</p>\r\n`;
      await store.append(user.id, inbox.id, { raw: Buffer.from(`Subject: n${i}\r\n${html}`) });
    }
    const dbs = [openDatabase(textIndexPath(path)), openDatabase(textIndexPath(path))];
    cleanups.push(() => dbs.forEach((d) => d.close()));
    const [a, b] = dbs.map((d) => new TextIndexer(store.db, d, { bodies: 4, bytes: 1 << 20, chars: 1 << 20, purges: 100, ms: 60_000 }));
    // Both extract at once; the first to finish writes, the other finds the marks moved and writes nothing.
    const steps = await Promise.all([a!.step(), b!.step()]);
    expect(steps.map((s) => s.indexed).sort()).toEqual([0, 4]);
    expect(steps.every((s) => s.more)).toBe(true);
    expect(steps.find((s) => s.indexed === 0)?.marks.indexedMax).toBe(4);
    expect((await a!.catchUp()).indexedMax).toBe(6);
    const rows = dbs[0]!.prepare('SELECT rowid, body FROM body_text ORDER BY rowid').all() as Array<{ rowid: number; body: string }>;
    expect(rows.map((r) => r.rowid)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(rows[5]?.body).toContain('café number 5');
    expect(await store.searchText(user.id, inbox.id, 'CAFÉ NUMBER 3', 'body')).toEqual([4]);
  });
});
