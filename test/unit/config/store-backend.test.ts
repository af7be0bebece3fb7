// store.backend and store.url (issue 18 item 1): SQLite by default; PostgreSQL needs a postgres:// URL, whose
// password `postern config` never prints; backup and check say they need SQLite.
import { describe, expect, it } from 'vitest';
import { maskPassword } from '../../../src/cli/config.js';
import { withSqliteStore } from '../../../src/cli/context.js';
import { ConfigError, parseConfigText } from '../../../src/config/load.js';
import { openStore } from '../../../src/store/open.js';
import { createTestDatabase, pgAvailable } from '../../support/postgres.js';

const home = '/srv/postern';

describe('store.backend', () => {
  it('is sqlite by default, with no URL', () => {
    const config = parseConfigText('', 't', home);
    expect(config.store.backend).toBe('sqlite');
    expect(config.store.url).toBeUndefined();
  });

  it('postgres takes store.url and a pool size', () => {
    const config = parseConfigText('store: { backend: postgres, url: "postgresql://postern@db.example.org/postern", poolSize: 4 }', 't', home);
    expect(config.store).toMatchObject({ backend: 'postgres', url: 'postgresql://postern@db.example.org/postern', poolSize: 4 });
  });

  it('postgres without a URL, or with one of another scheme, is refused naming store.url', () => {
    expect(() => parseConfigText('store: { backend: postgres }', 't', home)).toThrow(ConfigError);
    expect(() => parseConfigText('store: { backend: postgres }', 't', home)).toThrow(/store\.url.*required/);
    expect(() => parseConfigText('store: { backend: postgres, url: "mysql://db/x" }', 't', home)).toThrow(/store\.url/);
    expect(() => parseConfigText('store: { backend: oracle }', 't', home)).toThrow(/store\.backend/);
  });

  it("the URL's password is masked where the configuration is printed", () => {
    expect(maskPassword('postgresql://postern:s3cret@db.example.org:5432/postern')).toBe('postgresql://postern:***@db.example.org:5432/postern');
    expect(maskPassword('postgresql://postern@db.example.org/postern')).toBe('postgresql://postern@db.example.org/postern');
    expect(maskPassword(undefined)).toBeUndefined();
  });

  it('backup and check refuse a PostgreSQL configuration, saying they need SQLite, before opening anything', async () => {
    const config = parseConfigText('store: { backend: postgres, url: "postgresql://postern@127.0.0.1:1/none" }', 't', home);
    let ran = false;
    await expect(
      withSqliteStore(config, 'backup', async () => {
        ran = true;
      }),
    ).rejects.toThrow(/`postern backup` needs the SQLite backend/);
    expect(ran).toBe(false);
  });

  it.skipIf(!pgAvailable)('a PostgreSQL store opened from the configuration keeps store.expungeLogKeep expunges for QRESYNC', async () => {
    const db = await createTestDatabase();
    const config = parseConfigText(`store: { backend: postgres, url: ${JSON.stringify(db.url)}, expungeLogKeep: 2 }`, 't', home);
    const store = await openStore(config);
    try {
      const user = await store.createUser('u', { scrypt: 'x', scramSha256: { salt: 'x', iterations: 1, storedKey: 'x', serverKey: 'x' } });
      const inbox = await store.getMailbox(user.id, 'INBOX');
      for (let i = 0; i < 4; i++) await store.append(user.id, inbox.id, { raw: Buffer.from(`Subject: ${i}\r\n\r\nx\r\n`) });
      const before = (await store.getMailboxById(user.id, inbox.id)).highestModseq;
      for (const uid of [1, 2, 3]) await store.expunge(user.id, inbox.id, { uids: [uid], force: true });
      // Three expunges, two remembered: QRESYNC from before them is answered from the UIDs present (null).
      expect(await store.vanishedSince(user.id, inbox.id, before)).toBeNull();
    } finally {
      await store.close();
      await db.drop();
    }
  });
});
