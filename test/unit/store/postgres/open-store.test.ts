// Opening the configured PostgreSQL store (issue 18 item 1, src/store/open.ts): the server listens to the other front
// ends' changes; a CLI command opens no listening connection, and its changes still reach a listening front end.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseConfigText } from '../../../../src/config/load.js';
import type { MailboxChange } from '../../../../src/store/changes.js';
import { openStore } from '../../../../src/store/open.js';
import type { PostgresStore } from '../../../../src/store/postgres/postgres-store.js';
import { createTestDatabase, pgAvailable, type TestDatabase } from '../../../support/postgres.js';
import { CREDENTIALS, delivery } from '../store-fixture.js';

describe.skipIf(!pgAvailable)('openStore with store.backend: postgres', () => {
  let db: TestDatabase;
  beforeEach(async () => {
    db = await createTestDatabase();
  });
  afterEach(async () => {
    await db.drop();
  });

  const config = () => parseConfigText(`store: { backend: postgres, url: ${JSON.stringify(db.url)}, poolSize: 2 }\nlisteners: []\n`, 't.yaml', '/tmp');

  it('listens when serving, not for a CLI command; the CLI command\'s delivery reaches the server\'s session', async () => {
    const server = (await openStore(config(), { serving: true })) as PostgresStore;
    const cli = (await openStore(config())) as PostgresStore;
    try {
      expect(server.watcher.connected).toBe(true);
      expect(cli.watcher.connected).toBe(false);
      const alice = await cli.createUser('alice', CREDENTIALS);
      const seen: MailboxChange[] = [];
      const opened = await server.openMailbox(alice.id, 'INBOX', (c) => seen.push(c));
      try {
        await cli.deliver(delivery('Subject: from the CLI\r\n\r\nx\r\n', [alice.id]));
        for (let i = 0; i < 200 && !seen.some((c) => c.kind === 'exists'); i++) await new Promise((r) => setTimeout(r, 25));
        expect(seen).toContainEqual(expect.objectContaining({ kind: 'exists', uid: 1 }));
      } finally {
        opened.close();
      }
    } finally {
      await cli.close();
      await server.close();
    }
  });
});
