// checkStore (SPEC R9.3): clean after normal use, each kind of corruption found and named, repair, backup.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openSqliteStore } from '../../../src/store/sqlite/sqlite-store.js';
import type { User } from '../../../src/store/types.js';
import { CREDENTIALS, delivery, openFixture, type Fixture } from './store-fixture.js';

let fx: Fixture;
let alice: User;
beforeEach(async () => {
  fx = await openFixture();
  alice = await fx.store.createUser('alice', CREDENTIALS);
  const bob = await fx.store.createUser('bob', CREDENTIALS);
  await fx.store.deliver(delivery('one\r\n', [alice.id, bob.id], { requireTls: true }));
  await fx.store.deliver(delivery('two\r\n', [alice.id]));
});
afterEach(async () => {
  await fx.cleanup();
});

function raw(sql: string): void {
  fx.store.db.exec(sql);
}

describe('checkStore', () => {
  it('reports nothing for a store used normally', async () => {
    const report = await fx.store.check({ integrity: true });
    expect(report).toEqual({ problems: [], repaired: false, mailboxes: 12, messages: 3, bodies: 2 });
  });

  it('finds each corrupted mailbox counter, naming user, mailbox, stored and expected values', async () => {
    raw("UPDATE mailboxes SET messages = 7, unseen = 0, bytes = bytes + 1, requiretls_messages = 0 WHERE name = 'INBOX' AND user_id = " + alice.id);
    const inbox = await fx.store.getMailbox(alice.id, 'INBOX');
    const { problems } = await fx.store.check();
    expect(problems).toEqual([
      'mailbox "INBOX" of user "alice": messages counter is 7, expected 2',
      'mailbox "INBOX" of user "alice": unseen counter is 0, expected 2',
      `mailbox "INBOX" of user "alice": bytes counter is ${inbox.bytes}, expected ${inbox.bytes - 1}`,
      'mailbox "INBOX" of user "alice": REQUIRETLS counter is 0, expected 1',
    ]);
  });

  it('finds and repairs a wrong \\Deleted counter (migrations/0009-deleted-counter.sql)', async () => {
    raw("UPDATE mailboxes SET deleted = 3 WHERE name = 'INBOX' AND user_id = " + alice.id);
    expect((await fx.store.check()).problems).toEqual(['mailbox "INBOX" of user "alice": deleted counter is 3, expected 0']);
    expect((await fx.store.check({ repair: true })).repaired).toBe(true);
    expect((await fx.store.check()).problems).toEqual([]);
  });

  it('finds a corrupted refcount, an orphan body, a low UIDNEXT and HIGHESTMODSEQ', async () => {
    raw('UPDATE bodies SET refcount = 5 WHERE id = (SELECT MIN(id) FROM bodies)');
    raw("INSERT INTO bodies (bytes, size, refcount) VALUES (X'00', 1, 1)");
    raw(`UPDATE mailboxes SET uid_next = 2, highest_modseq = 1 WHERE name = 'INBOX' AND user_id = ${alice.id}`);
    const { problems } = await fx.store.check();
    expect(problems).toContain('body 1: refcount is 5, expected 2');
    expect(problems).toContain('body 3 is an orphan: no message refers to it (refcount 1)');
    expect(problems).toContain('mailbox "INBOX" of user "alice": UIDNEXT is 2, expected above 2 (the highest UID used)');
    expect(problems.some((p) => p.startsWith('mailbox "INBOX" of user "alice": HIGHESTMODSEQ is 1, below'))).toBe(true);
    expect(problems).toHaveLength(4);
  });

  it('finds and repairs a first recent UID above UIDNEXT (issue 13 item 1)', async () => {
    raw(`UPDATE mailboxes SET first_recent_uid = 9 WHERE name = 'INBOX' AND user_id = ${alice.id}`);
    expect((await fx.store.check()).problems).toEqual(['mailbox "INBOX" of user "alice": first recent UID is 9, above UIDNEXT 3']);
    await fx.store.check({ repair: true });
    expect((await fx.store.check()).problems).toEqual([]);
    expect((await fx.store.mailboxStatus(alice.id, 'INBOX', { recent: true })).recent).toBe(0);
  });

  it('finds and repairs a keyword missing from its mailbox\'s keyword list (issue 13 item 2)', async () => {
    const inbox = await fx.store.getMailbox(alice.id, 'INBOX');
    await fx.store.setFlags(alice.id, inbox.id, [1], 'add', ['$Kept']);
    expect((await fx.store.check()).problems).toEqual([]);
    raw("UPDATE messages SET keywords = '$Kept $Lost' WHERE uid = 1 AND mailbox_id = " + inbox.id);
    raw('DELETE FROM mailbox_keywords');
    expect((await fx.store.check()).problems).toEqual([
      'mailbox "INBOX" of user "alice": keyword $Kept is on a message but not in the mailbox\'s keyword list',
      'mailbox "INBOX" of user "alice": keyword $Lost is on a message but not in the mailbox\'s keyword list',
    ]);
    expect((await fx.store.check({ repair: true })).repaired).toBe(true);
    expect((await fx.store.check()).problems).toEqual([]);
    const opened = await fx.store.openMailbox(alice.id, 'INBOX', () => undefined);
    opened.close();
    expect(opened.keywords).toEqual(['$Kept', '$Lost']);
  });

  it('finds a wrong message size', async () => {
    raw(`UPDATE messages SET size = 1 WHERE uid = 2`);
    const { problems } = await fx.store.check();
    const expected = `Delivered-To: user${alice.id}\r\ntwo\r\n`.length;
    expect(problems).toContain(`message UID 2 in mailbox "INBOX" of user "alice": size is 1, expected ${expected}`);
  });

  it('repairs what it reports, after which the store checks clean', async () => {
    raw(`UPDATE mailboxes SET messages = 0, unseen = 9, uid_next = 1 WHERE user_id = ${alice.id}`);
    raw('UPDATE bodies SET refcount = 0');
    raw("INSERT INTO bodies (bytes, size, refcount) VALUES (X'01', 1, 0)");
    const report = await fx.store.check({ repair: true });
    expect(report.repaired).toBe(true);
    expect(report.problems.length).toBeGreaterThan(5);
    expect((await fx.store.check()).problems).toEqual([]);
    expect((await fx.store.getMailbox(alice.id, 'INBOX')).uidNext).toBe(3);
    expect(fx.store.db.prepare('SELECT refcount FROM bodies ORDER BY id').all()).toEqual([{ refcount: 2 }, { refcount: 1 }]);
  });
});

describe('backup', () => {
  it('produces a file that opens and passes check', async () => {
    const target = join(fx.dir, 'backup.sqlite');
    const result = await fx.store.backup(target);
    expect(result.path).toBe(target);
    expect(existsSync(`${target}.partial`)).toBe(false);
    const copy = await openSqliteStore({ path: target });
    try {
      expect((await copy.check({ integrity: true })).problems).toEqual([]);
      const user = await copy.findUser('alice');
      expect(user?.id).toBe(alice.id);
      const inbox = await copy.getMailbox(alice.id, 'INBOX');
      expect((await copy.readMessage(alice.id, inbox.id, 2)).toString()).toContain('two\r\n');
    } finally {
      await copy.close();
    }
  });
});
