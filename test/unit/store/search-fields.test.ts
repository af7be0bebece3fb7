// searchFields (SPEC R7.4, RFC 9051 §6.4.4; migrations/0003): what SEARCH FROM/TO/CC/BCC/SUBJECT and SENT*
// compare is extracted from a body's header at ingest (deliver and APPEND), shared by copies, freed with its
// body, computed and stored on first need for bodies without a row (stored before 0003, or by another
// version), and equal to what the served header (trace prefix included) gives, whatever the prefix holds. The
// store-level suite runs on every backend.
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { findBodyStart } from '../../../src/mime/header.js';
import { MAX_SEARCH_HEADER_BYTES, SEARCH_FIELD_NAMES, searchFieldValues, sentDay } from '../../../src/mime/header-search.js';
import { parseFields } from '../../../src/mime/header.js';
import { openDatabase } from '../../../src/store/sqlite/database.js';
import { loadMigrations, migrate } from '../../../src/store/sqlite/migrate.js';
import { bodySearchFields, prefixIsInert, SEARCH_FIELDS_VERSION, servedSearchValues } from '../../../src/store/search-field-extract.js';
import { SqliteStore } from '../../../src/store/sqlite/sqlite-store.js';
import type { MailboxInfo, SearchFieldName, User } from '../../../src/store/types.js';
import { checkProblems, sqlRows } from './backend-sql.js';
import { describeBackends, type BackendFixture } from './backends.js';
import { CREDENTIALS, delivery, tempDir } from './store-fixture.js';

const ALL: SearchFieldName[] = [...SEARCH_FIELD_NAMES];
/** The msg-id fields of a header that has none. */
const NO_IDS = { 'message-id': [], 'in-reply-to': [], references: [] };
const crlf = (lines: string[]) => lines.join('\r\n');

const ENCODED = crlf([
  'From: =?utf-8?q?J=C3=B6rg_M=C3=BCller?= <jorg@example.com>',
  'To: team@example.com',
  'To: =?ISO-8859-1?Q?Andr=E9?= <andre@example.com>',
  'Subject: =?UTF-8?B?R3LDvMOfZQ==?= and a',
  '  folded REPORT',
  'Date: Tue, 1 Jul 2003 23:52:37 -0700 (PDT)',
  '',
  'body',
  '',
]);

describe('bodySearchFields (pure)', () => {
  it('decodes RFC 2047 display names and subjects, keeps several To fields, unfolds, reads the Date day', () => {
    const head = Buffer.from(ENCODED);
    const f = bodySearchFields(head);
    expect(f.values).toEqual({
      from: ['jörg müller <jorg@example.com>'],
      to: ['team@example.com', 'andré <andre@example.com>'],
      cc: [],
      bcc: [],
      subject: ['grüsse and a  folded report'],
      ...NO_IDS,
    });
    expect(f.sentDay).toEqual({ year: 2003, month: 7, day: 1 });
    expect(f.headerLen).toBe(findBodyStart(head, 0, head.length));
    expect(f.folds).toBe(false);
    expect(bodySearchFields(head, findBodyStart(head, 0, head.length))).toEqual(f);
  });

  it('has no values for missing fields and no day without a readable Date', () => {
    expect(bodySearchFields(Buffer.from('X-Only: this\r\n\r\nbody')).values).toEqual({ from: [], to: [], cc: [], bcc: [], subject: [], ...NO_IDS });
    expect(bodySearchFields(Buffer.from('Date: yesterday\r\n\r\n')).sentDay).toBeNull();
    expect(bodySearchFields(Buffer.from('Date: 5 Mar 2024 08:00\r\n\r\n')).sentDay).toEqual({ year: 2024, month: 3, day: 5 });
    expect(bodySearchFields(Buffer.alloc(0))).toEqual({
      headerLen: 0,
      folds: false,
      values: { from: [], to: [], cc: [], bcc: [], subject: [], ...NO_IDS },
      sentDay: null,
    });
  });

  it('reads a header without a blank line to its end, and at most MAX_SEARCH_HEADER_BYTES of a long one', () => {
    expect(bodySearchFields(Buffer.from('Subject: no body')).values.subject).toEqual(['no body']);
    const long = Buffer.from(`X-Pad: ${'p'.repeat(MAX_SEARCH_HEADER_BYTES)}\r\nFrom: late@x\r\n\r\n`);
    const f = bodySearchFields(long);
    expect(f.headerLen).toBe(MAX_SEARCH_HEADER_BYTES);
    expect(f.values.from).toEqual([]);
  });

  it('notes a first line that would continue a prefix\'s last field', () => {
    expect(bodySearchFields(Buffer.from(' From: x@y\r\n\r\n')).folds).toBe(true);
    expect(bodySearchFields(Buffer.from('\tx\r\n\r\n')).folds).toBe(true);
  });
});

describe('prefixIsInert (pure)', () => {
  const body = { headerLen: 100, folds: false };
  const STAMP = crlf([
    'Return-Path: <s@example.net>',
    'Delivered-To: alice@example.org',
    'Authentication-Results: mx.example.org; spf=pass smtp.mailfrom=example.net;',
    ' dkim=none',
    'Received: from mta.test (localhost [127.0.0.1])',
    '\tby mx.example.org (Postern) with LMTP id Q1',
    '',
  ]);

  it('accepts no prefix and a trace prefix as delivery writes it', () => {
    expect(prefixIsInert('', 0, body)).toBe(true);
    expect(prefixIsInert(STAMP, STAMP.length, body)).toBe(true);
    expect(prefixIsInert('delivered-to: x\n', 16, body)).toBe(true);
    // Names that start like a searched one (R for References, T for To) but are not one.
    expect(prefixIsInert('Toto: t\r\nRESENT-To: r\r\nIn-Reply-Tox: i\r\n', 40, body)).toBe(true);
  });

  it.each([
    ['a field that may be searched', 'From: trace@x\r\n'],
    ['one in lower case', 'Delivered-To: a\r\nsubject: s\r\n'],
    ['a msg-id field', 'Message-ID: <t@x>\r\n'],
    ['a folded msg-id field', 'X: a\r\nreferences : <a@x>\r\n <b@x>\r\n'],
    ['a line of a searched initial without a colon', 'Received: x\r\nto be continued\r\n'],
    ['a line not starting with a letter', 'X: a\r\n\u000bFrom: b\r\n'],
    ['a first line starting with white space', ' From: x\r\n'],
    ['a blank line', 'X: a\r\n\r\nY: b\r\n'],
    ['a bare blank line', 'X: a\n\nY: b\n'],
    ['an unterminated last line', 'X: a'],
    ['non-ASCII', 'X: a\r\n\u00e9: b\r\n'],
  ])('refuses %s', (_what, prefix) => {
    expect(prefixIsInert(prefix, Buffer.byteLength(prefix), body)).toBe(false);
  });

  it('refuses a body that would continue its last field, and a served header longer than is read', () => {
    expect(prefixIsInert('X: a\r\n', 6, { headerLen: 10, folds: true })).toBe(false);
    expect(prefixIsInert('X: a\r\n', 6, { headerLen: MAX_SEARCH_HEADER_BYTES - 6, folds: false })).toBe(true);
    expect(prefixIsInert('X: a\r\n', 6, { headerLen: MAX_SEARCH_HEADER_BYTES - 5, folds: false })).toBe(false);
  });

  it('servedSearchValues reads the prefix and the body header as one header', () => {
    expect(servedSearchValues(Buffer.from('From: trace@x\r\n'), Buffer.from('From: body@x\r\n\r\n')).from).toEqual(['trace@x', 'body@x']);
    expect(servedSearchValues(Buffer.from('X: a\r\n'), Buffer.from(' From: folded\r\n\r\n')).from).toEqual([]);
    expect(servedSearchValues(Buffer.from('X: a\r\n\r\n'), Buffer.from('From: after@x\r\n\r\n')).from).toEqual([]);
  });
});

describeBackends('searchFields', (open) => {
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

  const rows = (): Promise<Array<{ body_id: number; version: number }>> =>
    sqlRows<{ body_id: number; version: number }>(fx, 'SELECT body_id, version FROM body_search_fields ORDER BY body_id');
  /** Runs SQL that changes the fixture's database. */
  const exec = async (sql: string): Promise<void> => {
    if (fx.backend === 'sqlite') fx.store.db.exec(sql);
    else await fx.store.pool.query(sql);
  };

  /** What SEARCH read before migration 0003: the served header, decoded (the reference the store must match). */
  async function servedReference(mailboxId: number, uid: number): Promise<Record<SearchFieldName, string[]>> {
    const structure = (await fx.store.messageStructures(alice.id, mailboxId, [uid])).get(uid)!;
    const length = Math.min(structure.prefixLength + structure.mime.root.bodyStart, MAX_SEARCH_HEADER_BYTES);
    const header = await fx.store.readMessage(alice.id, mailboxId, uid, { offset: 0, length });
    return searchFieldValues(parseFields(header, 0, header.length, MAX_SEARCH_HEADER_BYTES));
  }

  it('is stored at delivery and APPEND, read back with the sent day, one row per body shared by copies', async () => {
    await fx.store.deliver(delivery(ENCODED, [alice.id]));
    const { uid } = await fx.store.append(alice.id, inbox.id, { raw: Buffer.from('Subject: appended\r\n\r\nx') });
    const other = await fx.store.createMailbox(alice.id, 'Other');
    await fx.store.copy(alice.id, inbox.id, [1, uid], other.id);
    expect(await rows()).toEqual([
      { body_id: expect.any(Number), version: SEARCH_FIELDS_VERSION },
      { body_id: expect.any(Number), version: SEARCH_FIELDS_VERSION },
    ]);
    const map = await fx.store.searchFields(alice.id, inbox.id, [1, 2, 99], ALL);
    expect([...map.keys()].sort()).toEqual([1, 2]);
    expect(map.get(1)).toEqual({ values: bodySearchFields(Buffer.from(ENCODED)).values, sentDay: { year: 2003, month: 7, day: 1 } });
    expect(map.get(2)).toEqual({ values: { from: [], to: [], cc: [], bcc: [], subject: ['appended'], ...NO_IDS }, sentDay: null });
    expect((await fx.store.searchFields(alice.id, other.id, [1, 2], ['subject'])).get(2)).toEqual({ values: { subject: ['appended'] }, sentDay: null });
  });

  it('returns only the values asked for, and the sent day always', async () => {
    await fx.store.deliver(delivery(ENCODED, [alice.id]));
    expect((await fx.store.searchFields(alice.id, inbox.id, [1], [])).get(1)).toEqual({ values: {}, sentDay: { year: 2003, month: 7, day: 1 } });
    expect((await fx.store.searchFields(alice.id, inbox.id, [1], ['to'])).get(1)?.values).toEqual({
      to: ['team@example.com', 'andré <andre@example.com>'],
    });
  });

  it('includes fields of the trace prefix, and a prefix that changes how the body header reads', async () => {
    const cases: Array<[string, string]> = [
      ['From: trace@example.net\r\n', 'From: body@example.com\r\nSubject: s\r\n\r\nx'],
      ['X-Trace: a\r\n', ' From: continued@example.com\r\nFrom: own@example.com\r\n\r\nx'],
      ['X-Trace: a\r\n\r\n', 'From: hidden@example.com\r\n\r\nx'],
      ['X-Trace: no end', 'From: joined@example.com\r\nTo: t@example.com\r\n\r\nx'],
      ['Delivered-To: alice\r\n', 'From: plain@example.com\r\n\r\nx'],
      ['X-Trace: a\r\n\u0000\r\nFrom: after-nul@example.net\r\n', 'From: body@example.com\r\n\r\nx'],
      ['X-Trace: \u00e9\r\nX-More: \u00ff\u00fe\r\n', 'From: latin1-prefix@example.com\r\n\r\nx'],
    ];
    for (const [prefix, body] of cases) {
      const input = delivery(body, [alice.id]);
      input.recipients[0]!.prefix = Buffer.from(prefix, 'latin1');
      await fx.store.deliver(input);
    }
    const map = await fx.store.searchFields(alice.id, inbox.id, [1, 2, 3, 4, 5, 6, 7], ALL);
    expect(map.get(1)?.values.from).toEqual(['trace@example.net', 'body@example.com']);
    expect(map.get(2)?.values.from).toEqual(['own@example.com']);
    expect(map.get(3)?.values.from).toEqual([]);
    expect(map.get(4)?.values.from).toEqual([]);
    expect(map.get(4)?.values.to).toEqual(['t@example.com']);
    expect(map.get(5)?.values.from).toEqual(['plain@example.com']);
    expect(map.get(6)?.values.from).toEqual(['after-nul@example.net', 'body@example.com']);
    expect(map.get(7)?.values.from).toEqual(['latin1-prefix@example.com']);
    for (let uid = 1; uid <= 7; uid++) expect(map.get(uid)?.values).toEqual(await servedReference(inbox.id, uid));
  });

  it('reads sparse UIDs by list and dense ones by range alike', async () => {
    for (let i = 1; i <= 100; i++) await fx.store.append(alice.id, inbox.id, { raw: Buffer.from(`Subject: n${i}\r\n\r\nx`) });
    const dense = await fx.store.searchFields(alice.id, inbox.id, Array.from({ length: 90 }, (_, i) => i + 5), ['subject']);
    expect([...dense.keys()]).toHaveLength(90);
    expect(dense.get(50)?.values.subject).toEqual(['n50']);
    expect(dense.has(4)).toBe(false);
    const sparse = await fx.store.searchFields(alice.id, inbox.id, [3, 97, 1000], ['subject']);
    expect([...sparse.keys()].sort((a, b) => a - b)).toEqual([3, 97]);
  });

  it('computes and stores the row of a body that has none (as before migration 0003), or of another version', async () => {
    await fx.store.deliver(delivery(ENCODED, [alice.id]));
    const expected = await fx.store.searchFields(alice.id, inbox.id, [1], ALL);
    await exec('DELETE FROM body_search_fields');
    expect(await fx.store.searchFields(alice.id, inbox.id, [1], ALL)).toEqual(expected);
    expect(await rows()).toEqual([{ body_id: expect.any(Number), version: SEARCH_FIELDS_VERSION }]);
    await exec("UPDATE body_search_fields SET version = -1, from_values = '[\"bogus\"]', sent_day = 19000101");
    expect(await fx.store.searchFields(alice.id, inbox.id, [1], ALL)).toEqual(expected);
    expect((await rows())[0]?.version).toBe(SEARCH_FIELDS_VERSION);
  });

  it('is freed with its body', async () => {
    await fx.store.append(alice.id, inbox.id, { raw: Buffer.from(ENCODED) });
    expect(await rows()).toHaveLength(1);
    await fx.store.expunge(alice.id, inbox.id, { uids: [1], force: true });
    expect(await rows()).toEqual([]);
    expect(await checkProblems(fx)).toEqual([]);
  });

  it('refuses another user\'s mailbox', async () => {
    const bob = await fx.store.createUser('bob', CREDENTIALS);
    await expect(fx.store.searchFields(bob.id, inbox.id, [1], ALL)).rejects.toMatchObject({ kind: 'not-found' });
  });
});

describe('a store migrated from before 0003', () => {
  it('computes rows for its bodies on first need, stores them, and searches them like new ones', async () => {
    const tmp = tempDir();
    const db = openDatabase(join(tmp.dir, 'old.sqlite'));
    try {
      migrate(db, loadMigrations().slice(0, 2));
      db.exec(`INSERT INTO users (name, name_key, scrypt, scram_salt, scram_iterations, scram_stored_key, scram_server_key, created_at)
               VALUES ('old', 'old', 's', 's', 1, 'k', 'k', 0);
               INSERT INTO mailboxes (user_id, name, uid_validity, uid_next) VALUES (1, 'INBOX', 1, 3);`);
      const raw = Buffer.from(ENCODED);
      const body = db.prepare('INSERT INTO bodies (bytes, size) VALUES (?, ?) RETURNING id').get(raw, raw.length) as { id: number };
      const insert = db.prepare('INSERT INTO messages (mailbox_id, uid, modseq, internal_date, size, body_id, prefix) VALUES (1, ?, 1, 0, ?, ?, ?)');
      insert.run(1, raw.length, body.id, Buffer.alloc(0));
      insert.run(2, raw.length + 22, body.id, Buffer.from('From: trace@example.net\r\n').subarray(0, 22));
      migrate(db);
      const store = new SqliteStore(db);
      // migrations/0018 gives the body a placeholder row of version 0, recomputed on first need.
      const versions = db.prepare('SELECT version FROM body_search_fields').pluck();
      expect(versions.all()).toEqual([0]);
      const map = await store.searchFields(1, 1, [1, 2], ALL);
      expect(map.get(1)).toEqual({ values: bodySearchFields(raw).values, sentDay: sentDay('1 Jul 2003') });
      // That prefix lacks its line end: the body's first field continues its own.
      expect(map.get(2)?.values.from?.[0]).toBe('trace@example.nefrom: jörg müller <jorg@example.com>');
      expect(map.get(2)?.values.to).toEqual(['team@example.com', 'andré <andre@example.com>']);
      expect(versions.all()).toEqual([SEARCH_FIELDS_VERSION]);
      expect(await store.searchFields(1, 1, [1, 2], ALL)).toEqual(map);
      expect((await store.check()).problems).toEqual([]);
    } finally {
      db.close();
      tmp.cleanup();
    }
  });
});
