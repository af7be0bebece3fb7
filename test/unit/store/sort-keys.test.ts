// sortKeys (issue 15 item 4; RFC 5256 §2, RFC 5957; migrations/0014): what SORT and THREAD compare is kept per
// body at ingest (deliver and APPEND); bodies without a row (stored before 0014) or with a row of another
// version are computed on first need and stored; a trace prefix that holds a keyed field is read as served. On
// every backend.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { computeSortKeys, prefixKeepsKeys, SORT_KEYS_VERSION } from '../../../src/store/sqlite/sort-keys.js';
import type { MailboxInfo, User } from '../../../src/store/types.js';
import { sqlRows } from './backend-sql.js';
import { describeBackends, type BackendFixture } from './backends.js';
import { CREDENTIALS, delivery } from './store-fixture.js';

const MESSAGE = [
  'From: =?utf-8?q?Zo=C3=AB?= <Zoe@Example.org>',
  'To: team: a@x, b@y;',
  'Subject: Re: [list] Fwd: Plans (fwd)',
  'Date: Tue, 1 Jul 2003 10:52:37 +0200',
  'Message-ID: <m1@x>',
  'In-Reply-To: <p@x>',
  '',
  'body',
].join('\r\n');

describeBackends('sortKeys', (open) => {
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

  const rows = () => sqlRows<{ body_id: number; version: number }>(fx, 'SELECT body_id, version FROM body_sort_keys ORDER BY body_id');
  /** Runs SQL that changes the fixture's database. */
  const exec = async (sql: string): Promise<void> => {
    if (fx.backend === 'sqlite') fx.store.db.exec(sql);
    else await fx.store.pool.query(sql);
  };
  const ALL = { from: 1, to: Number.MAX_SAFE_INTEGER };
  /** The keys of the inbox's messages by UID. */
  const keysByUid = async (span = ALL) => new Map((await fx.store.sortKeys(alice.id, inbox.id, span)).map((m) => [m.uid, m]));

  it('are stored at delivery and APPEND, and read without parsing', async () => {
    await fx.store.deliver(delivery(MESSAGE, [alice.id]));
    await fx.store.append(alice.id, inbox.id, { raw: Buffer.from('Subject: appended\r\n\r\nx') });
    expect((await rows()).map((r) => r.version)).toEqual([SORT_KEYS_VERSION, SORT_KEYS_VERSION]);
    const keys = await keysByUid();
    expect(keys.get(1)).toEqual({
      uid: 1,
      internalDate: Date.parse('2024-05-01T12:00:00Z'),
      size: expect.any(Number),
      keys: {
        subject: 'PLANS',
        isReply: true,
        from: { mailbox: 'ZOE', display: 'ZOë' },
        to: { mailbox: 'A', display: 'A@X' },
        cc: { mailbox: '', display: '' },
        sent: Date.UTC(2003, 6, 1, 8, 52, 37),
        messageId: '<m1@x>',
        references: ['<p@x>'],
      },
    });
    expect(keys.get(2)?.keys.subject).toBe('APPENDED');
    expect((await fx.store.sortKeys(alice.id, inbox.id, { from: 2, to: 2 })).length).toBe(1);
  });

  it('bodies stored before 0014 (no row) or by another version are computed on first need and stored', async () => {
    await fx.store.deliver(delivery(MESSAGE, [alice.id]));
    await fx.store.deliver(delivery('Subject: second\r\n\r\nx', [alice.id]));
    const expected = await fx.store.sortKeys(alice.id, inbox.id, ALL);
    await exec('DELETE FROM body_sort_keys WHERE body_id = (SELECT min(body_id) FROM body_sort_keys)');
    await exec("UPDATE body_sort_keys SET version = 0, subject = 'STALE'");
    expect((await rows()).length).toBe(1);
    expect(await fx.store.sortKeys(alice.id, inbox.id, ALL)).toEqual(expected);
    expect((await rows()).map((r) => r.version)).toEqual([SORT_KEYS_VERSION, SORT_KEYS_VERSION]);
  });

  it('a trace prefix holding a keyed field is read as the message is served; a Received prefix is not', async () => {
    await fx.store.deliver({
      ...delivery(MESSAGE, [alice.id]),
      recipients: [
        { userId: alice.id, prefix: Buffer.from('Received: from a\r\n\tby b; Mon, 1 Jan 2024 10:00:00 +0000\r\nReturn-Path: <r@x>\r\n') },
      ],
    });
    await fx.store.deliver({
      ...delivery(MESSAGE, [alice.id]),
      recipients: [{ userId: alice.id, prefix: Buffer.from('Subject: Prefixed\r\nReferences: <q@x>\r\n') }],
    });
    const keys = await keysByUid();
    expect(keys.get(1)?.keys.subject).toBe('PLANS');
    expect(keys.get(2)?.keys).toMatchObject({ subject: 'PREFIXED', isReply: false, references: ['<q@x>'], messageId: '<m1@x>' });
  });
});
