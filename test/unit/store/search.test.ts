// searchText (SPEC R7.4, RFC 9051 §6.4.4 BODY / TEXT): case-insensitive substring search of decoded text from
// the trigram index (SQLite: FTS5 in its own file; PostgreSQL: pg_trgm), narrowed by an exact check; short
// queries; mailbox scoping; index rows freed with their body; `check` unaffected. On every backend.
import Database from 'better-sqlite3';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { textIndexPath } from '../../../src/store/sqlite/text-index/text-db.js';
import type { MailboxInfo, User } from '../../../src/store/types.js';
import { checkProblems } from './backend-sql.js';
import { describeBackends, type BackendFixture } from './backends.js';
import { CREDENTIALS, delivery } from './store-fixture.js';

describeBackends('searchText', (open) => {
  let fx: BackendFixture;
  let alice: User;
  let inbox: MailboxInfo;
  beforeEach(async () => {
    fx = await open();
    alice = await fx.store.createUser('alice', CREDENTIALS);
    inbox = await fx.store.getMailbox(alice.id, 'INBOX');
    const messages = [
      'Subject: =?UTF-8?Q?R=C3=A9union?= du lundi\r\n\r\nLet us meet on Monday.\r\n',
      'Subject: plain\r\nContent-Type: text/plain; charset=iso-8859-1\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\nGr=FC=DFe aus K=F6ln\r\n',
      'Subject: html\r\nContent-Type: text/html\r\n\r\n<p>Tom &amp; <b>Jerry</b></p>\r\n',
      'Subject: attachment\r\nContent-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\n\r\nsee file\r\n--b\r\nContent-Type: application/octet-stream\r\nContent-Transfer-Encoding: base64\r\n\r\n' +
        Buffer.from('secret binary words').toString('base64') +
        '\r\n--b--\r\n',
    ];
    for (const raw of messages) await fx.store.append(alice.id, inbox.id, { raw: Buffer.from(raw, 'latin1') });
  });
  afterEach(async () => {
    await fx.cleanup();
  });

  const search = (text: string, where: 'body' | 'text' = 'body') => fx.store.searchText(alice.id, inbox.id, text, where);

  it('finds case-insensitive substrings of decoded bodies', async () => {
    expect(await search('MEET ON')).toEqual([1]);
    expect(await search('grüße aus köln')).toEqual([2]);
    expect(await search('tom & jerry')).toEqual([3]);
    expect(await search('see file')).toEqual([4]);
    expect(await search('secret')).toEqual([]); // not a text part
    expect(await search('<b>')).toEqual([]); // HTML tags are not text
  });

  it('searches decoded header values only for TEXT', async () => {
    expect(await search('réunion', 'body')).toEqual([]);
    expect(await search('RÉUNION', 'text')).toEqual([1]);
    expect(await search('subject: html', 'text')).toEqual([3]);
    expect(await search('e', 'text')).toEqual([1, 2, 3, 4]);
  });

  it('narrows trigram hits to exact substrings', async () => {
    // Every trigram of "let meet" occurs in message 1 ("let", "et ", "mee", "eet" ...) but the string does not.
    expect(await search('let meet')).toEqual([]);
    expect(await search('us meet')).toEqual([1]);
  });

  it('answers queries shorter than a trigram from the text itself', async () => {
    expect(await search('ö')).toEqual([2]);
    expect(await search('&')).toEqual([3]);
    expect(await search('zq')).toEqual([]);
    expect(await search('')).toEqual([1, 2, 3, 4]);
  });

  it('is scoped to the mailbox and follows copies, expunges and freed bodies', async () => {
    const other = await fx.store.createMailbox(alice.id, 'Other');
    await fx.store.copy(alice.id, inbox.id, [2], other.id);
    expect(await fx.store.searchText(alice.id, other.id, 'köln', 'body')).toEqual([1]);
    await fx.store.setFlags(alice.id, inbox.id, [1, 2], 'add', ['\\Deleted']);
    await fx.store.expunge(alice.id, inbox.id);
    expect(await search('köln')).toEqual([]);
    expect(await fx.store.searchText(alice.id, other.id, 'köln', 'body')).toEqual([1]);
    // SQLite: the index (its own file) drops a freed body's row when it next catches up: here, at the next search.
    // PostgreSQL: the row goes with its body.
    const rows = async (): Promise<number> => {
      if (fx.backend === 'postgres') return (await fx.store.pool.query<{ n: number }>('SELECT count(*)::bigint AS n FROM body_text')).rows[0]!.n;
      const db = new Database(textIndexPath(fx.store.db.name), { readonly: true });
      try {
        return db.prepare('SELECT COUNT(*) FROM body_text').pluck().get() as number;
      } finally {
        db.close();
      }
    };
    expect(await rows()).toBe(3); // message 1's body is gone with its index row; message 2's is still referenced
    await fx.store.deleteMailbox(alice.id, 'Other');
    expect(await search('köln')).toEqual([]);
    expect(await rows()).toBe(2);
    expect(await checkProblems(fx)).toEqual([]);
  });

  it('treats FTS5 and LIKE syntax in the query as text', async () => {
    expect(await search('" OR "')).toEqual([]);
    expect(await search('m%t')).toEqual([]);
    expect(await search('m_et')).toEqual([]);
    expect(await search('m\\')).toEqual([]);
    expect(await search('%')).toEqual([]);
    expect(await search('_')).toEqual([]);
    expect(await search('meet*')).toEqual([]);
    expect(await search('NEAR(a b)')).toEqual([]);
  });

  it('indexes one delivery body once for all recipients', async () => {
    const bob = await fx.store.createUser('bob', CREDENTIALS);
    await fx.store.deliver(delivery('Subject: x\r\n\r\nshared words\r\n', [alice.id, bob.id]));
    const bobInbox = await fx.store.getMailbox(bob.id, 'INBOX');
    expect(await search('shared')).toEqual([5]);
    expect(await fx.store.searchText(bob.id, bobInbox.id, 'shared', 'body')).toEqual([1]);
    expect(await fx.store.searchText(bob.id, bobInbox.id, 'köln', 'body')).toEqual([]);
  });
});
