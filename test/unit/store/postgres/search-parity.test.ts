// The PostgreSQL store's SEARCH, SORT and text answers equal the SQLite store's, the reference (issue 18; SPEC R7.4;
// RFC 9051 §6.4.4, RFC 5256, RFC 8970): the same mail (trace prefixes that change a field, unreadable dates,
// encoded words, flags, zones) delivered to both, then every search-side call compared, unsure lists and `except`
// answers included.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SEARCH_FIELD_NAMES, type SearchFieldName } from '../../../../src/mime/header-search.js';
import type { Store } from '../../../../src/store/store.js';
import type { MailboxSearchKey, MessageSortKeys, SimpleSortKey, SortKeyNeed, UidRange } from '../../../../src/store/types.js';
import { pgAvailable } from '../../../support/postgres.js';
import { BACKENDS, type BackendFixture } from '../backends.js';
import { CREDENTIALS, delivery } from '../store-fixture.js';

const FROMS = ['Alice <alice@example.com>', '=?utf-8?q?J=C3=B6rg_M=C3=BCller?= <jorg@x.org>', 'BOB@EXAMPLE.NET', 'Cafe\u0301 <c@x.test>', 'a "quote" \\ <q@x>'];
const SUBJECTS = ['Quarterly report', '=?iso-8859-1?q?caf=E9_au_lait?=', 'Re: report', 'tab\there', '50% off_now'];
const DATES = ['Tue, 1 Jan 2024 23:52:37 -0700', '2 Jan 24 00:30 +0530', 'not a date', '31 Dec 2023 12:00 +0000'];
const PREFIXES = [
  '',
  'Delivered-To: a@x\r\n',
  'Received: from mx (mx [192.0.2.1])\r\n\tby y; Mon, 1 Jan 2024 10:00:00 +0000\r\n',
  'From: prefixed@evil.test\r\n',
  'fROM : Mixed@x.test\r\nSubject: in the prefix\r\n',
  'X-Open: no line end',
  'X-A: 1\r\n\r\n',
  ' folded start\r\n',
  'X-A: 1\r\n\u000bfrom: vt@x.test\r\n',
  'Return-Path: <r@x>\r\nTo: prefix-to@x.test\r\nMessage-ID: <p@x>\r\n',
  'X-B: 2\r\nfrom: lower@x.test\r\nSUBJECT: upper\r\nDate: 3 Jan 2024 01:00 +0000\r\n',
];
const NEEDLES = ['alice', 'alice@', 'jörg', 'café', 'report', 'evil', 'mixed', 'x.test', '"quote" \\', '', 'prefix', 'vt@', 'lower', 'upper', '%', '_', 'ab', 'nul\u0000'];
const COUNT = 44;
/** The UID of the message holding NUL (after COUNT deliveries and one APPEND). */
const NUL_UID = COUNT + 2;
const NUL_MESSAGE = [
  'From: =?utf-8?q?Nul=00Name?= <nul@x.test>',
  'Subject: =?utf-8?q?nul=00subject?=',
  'Message-ID: <nul=?utf-8?q?=00?=id@x>',
  'References: <m1@x>',
  'Content-Type: text/plain; charset=utf-8',
  'Content-Transfer-Encoding: quoted-printable',
  '',
  'text with a nul=00inside and a report',
  '',
].join('\r\n');

function raw(i: number): string {
  const lines = [
    `From: ${FROMS[i % FROMS.length]}`,
    `To: t${i % 3}@example.com${i % 4 === 0 ? ', other@x.test' : ''}`,
    `Subject: ${SUBJECTS[(i * 3) % SUBJECTS.length]}`,
    `Date: ${DATES[i % DATES.length]}`,
    `Message-ID: <m${i % 7}@x>`,
    ...(i % 2 === 0 ? [`References: <m${(i + 1) % 7}@x> <p@x>`] : []),
    ...(i % 5 === 0 ? ['Cc: carol@example.org'] : []),
    '',
    i % 3 === 0 ? `Body ${i}: the REPORT says ok\u00e9` : `plain text ${i} lunch`,
    '',
  ];
  return lines.join('\r\n');
}

describe.skipIf(!pgAvailable)('PostgreSQL search answers equal SQLite ones', () => {
  const fixtures: BackendFixture[] = [];
  const ids: Array<{ user: number; inbox: number }> = [];

  beforeAll(async () => {
    for (const backend of BACKENDS) {
      const f = await backend.open();
      fixtures.push(f);
      const user = await f.store.createUser('alice', CREDENTIALS);
      const inbox = await f.store.getMailbox(user.id, 'INBOX');
      ids.push({ user: user.id, inbox: inbox.id });
      for (let i = 0; i < COUNT; i++) {
        const d = delivery(raw(i), [user.id], { internalDate: new Date(Date.UTC(2023, 11, 30 + (i % 6), (i * 7) % 24)), requireTls: i % 9 === 0 });
        d.recipients[0]!.prefix = Buffer.from(PREFIXES[i % PREFIXES.length]!);
        d.recipients[0]!.flags = i % 4 === 1 ? ['\\Seen', 'Work'] : i % 4 === 2 ? ['\\Flagged'] : [];
        await f.store.deliver(d);
      }
      await f.store.append(user.id, inbox.id, { raw: Buffer.from(raw(3)), internalZone: 330, internalDate: new Date(Date.UTC(2024, 0, 1, 20)) });
      // NUL, which PostgreSQL text cannot hold: in a decoded subject and display name, a msg-id, the decoded text.
      // (A raw NUL in the header is left out: the stored renderings cannot hold it either, pg-writes' part.)
      await f.store.append(user.id, inbox.id, { raw: Buffer.from(NUL_MESSAGE), internalDate: new Date(Date.UTC(2024, 0, 2, 3)) });
    }
  }, 120_000);
  afterAll(async () => {
    for (const f of fixtures) await f.cleanup();
  });

  /** `call` on both stores; both answers. */
  async function both<T>(call: (store: Store, user: number, mailbox: number) => Promise<T>): Promise<[T, T]> {
    const out: T[] = [];
    for (const [i, f] of fixtures.entries()) out.push(await call(f.store, ids[i]!.user, ids[i]!.inbox));
    return [out[0]!, out[1]!];
  }
  async function same<T>(call: (store: Store, user: number, mailbox: number) => Promise<T>): Promise<void> {
    const [sqlite, postgres] = await both(call);
    expect(postgres).toEqual(sqlite);
  }

  const SPANS: UidRange[] = [
    { from: 1, to: Number.MAX_SAFE_INTEGER },
    { from: 1, to: 10 },
    { from: 11, to: COUNT + 2 },
    { from: 7, to: 7 },
  ];

  it('listings', async () => {
    await same((s, u, m) => s.searchListing(u, m));
    await same((s, u, m) => s.searchListing(u, m, [{ from: 5, to: 9 }, { from: 40, to: Infinity }]));
    await same((s, u, m) => s.searchListing(u, m, undefined, { through: COUNT + 1, count: COUNT + 1 }));
    await same((s, u, m) => s.searchListing(u, m, undefined, { through: 10, count: 9 }));
  });

  it('field keys, day keys and flags', async () => {
    const keys: MailboxSearchKey[] = [];
    for (const field of ['from', 'to', 'cc', 'bcc', 'subject', 'message-id', 'references'] as SearchFieldName[]) {
      for (const needle of NEEDLES) keys.push({ kind: 'field', field, needle });
    }
    for (const kind of ['sent-day', 'internal-day'] as const) {
      for (const op of ['before', 'on', 'since'] as const) for (const day of [20231229, 20231231, 20240101, 20240102, 20240103, 20240110]) keys.push({ kind, op, day });
    }
    for (const flag of ['\\Seen', '\\flagged', '\\Deleted', 'work', 'Wor']) keys.push({ kind: 'flag', flag });
    for (const key of keys) {
      for (const span of SPANS) {
        const [sqlite, postgres] = await both((s, u, m) => s.searchKey(u, m, key, span));
        // `rest`: the SQLite trigram path answered beyond the span as well; within it, the answers must agree.
        if (sqlite.rest) {
          const inSpan = (uid: number): boolean => uid >= span.from && uid <= span.to;
          sqlite.hits = sqlite.hits.filter(inSpan);
          sqlite.unsure = sqlite.unsure.filter(inSpan);
          delete sqlite.rest;
        }
        // The message holding NUL: the PostgreSQL store keeps a stale row for it (unsure, its values computed).
        const pgOwn = { hits: postgres.hits.filter((u) => u !== NUL_UID), unsure: postgres.unsure.filter((u) => u !== NUL_UID) };
        const sqliteOwn = { hits: sqlite.hits.filter((u) => u !== NUL_UID), unsure: sqlite.unsure.filter((u) => u !== NUL_UID) };
        expect({ key, span, ...postgres, ...pgOwn }).toEqual({ key, span, ...sqlite, ...sqliteOwn });
        if (postgres.hits.includes(NUL_UID) || sqlite.hits.includes(NUL_UID) || sqlite.unsure.includes(NUL_UID)) {
          expect(postgres.hits.includes(NUL_UID) === sqlite.hits.includes(NUL_UID) || postgres.unsure.includes(NUL_UID)).toBe(true);
        }
      }
    }
  });

  it('search fields and msg-ids', async () => {
    const uids = Array.from({ length: COUNT + 4 }, (_, i) => i + 1);
    await same((s, u, m) => s.searchFields(u, m, uids, [...SEARCH_FIELD_NAMES]));
    await same((s, u, m) => s.searchFields(u, m, [5, 1, 9], ['subject']));
    for (const field of ['message-id', 'in-reply-to', 'references'] as const) {
      for (const token of ['<m1@x>', '<p@x>', '<nothing@x>', '<nul\u0000id@x>']) {
        const [sqlite, postgres] = await both((s, u, m) => s.searchIds(u, m, field, token));
        // The message holding NUL is unsure in PostgreSQL (its row is stale), whatever SQLite's index says of it.
        expect(postgres.unsure).toContain(NUL_UID);
        expect({ hits: postgres.hits.filter((u) => u !== NUL_UID), unsure: postgres.unsure.filter((u) => u !== NUL_UID) }).toEqual({
          hits: sqlite.hits.filter((u) => u !== NUL_UID),
          unsure: sqlite.unsure.filter((u) => u !== NUL_UID),
        });
      }
    }
  });

  it('sort keys and single-key orders', async () => {
    const needs: Array<SortKeyNeed[] | undefined> = [undefined, ['sent'], ['subject', 'from'], ['thread'], ['to', 'cc']];
    for (const need of needs) {
      for (const span of SPANS) {
        const [sqlite, postgres] = await both((s, u, m) => s.sortKeys(u, m, span, need));
        // The message holding NUL has a stale row in PostgreSQL: all its keys are computed, as SQLite does for a
        // message whose row may not serve; the keys asked for are the same.
        const asked = (m: MessageSortKeys | undefined) => {
          if (!m || need === undefined) return m;
          const k = m.keys;
          const parts = need.map((n) =>
            n === 'thread' ? [k.subject, k.isReply, k.sent, k.messageId, k.references] : n === 'sent' ? k.sent : n === 'subject' ? k.subject : k[n],
          );
          return { uid: m.uid, internalDate: m.internalDate, size: m.size, parts };
        };
        expect(postgres.map(asked)).toEqual(sqlite.map(asked));
        expect(postgres.filter((m) => m.uid !== NUL_UID)).toEqual(sqlite.filter((m) => m.uid !== NUL_UID));
      }
    }
    for (const key of ['ARRIVAL', 'SIZE', 'DATE'] as SimpleSortKey[]) {
      for (const reverse of [false, true]) {
        for (const span of [...SPANS, { from: 1, to: 2 }]) await same((s, u, m) => s.sortedUids(u, m, span, key, reverse));
      }
    }
  });

  it('text search and previews', async () => {
    for (const needle of ['report', 'REPORT says', 'lunch', 'ok\u00e9', 'é', 'subject: re', 'x', '', 'jörg', 'no such text', 'a nul', 'subject']) {
      for (const where of ['body', 'text'] as const) await same((s, u, m) => s.searchText(u, m, needle, where));
    }
    // A needle holding NUL (the SQLite store's FTS5 query rejects it: "unterminated string"), PostgreSQL only.
    const pg = fixtures[1]!.store;
    expect(await pg.searchText(ids[1]!.user, ids[1]!.inbox, 'NUL\u0000INSIDE', 'body')).toEqual([NUL_UID]);
    expect(await pg.searchText(ids[1]!.user, ids[1]!.inbox, 'nul\u0000subject', 'body')).toEqual([]);
    expect(await pg.searchText(ids[1]!.user, ids[1]!.inbox, 'nul\u0000subject', 'text')).toEqual([NUL_UID]);
    const uids = Array.from({ length: COUNT + 3 }, (_, i) => COUNT + 3 - i);
    await same((s, u, m) => s.previews(u, m, uids, false));
  });
});
