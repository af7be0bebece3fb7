// The trigram index of the search fields (migrations/0018; src/store/sqlite/field-trigrams.ts; issue 14 items
// 5-6): filled in batches after deliveries (a body not indexed yet is still found), by the ingest writer thread
// once idle; kept with its rows (a freed body leaves it); never trusted for a message whose trace prefix and long
// header together pass the 256 KiB SEARCH reads: that message is searched as served, its late field cut.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MailboxView } from '../../../src/imap/mailbox-view.js';
import { evaluate } from '../../../src/imap/search/evaluate.js';
import { searchSource } from '../../../src/imap/search/source.js';
import { FieldTrigramIndexer, INDEXED_FIELDS_SHAPE } from '../../../src/store/sqlite/field-trigrams.js';
import { MIGRATIONS_DIR } from '../../../src/store/sqlite/migrate.js';
import type { User } from '../../../src/store/types.js';
import { openSqliteStore } from '../../../src/store/sqlite/sqlite-store.js';
import { CREDENTIALS, openFixture, tempDir, type Fixture } from './store-fixture.js';

let fx: Fixture;
let alice: User;

beforeEach(async () => {
  fx = await openFixture();
  alice = await fx.store.createUser('alice', CREDENTIALS);
});
afterEach(async () => {
  await fx.cleanup();
});

const message = (from: string): Buffer =>
  Buffer.from(`From: ${from}\r\nSubject: hello\r\nMessage-ID: <x-part-of-an-id@example.org>\r\n\r\nbody\r\n`);

async function deliver(bytes: Buffer, prefix: string): Promise<number> {
  const [r] = await fx.store.deliver({
    body: bytes,
    recipients: [{ userId: alice.id, prefix: Buffer.from(prefix) }],
    requireTls: false,
    tlsRequiredNo: false,
    forgedFields: 0,
    internalDate: new Date(),
  });
  if (!r?.ok) throw new Error('delivery failed');
  return r.uid;
}

/** UID SEARCH FROM <needle> (or HEADER <field> <needle>) over the whole INBOX, the store answering over the mailbox (as for many messages). */
async function searchFrom(needle: string, field = 'FROM'): Promise<number[]> {
  const info = await fx.store.getMailbox(alice.id, 'INBOX');
  const view = new MailboxView(info, await fx.store.listUids(alice.id, info.id), (record) => fx.store.changes.subscribe(info.id, record), {
    tls: true,
    readOnly: false,
    condstore: () => false,
    recentFrom: (through) => fx.store.claimRecent(alice.id, info.id, through),
  });
  try {
    const src = await searchSource(fx.store, alice.id, view, undefined, undefined, 0);
    return await evaluate({ kind: 'header', field, value: needle }, [...src.candidates], src);
  } finally {
    view.close();
  }
}

describe('the trigram index of the search fields', () => {
  it('finds a field before and after the index holds it (indexed in batches), and drops a freed body from it', async () => {
    const uid = await deliver(message('Quentin Quokka <quokka@example.org>'), 'Received: by test\r\n');
    const db = new Database(fx.path);
    try {
      const bodies = db.prepare("SELECT rowid FROM body_field_trigrams WHERE body_field_trigrams MATCH 'from_values : (\"quo\" AND \"kka\")'").pluck();
      const indexer = new FieldTrigramIndexer(db);
      expect(indexer.backlog()).toBe(1);
      expect(bodies.all()).toEqual([]); // past the mark: the search looks at it directly
      expect(await searchFrom('quokka@')).toEqual([uid]);
      expect(indexer.catchUp()).toBe(1);
      expect(indexer.backlog()).toBe(0);
      expect(bodies.all()).toHaveLength(1);
      expect(await searchFrom('quokka@')).toEqual([uid]);
      // A kept field the index does not hold is matched by a pass.
      expect(await searchFrom('part-of-an-id', 'Message-ID')).toEqual([uid]);
      const inbox = await fx.store.getMailbox(alice.id, 'INBOX');
      await fx.store.setFlags(alice.id, inbox.id, [uid], 'add', ['\\Deleted']);
      await fx.store.expunge(alice.id, inbox.id);
      expect(db.prepare('SELECT COUNT(*) FROM bodies').pluck().get()).toBe(0);
      expect(bodies.all()).toEqual([]);
    } finally {
      db.close();
    }
  });

  it('does not answer for a message whose prefix cuts a field of a long header where SEARCH stops reading', async () => {
    // SEARCH reads 256 KiB of the served header. Behind a 10 KiB trace prefix, this body's From: is cut inside its
    // encoded word, so the served message's From holds "=?utf-8?q?caf" and not the address: its body's stored
    // (and indexed) values, "café <late@example.org>", cannot answer for it.
    const prefix = `X-Trace: ${'t'.repeat(10 * 1024)}\r\n`;
    const served = 256 * 1024 - prefix.length;
    const pad = served - 'X-Pad: \r\n'.length - 'From: =?utf-8?q?caf'.length;
    const bytes = Buffer.from(`X-Pad: ${'p'.repeat(pad)}\r\nFrom: =?utf-8?q?caf=C3=A9?= <late@example.org>\r\nSubject: s\r\n\r\nbody\r\n`);
    const bare = await deliver(bytes, '');
    const behind = await deliver(bytes, prefix);
    expect(await searchFrom('late@')).toEqual([bare]);
    expect(await searchFrom('café')).toEqual([bare]);
    expect(await searchFrom('=?utf-8?q?caf')).toEqual([behind]);
  });
});

describe('the trigram index behind the ingest writer thread', () => {
  it('catches up once the thread is idle: every body delivered is then in the index', async () => {
    const tmp = tempDir();
    const store = await openSqliteStore({ path: join(tmp.dir, 'store.sqlite'), ingest: 'thread' });
    const db = new Database(join(tmp.dir, 'store.sqlite'), { readonly: true });
    try {
      const bob = await store.createUser('bob', CREDENTIALS);
      for (let i = 0; i < 3; i++) {
        const [r] = await store.deliver({
          body: message(`Sender ${i} <s${i}@example.org>`),
          recipients: [{ userId: bob.id, prefix: Buffer.alloc(0) }],
          requireTls: false,
          tlsRequiredNo: false,
          forgedFields: 0,
          internalDate: new Date(),
        });
        expect(r?.ok).toBe(true);
      }
      const indexer = new FieldTrigramIndexer(db);
      const deadline = Date.now() + 10_000;
      while (indexer.backlog() > 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
      expect(indexer.backlog()).toBe(0);
      expect(db.prepare("SELECT count(*) FROM body_field_trigrams WHERE body_field_trigrams MATCH 'from_values : \"exa\"'").pluck().get()).toBe(3);
    } finally {
      db.close();
      await store.close();
      tmp.cleanup();
    }
  });
});

describe('the shape test of the partial index', () => {
  it('is the one migrations/0018 indexes', () => {
    const sql = readFileSync(join(MIGRATIONS_DIR, '0018-field-trigrams.sql'), 'utf8');
    expect(sql).toContain(`WHERE (prefix_shape & ${INDEXED_FIELDS_SHAPE}) != 0;`);
  });
});
