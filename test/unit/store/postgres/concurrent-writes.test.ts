// Several front ends writing to one PostgreSQL store at once (issue 18 item 2; SPEC R9.3, RFC 9051 §2.3.1.1): two
// stores on one database (two pools, as two processes) deliver to the same mailboxes concurrently, recipients in
// opposite orders; every message gets a unique UID, the mailboxes' UIDs ascend without gaps, and the counters,
// modseqs and body refcounts are exact afterwards.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openPostgresStore, type PostgresStore } from '../../../../src/store/postgres/postgres-store.js';
import type { DeliveryResult, User } from '../../../../src/store/types.js';
import { createTestDatabase, pgAvailable, type TestDatabase } from '../../../support/postgres.js';
import { checkProblems } from '../backend-sql.js';
import { CREDENTIALS, delivery } from '../store-fixture.js';

const EACH = 50;

describe.skipIf(!pgAvailable)('two PostgreSQL front ends delivering at once', () => {
  let db: TestDatabase;
  let a: PostgresStore;
  let b: PostgresStore;
  beforeEach(async () => {
    db = await createTestDatabase();
    a = await openPostgresStore({ url: db.url, poolSize: 4 });
    b = await openPostgresStore({ url: db.url, poolSize: 4 });
  });
  afterEach(async () => {
    await a.close();
    await b.close();
    await db.drop();
  });

  it('gives unique ascending UIDs and exact counters', async () => {
    const alice: User = await a.createUser('alice', CREDENTIALS);
    const bob: User = await b.createUser('bob', CREDENTIALS);
    const send = (store: PostgresStore, i: number, users: number[]): Promise<DeliveryResult[]> =>
      store.deliver(delivery(`Subject: ${i}\r\n\r\n${'x'.repeat(i)}\r\n`, users, { requireTls: i % 5 === 0 }));
    const runs = await Promise.all([
      ...Array.from({ length: EACH }, (_, i) => send(a, i, [alice.id, bob.id])),
      ...Array.from({ length: EACH }, (_, i) => send(b, EACH + i, [bob.id, alice.id])),
    ]);
    const results = runs.flat();
    expect(results.every((r) => r.ok)).toBe(true);
    const expectedBytes = (user: User): number =>
      Array.from({ length: 2 * EACH }, (_, i) => `Delivered-To: user${user.id}\r\nSubject: ${i}\r\n\r\n${'x'.repeat(i)}\r\n`.length).reduce((x, y) => x + y, 0);
    for (const user of [alice, bob]) {
      const inbox = await a.getMailbox(user.id, 'INBOX');
      const uids = results.filter((r) => r.ok && r.userId === user.id).map((r) => (r.ok ? r.uid : 0));
      expect(new Set(uids).size).toBe(2 * EACH);
      expect(await b.listUids(user.id, inbox.id)).toEqual(Array.from({ length: 2 * EACH }, (_, i) => i + 1));
      expect(inbox).toMatchObject({
        messages: 2 * EACH,
        unseen: 2 * EACH,
        uidNext: 2 * EACH + 1,
        highestModseq: 1 + 2 * EACH,
        requireTlsMessages: (2 * EACH) / 5,
        bytes: expectedBytes(user),
      });
      const metas = await a.listMessages(user.id, inbox.id);
      expect(new Set(metas.map((m) => m.modseq)).size).toBe(2 * EACH); // one modseq per delivery, none shared
    }
    const refcounts = (await a.pool.query<{ refcount: number }>('SELECT refcount FROM bodies')).rows.map((r) => r.refcount);
    expect(refcounts).toEqual(Array.from({ length: 2 * EACH }, () => 2));
    expect(await checkProblems({ backend: 'postgres', store: a, cleanup: async () => undefined })).toEqual([]);
  });
});
