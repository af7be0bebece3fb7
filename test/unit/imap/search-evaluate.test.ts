// The SEARCH evaluator against a real SqliteStore (RFC 9051 §6.4.4, RFC 3501 NEW/OLD/RECENT, RFC 7162 MODSEQ;
// SPEC R7.4): every kind of key, nesting, decoded headers, SENT* days, and the narrowing that keeps dear keys
// (header reads, the full-text index) away from messages a cheap key already excluded.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { MailboxView } from '../../../src/imap/mailbox-view.js';
import type { SearchKey } from '../../../src/imap/protocol/types.js';
import { confiningUids, evaluate, usesModseq } from '../../../src/imap/search/evaluate.js';
import { sentDay } from '../../../src/imap/search/match.js';
import { searchSource } from '../../../src/imap/search/source.js';
import type { MailboxInfo, User } from '../../../src/store/types.js';
import { CREDENTIALS, delivery, openFixture, type Fixture } from '../store/store-fixture.js';

const MSG1 = [
  'From: =?utf-8?q?J=C3=B6rg_M=C3=BCller?= <jorg@example.com>',
  'To: team@example.com',
  'Subject: Quarterly report',
  'Date: Tue, 1 Jul 2003 23:52:37 -0700 (PDT)',
  '',
  'The numbers look fine.',
  '',
].join('\r\n');
const MSG2 = [
  'From: alice@example.org',
  'To: bob@example.net',
  'Cc: Carol <carol@example.net>',
  'Subject: =?iso-8859-1?q?caf=E9_au_lait?=',
  'Date: 15 Mar 24 08:00 +0000',
  '',
  'Lunch at noon?',
  '',
].join('\r\n');
const MSG3 = ['From: dave@example.com', 'Subject: no date here', 'X-Folded: first', ' second line', '', 'x'.repeat(2000), ''].join('\r\n');

let fx: Fixture;
let alice: User;
let inbox: MailboxInfo;
let view: MailboxView;

beforeEach(async () => {
  fx = await openFixture();
  alice = await fx.store.createUser('alice', CREDENTIALS);
  inbox = await fx.store.getMailbox(alice.id, 'INBOX');
  const { store } = fx;
  await store.append(alice.id, inbox.id, { raw: Buffer.from(MSG1), internalDate: new Date('2024-05-01T12:00:00Z') }); // UID 1
  await store.append(alice.id, inbox.id, { raw: Buffer.from(MSG2), flags: ['\\Seen', '\\Flagged'], internalDate: new Date('2024-05-02T00:30:00Z') }); // UID 2
  await store.append(alice.id, inbox.id, { raw: Buffer.from(MSG3), flags: ['$Label'], internalDate: new Date('2024-05-03T23:59:00Z') }); // UID 3
  view = new MailboxView(await store.getMailbox(alice.id, 'INBOX'), await store.listUids(alice.id, inbox.id), (record) => store.changes.subscribe(inbox.id, record), {
    tls: true,
    readOnly: false,
    condstore: () => false,
    recentFrom: (through) => store.claimRecent(alice.id, inbox.id, through),
  });
  // UID 4 arrives while selected: this session claims it as recent (RFC 3501 §2.3.2), with a trace prefix.
  await store.deliver(delivery('From: erin@example.com\r\nSubject: Late arrival\r\n\r\nhello world\r\n', [alice.id]));
  await view.claimRecent();
  view.flush({ allowExpunge: true, uidInFetch: false });
});
afterEach(async () => {
  view.close();
  await fx.cleanup();
});

async function run(key: SearchKey, wideMin?: number): Promise<number[]> {
  const src = await searchSource(fx.store, alice.id, view, undefined, undefined, wideMin);
  return evaluate(key, [...src.candidates], src);
}

const header = (field: string, value: string): SearchKey => ({ kind: 'header', field, value });
const flag = (f: string, set = true): SearchKey => ({ kind: 'flag', flag: f, set });
const day = (year: number, month: number, d: number) => ({ year, month, day: d });
const uidSet = (from: number, to: number): SearchKey => ({ kind: 'uid', set: { kind: 'set', ranges: [{ from, to }] } });

describe('keys answered from metadata and the view', () => {
  it('ALL, flags, keywords (case-insensitive), and their negations', async () => {
    expect(await run({ kind: 'ALL' })).toEqual([1, 2, 3, 4]);
    expect(await run(flag('\\Seen'))).toEqual([2]);
    expect(await run(flag('\\Seen', false))).toEqual([1, 3, 4]);
    expect(await run(flag('\\Flagged'))).toEqual([2]);
    expect(await run(flag('$label'))).toEqual([3]);
    expect(await run(flag('$Label', false))).toEqual([1, 2, 4]);
  });

  it('RECENT, NEW and OLD follow the session (RFC 3501 §6.4.4)', async () => {
    expect(await run({ kind: 'RECENT' })).toEqual([4]);
    expect(await run({ kind: 'NEW' })).toEqual([4]);
    expect(await run({ kind: 'OLD' })).toEqual([1, 2, 3]);
    await fx.store.setFlags(alice.id, inbox.id, [4], 'add', ['\\Seen']);
    expect(await run({ kind: 'NEW' })).toEqual([]);
  });

  it('INTERNALDATE days in UTC: BEFORE, ON, SINCE', async () => {
    expect(await run({ kind: 'date', which: 'internal', op: 'on', date: day(2024, 5, 2) })).toEqual([2]);
    expect(await run({ kind: 'date', which: 'internal', op: 'before', date: day(2024, 5, 2) })).toEqual([1, 4]);
    expect(await run({ kind: 'date', which: 'internal', op: 'since', date: day(2024, 5, 2) })).toEqual([2, 3]);
  });

  it('LARGER and SMALLER compare RFC822.SIZE strictly', async () => {
    const metas = await fx.store.listMessages(alice.id, inbox.id);
    const size2 = metas.find((m) => m.uid === 2)!.size;
    expect(await run({ kind: 'size', op: 'larger', n: 1000 })).toEqual([3]);
    expect(await run({ kind: 'size', op: 'smaller', n: size2 })).not.toContain(2);
    expect(await run({ kind: 'size', op: 'larger', n: size2 - 1 })).toContain(2);
  });

  it('sequence and UID sets, out-of-range numbers matching nothing, and MODSEQ', async () => {
    expect(await run({ kind: 'seq', set: { kind: 'set', ranges: [{ from: 2, to: 3 }] } })).toEqual([2, 3]);
    expect(await run({ kind: 'seq', set: { kind: 'set', ranges: [{ from: 4, to: 9 }] } })).toEqual([4]);
    expect(await run(uidSet(3, Infinity))).toEqual([3, 4]);
    expect(await run(uidSet(100, Infinity))).toEqual([4]);
    const { changed } = await fx.store.setFlags(alice.id, inbox.id, [1], 'add', ['\\Answered']);
    expect(await run({ kind: 'MODSEQ', modseq: changed[0]!.modseq })).toEqual([1]);
    expect(usesModseq({ kind: 'not', key: { kind: 'MODSEQ', modseq: 1 } })).toBe(true);
    expect(usesModseq({ kind: 'ALL' })).toBe(false);
  });
});

describe('header keys match decoded values, case-insensitively', () => {
  it('FROM, TO, CC, SUBJECT, HEADER over RFC 2047 words in UTF-8 and Latin-1', async () => {
    expect(await run(header('From', 'jörg müller'))).toEqual([1]);
    expect(await run(header('From', 'JORG@EXAMPLE'))).toEqual([1]);
    expect(await run(header('Subject', 'CAFÉ AU'))).toEqual([2]);
    expect(await run(header('Cc', 'carol'))).toEqual([2]);
    expect(await run(header('To', 'example'))).toEqual([1, 2]);
    expect(await run(header('Bcc', 'anyone'))).toEqual([]);
  });

  it('HEADER with an empty string matches every message having the field; folded values are unfolded', async () => {
    expect(await run(header('cc', ''))).toEqual([2]);
    expect(await run(header('X-Folded', 'first second'))).toEqual([3]);
  });

  it('searches the served header, trace prefix included', async () => {
    expect(await run(header('Delivered-To', `user${alice.id}`))).toEqual([4]);
  });
});

describe('SENT* dates', () => {
  it('use the day written in the Date: header, disregarding its zone; INTERNALDATE when there is none', async () => {
    expect(await run({ kind: 'date', which: 'sent', op: 'on', date: day(2003, 7, 1) })).toEqual([1]);
    expect(await run({ kind: 'date', which: 'sent', op: 'on', date: day(2024, 3, 15) })).toEqual([2]);
    expect(await run({ kind: 'date', which: 'sent', op: 'before', date: day(2024, 1, 1) })).toEqual([1]);
    expect(await run({ kind: 'date', which: 'sent', op: 'on', date: day(2024, 5, 3) })).toEqual([3]);
  });

  it('parses RFC 5322 dates, with obsolete two-digit years', () => {
    expect(sentDay('Tue, 1 Jul 2003 10:52:37 +0200')).toEqual(day(2003, 7, 1));
    expect(sentDay('15 Mar 24 08:00 +0000')).toEqual(day(2024, 3, 15));
    expect(sentDay('1 Jan 99 00:00 GMT')).toEqual(day(1999, 1, 1));
    expect(sentDay('not a date')).toBeNull();
    expect(sentDay(null)).toBeNull();
  });
});

describe('BODY and TEXT come from the full-text index only', () => {
  it('matches substrings of decoded text without reading any message', async () => {
    const read = vi.spyOn(fx.store, 'readMessage');
    const index = vi.spyOn(fx.store, 'searchText');
    expect(await run({ kind: 'BODY', value: 'NUMBERS LOOK' })).toEqual([1]);
    expect(await run({ kind: 'BODY', value: 'Quarterly' })).toEqual([]);
    expect(await run({ kind: 'TEXT', value: 'quarterly' })).toEqual([1]);
    expect(await run({ kind: 'BODY', value: '' })).toEqual([1, 2, 3, 4]);
    expect(read).not.toHaveBeenCalled();
    expect(index).toHaveBeenCalledTimes(3);
  });
});

describe('nesting and narrowing', () => {
  it('NOT, OR and AND combine', async () => {
    expect(await run({ kind: 'not', key: header('From', 'example.com') })).toEqual([2]);
    expect(await run({ kind: 'or', a: flag('\\Seen'), b: header('Subject', 'late') })).toEqual([2, 4]);
    const nested: SearchKey = {
      kind: 'and',
      keys: [{ kind: 'or', a: flag('$Label'), b: { kind: 'RECENT' } }, { kind: 'not', key: { kind: 'BODY', value: 'hello' } }],
    };
    expect(await run(nested)).toEqual([3]);
  });

  it('reads headers only of the messages the cheap keys leave', async () => {
    const fields = vi.spyOn(fx.store, 'searchFields');
    const read = vi.spyOn(fx.store, 'readMessage');
    expect(await run({ kind: 'and', keys: [header('From', 'example'), flag('\\Flagged')] })).toEqual([2]);
    expect(fields.mock.calls.map((c) => c[2])).toEqual([[2]]);
    expect(read).not.toHaveBeenCalled(); // FROM, TO, CC, BCC, SUBJECT: the store's search fields, no header read
    expect(await run({ kind: 'and', keys: [header('X-Folded', 'second'), flag('$Label')] })).toEqual([3]);
    expect(read.mock.calls.map((c) => c[2])).toEqual([3]);
    read.mockClear();
    fields.mockClear();
    expect(await run({ kind: 'and', keys: [header('Subject', 'x'), flag('\\Draft')] })).toEqual([]);
    expect(await run({ kind: 'and', keys: [header('X-Folded', 'x'), flag('\\Draft')] })).toEqual([]);
    expect(read).not.toHaveBeenCalled();
    expect(fields).not.toHaveBeenCalled();
  });

  it('many candidates: header, date and flag keys read no message metadata; only the keys that need it do (issue 14 item 5)', async () => {
    const list = vi.spyOn(fx.store, 'listMessages');
    const sent = { kind: 'date', which: 'sent', op: 'since', date: day(2003, 7, 1) } as const;
    const since = { kind: 'date', which: 'internal', op: 'since', date: day(2024, 5, 2) } as const;
    expect(await run({ kind: 'and', keys: [header('From', 'example'), sent, since, uidSet(1, 4)] }, 0)).toEqual([2, 3]);
    expect(await run({ kind: 'not', key: header('Subject', 'report') }, 0)).toEqual([2, 3, 4]);
    expect(list).not.toHaveBeenCalled();
    expect(await run({ kind: 'and', keys: [header('From', 'example.org'), flag('\\Flagged'), flag('$label', false)] }, 0)).toEqual([2]);
    expect(list).not.toHaveBeenCalled(); // flags and keywords: in SQL too
    expect(await run({ kind: 'and', keys: [header('From', 'example.org'), { kind: 'size', op: 'larger', n: 1 }] }, 0)).toEqual([2]);
    expect(list).toHaveBeenCalledTimes(1); // the size key, cheapest, first: once for the candidates
  });

  it('the view current: its messages are the candidates, no UID listed; one another session expunged is none (issue 14 item 6)', async () => {
    const listing = vi.spyOn(fx.store, 'searchListing');
    const listed = async (): Promise<number[] | null> => (await listing.mock.results.at(-1)!.value).uids;
    const src = await searchSource(fx.store, alice.id, view);
    expect(src.candidates).toEqual([1, 2, 3, 4]);
    expect(await listed()).toBeNull(); // counted, not listed
    // Another session expunges UID 2: this view holds it until a flush may announce it (RFC 3501 §7.4.1).
    await fx.store.setFlags(alice.id, inbox.id, [2], 'add', ['\\Deleted']);
    await fx.store.expunge(alice.id, inbox.id, { uids: [2] });
    expect(view.allUids()).toEqual([1, 2, 3, 4]);
    expect(await run({ kind: 'not', key: flag('\\Draft') })).toEqual([1, 3, 4]);
    expect(await run({ kind: 'ALL' })).toEqual([1, 3, 4]);
    expect(await listed()).toEqual([1, 3, 4]);
    view.flush({ allowExpunge: true, uidInFetch: false });
    // Arrivals the view has not taken in yet do not stop the count: the store's messages up to UID 4 are the view's.
    await fx.store.deliver(delivery('From: tls@example.com\r\n\r\nprivate\r\n', [alice.id], { requireTls: true })); // UID 5
    expect(await run({ kind: 'not', key: flag('\\Draft') })).toEqual([1, 3, 4]);
    expect(await listed()).toBeNull();
    view.flush({ allowExpunge: true, uidInFetch: false });
    const now = await searchSource(fx.store, alice.id, view);
    expect(await listed()).toBeNull();
    expect([now.candidates, now.requireTls]).toEqual([[1, 3, 4, 5], [5]]); // R3.4: the REQUIRETLS ones, counted or listed
  });

  it('a day key or ALL that every candidate matches answers with the candidates themselves: no copy, no merge (issue 14 item 6)', async () => {
    const src = await searchSource(fx.store, alice.id, view, undefined, undefined, 0);
    const candidates = [...src.candidates];
    const since = { kind: 'date', which: 'internal', op: 'since', date: day(2024, 1, 1) } as const;
    expect(await src.dayMatches(candidates, 'internal', 'since', day(2024, 1, 1))).toBe(candidates);
    expect(await evaluate(since, candidates, src)).toBe(candidates);
    expect(await evaluate({ ...since, which: 'sent', date: day(2000, 1, 1) }, candidates, src)).toBe(candidates);
    expect(await evaluate({ kind: 'ALL' }, candidates, src)).toBe(candidates);
    expect(await evaluate({ ...since, date: day(2024, 5, 2) }, candidates, src)).toEqual([2, 3]);
  });

  it('a top-level UID set confines the listing', async () => {
    expect(confiningUids({ kind: 'and', keys: [flag('\\Seen'), uidSet(2, 3)] }, view.allUids())).toEqual([2, 3]);
    expect(confiningUids({ kind: 'or', a: uidSet(1, 1), b: uidSet(2, 2) }, view.allUids())).toBeNull();
  });
});
