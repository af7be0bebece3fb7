// POP3 maildrop locks across front ends (issue 18 item 2, RFC 1939 §8, SPEC R8.2): two PostgresStores on one database
// (two front ends): one holds a user's maildrop lock, the other is refused until it is released — or until the
// holder's connection ends (a front end that dies leaves nothing locked).
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openPostgresStore, type PostgresStore } from '../../../../src/store/postgres/postgres-store.js';
import { createTestDatabase, pgAvailable, type TestDatabase } from '../../../support/postgres.js';

let db: TestDatabase;
let a: PostgresStore;
let b: PostgresStore;

describe.skipIf(!pgAvailable)('POP3 maildrop locks across PostgreSQL front ends', () => {
  beforeEach(async () => {
    db = await createTestDatabase();
    a = await openPostgresStore({ url: db.url, poolSize: 2 });
    b = await openPostgresStore({ url: db.url, poolSize: 2 });
  });
  afterEach(async () => {
    await a.close();
    await b.close();
    await db.drop();
  });

  it('one front end holds a maildrop; the other is refused until it is unlocked', async () => {
    expect(await a.lockMaildrop(1)).toBe(true);
    expect(await a.lockMaildrop(1)).toBe(true); // held here already
    expect(await b.lockMaildrop(1)).toBe(false);
    expect(await b.lockMaildrop(2)).toBe(true); // another user's maildrop
    await a.unlockMaildrop(1);
    expect(await b.lockMaildrop(1)).toBe(true);
    expect(await a.lockMaildrop(1)).toBe(false);
  });

  it("a front end whose lock connection ends (it died) leaves the maildrop free", async () => {
    expect(await a.lockMaildrop(5)).toBe(true);
    expect(await b.lockMaildrop(5)).toBe(false);
    await b.pool.query("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'postern-locks' AND pid <> pg_backend_pid()");
    // Only a's lock connection was open with that name (b's tries do not keep a lock): a's lock is gone.
    let free = false;
    for (let i = 0; i < 100 && !free; i++) {
      free = await b.lockMaildrop(5);
      if (!free) await new Promise((r) => setTimeout(r, 20));
    }
    expect(free).toBe(true);
  });
});
