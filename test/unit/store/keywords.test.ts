// The per-mailbox keyword list (RFC 9051 §7.3.5 FLAGS; issue 13 item 2): kept in the transaction of every
// write that brings a keyword (STORE, APPEND, delivery, COPY, MOVE, RENAME of INBOX), only growing, first
// spelling kept, published on the feed before the change that uses the new keyword, backfilled by migration.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { MailboxChange } from '../../../src/store/changes.js';
import { describeBackends, type BackendFixture } from './backends.js';
import { sqlValue } from './backend-sql.js';
import { CREDENTIALS, delivery, withStoreBeforeMigration } from './store-fixture.js';

describeBackends('keywords', (open) => {
  let fx: BackendFixture;
  beforeEach(async () => {
    fx = await open();
  });
  afterEach(async () => {
    await fx.cleanup();
  });

  const MSG = { raw: Buffer.from('Subject: k\r\n\r\nx\r\n') };

  async function keywordsOf(userId: number, name: string): Promise<string[]> {
    const opened = await fx.store.openMailbox(userId, name, () => undefined);
    opened.close();
    return opened.keywords;
  }

  describe('mailbox keyword list', () => {
    it('grows with STORE, APPEND, delivery, COPY and MOVE, never shrinks, first spelling kept', async () => {
      const user = await fx.store.createUser('a', CREDENTIALS);
      const inbox = await fx.store.getMailbox(user.id, 'INBOX');
      const archive = await fx.store.getMailbox(user.id, 'Archive');
      await fx.store.deliver(delivery('Subject: 1\r\n\r\nx\r\n', [user.id]));
      expect(await keywordsOf(user.id, 'INBOX')).toEqual([]);
      await fx.store.setFlags(user.id, inbox.id, [1], 'add', ['$Work', '\\Seen']);
      await fx.store.append(user.id, inbox.id, { ...MSG, flags: ['$work', 'Later'] });
      await fx.store.deliver({ ...delivery('Subject: 3\r\n\r\nx\r\n', []), recipients: [{ userId: user.id, prefix: Buffer.alloc(0), flags: ['$Junk'] }] });
      expect(await keywordsOf(user.id, 'INBOX')).toEqual(['$Work', 'Later', '$Junk']);
      await fx.store.setFlags(user.id, inbox.id, [1, 2, 3], 'replace', []);
      expect(await keywordsOf(user.id, 'INBOX')).toEqual(['$Work', 'Later', '$Junk']); // as Dovecot: only grows
      await fx.store.append(user.id, archive.id, { ...MSG, flags: ['Moved'] });
      await fx.store.append(user.id, archive.id, { ...MSG, flags: ['Copied'] });
      await fx.store.copy(user.id, archive.id, [2], inbox.id);
      await fx.store.move(user.id, archive.id, [1], inbox.id);
      expect(await keywordsOf(user.id, 'INBOX')).toEqual(['$Work', 'Later', '$Junk', 'Copied', 'Moved']);
      await fx.store.renameMailbox(user.id, 'INBOX', 'Old');
      // RENAME of INBOX moves its messages to a new mailbox: their keywords go with them.
      expect(await keywordsOf(user.id, 'Old')).toEqual(['Copied', 'Moved']);
    });

    it('publishes the new list before the change that uses it, and nothing when no keyword is new', async () => {
      const user = await fx.store.createUser('a', CREDENTIALS);
      const inbox = await fx.store.getMailbox(user.id, 'INBOX');
      await fx.store.append(user.id, inbox.id, MSG);
      const seen: MailboxChange[] = [];
      const stop = fx.store.changes.subscribe(inbox.id, (c) => seen.push(c));
      await fx.store.setFlags(user.id, inbox.id, [1], 'add', ['$A']);
      await fx.store.append(user.id, inbox.id, { ...MSG, flags: ['$a', '$B'] });
      await fx.store.setFlags(user.id, inbox.id, [1], 'add', ['$B']);
      stop();
      expect(seen.map((c) => (c.kind === 'keywords' ? `keywords ${c.keywords.join(',')}` : c.kind))).toEqual([
        'keywords $A',
        'flags',
        'keywords $A,$B',
        'exists',
        'flags',
      ]);
    });

    it('goes with its mailbox', async () => {
      const user = await fx.store.createUser('a', CREDENTIALS);
      const box = await fx.store.createMailbox(user.id, 'Tmp');
      await fx.store.append(user.id, box.id, { ...MSG, flags: ['$Tmp'] });
      await fx.store.deleteMailbox(user.id, 'Tmp');
      expect(await sqlValue<number>(fx, 'SELECT count(*) AS n FROM mailbox_keywords')).toBe(0);
    });
  });
});

describe('migration of mailbox keywords', () => {
  it('lists the keywords of the mail already stored, per mailbox, first spelling kept', async () => {
    await withStoreBeforeMigration(
      'mailbox-keywords',
      "INSERT INTO mailboxes (user_id, name, uid_validity, uid_next, highest_modseq) VALUES (1, 'INBOX', 1, 4, 2);" +
        "INSERT INTO mailboxes (user_id, name, uid_validity, uid_next, highest_modseq) VALUES (1, 'Other', 2, 2, 2);" +
        "INSERT INTO bodies (bytes, size) VALUES (CAST('Subject: old\r\n\r\nbody\r\n' AS BLOB), 22);" +
        "INSERT INTO messages (mailbox_id, uid, modseq, keywords, internal_date, size, body_id, prefix) VALUES (1, 1, 2, '$Work Later', 0, 22, 1, X'');" +
        "INSERT INTO messages (mailbox_id, uid, modseq, keywords, internal_date, size, body_id, prefix) VALUES (1, 2, 2, '', 0, 22, 1, X'');" +
        "INSERT INTO messages (mailbox_id, uid, modseq, keywords, internal_date, size, body_id, prefix) VALUES (1, 3, 2, '$Junk $work', 0, 22, 1, X'');" +
        "INSERT INTO messages (mailbox_id, uid, modseq, keywords, internal_date, size, body_id, prefix) VALUES (2, 1, 2, 'Solo', 0, 22, 1, X'');",
      async (store) => {
        const inbox = await store.openMailbox(1, 'INBOX', () => undefined);
        inbox.close();
        expect(inbox.keywords).toEqual(['$Work', 'Later', '$Junk']);
        const other = await store.openMailbox(1, 'Other', () => undefined);
        other.close();
        expect(other.keywords).toEqual(['Solo']);
      },
    );
  });
});
