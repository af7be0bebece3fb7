// The server on the PostgreSQL backend (issue 18 item 1): `store.backend: postgres` with `store.url` starts
// Postern over the database; a user added through the store logs in over IMAP, and an IDLE session sees, as
// EXISTS, a message another front end (a second store on the same database) delivered.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openPostgresStore } from '../../../src/store/postgres/postgres-store.js';
import { RawImap } from '../../support/imap-raw.js';
import { createTestDatabase, pgAvailable, pgSkipReason, type TestDatabase } from '../../support/postgres.js';
import { PLAINTEXT_AUTH, startTestServer, type TestServer } from '../../support/server.js';

const LISTENERS = `listeners:
  - { protocol: imap, address: 127.0.0.1, port: 0, tls: none }
`;

let db: TestDatabase;
let t: TestServer;

describe.skipIf(!pgAvailable)(`postern serve with store.backend: postgres${pgAvailable ? '' : ` (${pgSkipReason})`}`, () => {
  beforeAll(async () => {
    db = await createTestDatabase();
    t = await startTestServer({
      listeners: LISTENERS,
      auth: PLAINTEXT_AUTH,
      store: `store: { backend: postgres, url: ${JSON.stringify(db.url)}, poolSize: 4 }`,
    });
  }, 60_000);
  afterAll(async () => {
    await t.stop();
    await db.drop();
  });

  it('serves from PostgreSQL: the configured store is the PostgreSQL one, and no SQLite file is made', async () => {
    expect(t.server.store.constructor.name).toBe('PostgresStore');
    expect(() => t.sqlite()).toThrow(/needs the SQLite backend/);
    const rows = (await (t.server.store as unknown as { pool: { query(q: string): Promise<{ rows: unknown[] }> } }).pool.query('SELECT 1 AS one')).rows;
    expect(rows).toEqual([{ one: 1 }]);
    expect(existsSync(join(t.dir, 'data/postern.sqlite'))).toBe(false);
  });

  it('a user added through the store logs in over IMAP and selects INBOX', async () => {
    await t.addUser('alice@example.org', 'pw-alice');
    const c = await RawImap.open(t.port('imap'));
    try {
      expect((await c.cmd('LOGIN alice@example.org wrong')).tagged).toMatch(/ NO /);
      expect((await c.cmd('LOGIN alice@example.org pw-alice')).tagged).toMatch(/ OK /);
      const selected = await c.cmd('SELECT INBOX');
      expect(selected.tagged).toMatch(/ OK /);
      expect(selected.untagged).toMatch(/^\* 0 EXISTS\r$/m);
    } finally {
      c.close();
    }
  });

  it("IDLE on this front end sees EXISTS for a message another front end delivered", async () => {
    const other = await openPostgresStore({ url: db.url, poolSize: 2 });
    const c = await RawImap.open(t.port('imap'));
    try {
      expect((await c.cmd('LOGIN alice@example.org pw-alice')).tagged).toMatch(/ OK /);
      expect((await c.cmd('SELECT INBOX')).tagged).toMatch(/ OK /);
      c.write('I1 IDLE\r\n');
      expect((await c.untilLine((l) => l.startsWith('+'))).line).toMatch(/^\+/);
      const user = (await other.findUser('alice@example.org'))!;
      const inbox = await other.getMailbox(user.id, 'INBOX');
      await other.append(user.id, inbox.id, { raw: Buffer.from('Subject: from B\r\n\r\nhello\r\n') });
      expect((await c.untilLine((l) => /^\* \d+ EXISTS/.test(l))).line).toMatch(/^\* 1 EXISTS/);
      c.write('DONE\r\n');
      expect((await c.untilLine((l) => l.startsWith('I1 '))).line).toMatch(/^I1 OK/);
    } finally {
      c.close();
      await other.close();
    }
  });
});
