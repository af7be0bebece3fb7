// messageStructures (SPEC R7.3): the MIME structure is stored with the body at ingest (deliver and APPEND),
// served with the prefix length, shared by copies; bodies without a stored structure (a SQLite store from before
// migration 0002) are parsed on first request and stored; structures of another parser version are recomputed —
// on every backend.
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CHUNK_BYTES } from '../../../src/store/sqlite/body-bytes.js';
import { STRUCTURE_VERSION } from '../../../src/store/sqlite/body-index.js';
import { openDatabase } from '../../../src/store/sqlite/database.js';
import { loadMigrations, migrate } from '../../../src/store/sqlite/migrate.js';
import { SqliteStore } from '../../../src/store/sqlite/sqlite-store.js';
import type { MailboxInfo, User } from '../../../src/store/types.js';
import { sqlRows } from './backend-sql.js';
import { describeBackends, type BackendFixture } from './backends.js';
import { CREDENTIALS, delivery, tempDir } from './store-fixture.js';

const MULTIPART =
  'Subject: parts\r\nContent-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\n\r\none\r\n--b\r\nContent-Type: text/html\r\n\r\n<p>two</p>\r\n--b--\r\n';

describeBackends('messageStructures', (open) => {
  let fx: BackendFixture;
  let alice: User;
  let inbox: MailboxInfo;
  beforeEach(async () => {
    fx = await open();
    alice = await fx.store.createUser('alice', CREDENTIALS);
    inbox = await fx.store.getMailbox(alice.id, 'INBOX');
  });
  afterEach(async () => {
    await fx.cleanup();
  });

  const stored = (): Promise<Array<{ body_id: number; version: number }>> => sqlRows(fx, 'SELECT body_id, version FROM body_structures ORDER BY body_id');

  it('is computed at delivery, in the same transaction as the body, and read back with the prefix length', async () => {
    await fx.store.deliver(delivery(MULTIPART, [alice.id]));
    expect(await stored()).toEqual([{ body_id: expect.any(Number), version: STRUCTURE_VERSION }]);
    const map = await fx.store.messageStructures(alice.id, inbox.id, [1, 2, 99]);
    expect([...map.keys()]).toEqual([1]);
    const s = map.get(1)!;
    expect(s.prefixLength).toBe(`Delivered-To: user${alice.id}\r\n`.length);
    expect(s.mime.envelope.subject).toBe('parts');
    expect(s.mime.root.children.map((c) => `${c.type}/${c.subtype}`)).toEqual(['text/plain', 'text/html']);
    const served = await fx.store.readMessage(alice.id, inbox.id, 1);
    const html = s.mime.root.children[1]!;
    expect(served.subarray(s.prefixLength + html.bodyStart, s.prefixLength + html.bodyEnd).toString()).toBe('<p>two</p>');
  });

  it('is stored for APPEND and shared by a copy', async () => {
    const { uid } = await fx.store.append(alice.id, inbox.id, { raw: Buffer.from(MULTIPART) });
    const other = await fx.store.createMailbox(alice.id, 'Other');
    await fx.store.copy(alice.id, inbox.id, [uid], other.id);
    expect(await stored()).toHaveLength(1);
    const copied = (await fx.store.messageStructures(alice.id, other.id, [1])).get(1);
    expect(copied?.prefixLength).toBe(0);
    expect(copied?.mime.root.children).toHaveLength(2);
  });

  it('recomputes a structure written by another parser version', async () => {
    await fx.store.deliver(delivery(MULTIPART, [alice.id]));
    await sqlRows(fx, 'UPDATE body_structures SET version = -1, structure = ?', ['{"bogus":true}']);
    const map = await fx.store.messageStructures(alice.id, inbox.id, [1]);
    expect(map.get(1)?.mime.root.type).toBe('multipart');
    expect((await stored())[0]?.version).toBe(STRUCTURE_VERSION);
  });

  it('is freed with its body', async () => {
    await fx.store.append(alice.id, inbox.id, { raw: Buffer.from(MULTIPART) });
    await fx.store.expunge(alice.id, inbox.id, { uids: [1], force: true });
    expect(await stored()).toEqual([]);
  });

  it('never fails on malformed MIME', async () => {
    await fx.store.append(alice.id, inbox.id, { raw: Buffer.from('Content-Type: multipart/mixed; boundary=\r\n\r\n--\r\n--\r\n') });
    const map = await fx.store.messageStructures(alice.id, inbox.id, [1]);
    expect(map.get(1)?.mime.root.type).toBe('text');
  });

  it('refuses another user\'s mailbox', async () => {
    const bob = await fx.store.createUser('bob', CREDENTIALS);
    await expect(fx.store.messageStructures(bob.id, inbox.id, [1])).rejects.toMatchObject({ kind: 'not-found' });
  });

  it('is parsed on first request and stored for a body stored without one, small or chunked, once per body', async () => {
    const big = Buffer.from(MULTIPART.replace('one', 'x'.repeat(CHUNK_BYTES * 2)));
    await fx.store.deliver(delivery(MULTIPART, [alice.id]));
    await fx.store.deliver({ ...delivery('', [alice.id]), body: big });
    const other = await fx.store.createMailbox(alice.id, 'Other');
    await fx.store.copy(alice.id, inbox.id, [1, 2], other.id);
    const expected = await fx.store.messageStructures(alice.id, inbox.id, [1, 2]);
    await sqlRows(fx, 'DELETE FROM body_structures');
    const again = await fx.store.messageStructures(alice.id, inbox.id, [1, 2]);
    expect(again).toEqual(expected);
    expect(again.get(2)!.mime.root.children[0]!.bodyEnd).toBeGreaterThan(CHUNK_BYTES * 2);
    expect((await stored()).map((r) => r.version)).toEqual([STRUCTURE_VERSION, STRUCTURE_VERSION]);
    expect((await fx.store.messageStructures(alice.id, other.id, [1, 2])).get(2)?.mime).toEqual(expected.get(2)!.mime);
  });

});

describe('messageStructures of a SQLite store from before migration 0002', () => {
  it('parses a body stored before migration 0002 on first request, and indexes it on first search', async () => {
    const tmp = tempDir();
    const db = openDatabase(join(tmp.dir, 'old.sqlite'));
    let store: SqliteStore | undefined;
    try {
      migrate(db, loadMigrations().slice(0, 1));
      db.exec(`INSERT INTO users (name, name_key, scrypt, scram_salt, scram_iterations, scram_stored_key, scram_server_key, created_at)
               VALUES ('old', 'old', 's', 's', 1, 'k', 'k', 0);
               INSERT INTO mailboxes (user_id, name, uid_validity, uid_next) VALUES (1, 'INBOX', 1, 3);`);
      const body = db.prepare('INSERT INTO bodies (bytes, size) VALUES (?, ?) RETURNING id').get(Buffer.from(MULTIPART), MULTIPART.length) as { id: number };
      const insert = db.prepare('INSERT INTO messages (mailbox_id, uid, modseq, internal_date, size, body_id, prefix) VALUES (1, ?, 1, 0, ?, ?, ?)');
      insert.run(1, MULTIPART.length, body.id, Buffer.alloc(0));
      insert.run(2, MULTIPART.length + 3, body.id, Buffer.from('X\r\n'));
      migrate(db);
      store = new SqliteStore(db);
      expect(db.prepare('SELECT COUNT(*) FROM body_structures').pluck().get()).toBe(0);
      expect(await store.searchText(1, 1, 'TWO', 'body')).toEqual([1, 2]);
      expect(db.prepare('SELECT COUNT(*) FROM body_structures').pluck().get()).toBe(0); // search needs none
      db.exec('DELETE FROM body_structures');
      const map = await store.messageStructures(1, 1, [2]);
      expect(map.get(2)?.prefixLength).toBe(3);
      expect(map.get(2)?.mime.root.children).toHaveLength(2);
      expect(db.prepare('SELECT COUNT(*) FROM body_structures').pluck().get()).toBe(1);
      expect((await store.check()).problems).toEqual([]);
    } finally {
      if (store) await store.close();
      else db.close();
      tmp.cleanup();
    }
  });
});
