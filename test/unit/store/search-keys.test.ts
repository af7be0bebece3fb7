// SEARCH and SORT over a whole mailbox from the columns kept at ingest (SPEC R7.4; RFC 9051 §6.4.4, RFC 5256; issue
// 14 items 5-6, issue 15 item 4): searchListing, searchKey (fields, days, flags), searchIds and sortedUids answer
// alike on every backend, trace prefixes that may change a field listed as unsure.
import { afterEach, beforeEach, expect, it } from 'vitest';
import type { MailboxInfo, User } from '../../../src/store/types.js';
import { describeBackends, type BackendFixture } from './backends.js';
import { CREDENTIALS, delivery } from './store-fixture.js';

const message = (from: string, subject: string, date: string, extra = ''): string =>
  `From: ${from}\r\nSubject: ${subject}\r\nDate: ${date}\r\n${extra}\r\nbody of ${subject}\r\n`;

describeBackends('searchKey, searchListing, searchIds, sortedUids', (open) => {
  let f: BackendFixture;
  let alice: User;
  let inbox: MailboxInfo;
  const ALL = { from: 1, to: Number.MAX_SAFE_INTEGER };

  beforeEach(async () => {
    f = await open();
    alice = await f.store.createUser('alice', CREDENTIALS);
    inbox = await f.store.getMailbox(alice.id, 'INBOX');
    const put = async (raw: string, opts: { prefix?: string; date?: string; requireTls?: boolean; flags?: string[] } = {}) => {
      const d = delivery(raw, [alice.id], { internalDate: new Date(opts.date ?? '2024-05-01T12:00:00Z'), requireTls: opts.requireTls ?? false });
      d.recipients[0]!.prefix = Buffer.from(opts.prefix ?? 'Delivered-To: alice\r\n');
      if (opts.flags) d.recipients[0]!.flags = opts.flags;
      await f.store.deliver(d);
    };
    await put(message('Alice <alice@example.com>', 'Quarterly report', 'Tue, 2 Jan 2024 10:00:00 +0000', 'Message-ID: <one@x>\r\n'), { date: '2024-01-02T10:00:00Z' });
    await put(message('bob@example.net', 'Lunch', 'Wed, 3 Jan 2024 10:00:00 +0000', 'In-Reply-To: <one@x>\r\n'), {
      date: '2024-01-03T10:00:00Z',
      flags: ['\\Seen', 'Work'],
    });
    await put(message('carol@example.org', 'Re: report', 'not a date'), { prefix: 'From: trace@evil.test\r\n', date: '2024-01-05T10:00:00Z', requireTls: true });
    await put(message('dave@example.org', 'ordinary', 'Fri, 5 Jan 2024 10:00:00 +0000', 'Message-ID: <four@x>\r\n'), {
      prefix: 'Message-ID: <fake@x>\r\nDate: Mon, 1 Jan 2024 00:00:00 +0000\r\n',
      date: '2024-01-04T10:00:00Z',
    });
  });
  afterEach(async () => {
    await f.cleanup();
  });

  it('lists UIDs and the REQUIRETLS ones, and answers a held listing without listing', async () => {
    expect(await f.store.searchListing(alice.id, inbox.id)).toEqual({ uids: [1, 2, 3, 4], requireTls: [3] });
    expect(await f.store.searchListing(alice.id, inbox.id, [{ from: 3, to: Infinity }, { from: 1, to: 1 }])).toEqual({ uids: [1, 3, 4], requireTls: [3] });
    expect(await f.store.searchListing(alice.id, inbox.id, undefined, { through: 4, count: 4 })).toEqual({ uids: null, requireTls: [3] });
    expect(await f.store.searchListing(alice.id, inbox.id, undefined, { through: 4, count: 5 })).toEqual({ uids: [1, 2, 3, 4], requireTls: [3] });
  });

  it('matches a field from the stored values, a prefix that may change it unsure', async () => {
    expect(await f.store.searchKey(alice.id, inbox.id, { kind: 'field', field: 'subject', needle: 'report' }, ALL)).toEqual({ hits: [1, 3], unsure: [] });
    expect(await f.store.searchKey(alice.id, inbox.id, { kind: 'field', field: 'from', needle: 'example.org' }, ALL)).toEqual({ hits: [4], unsure: [3] });
    expect(await f.store.searchKey(alice.id, inbox.id, { kind: 'field', field: 'from', needle: '' }, { from: 1, to: 2 })).toEqual({ hits: [1, 2], unsure: [] });
    expect(await f.store.searchKey(alice.id, inbox.id, { kind: 'field', field: 'subject', needle: '%' }, ALL)).toEqual({ hits: [], unsure: [] });
    expect(await f.store.searchKey(alice.id, inbox.id, { kind: 'field', field: 'cc', needle: '' }, ALL)).toEqual({ hits: [], unsure: [] });
  });

  it('matches days and flags', async () => {
    const sentSince = await f.store.searchKey(alice.id, inbox.id, { kind: 'sent-day', op: 'since', day: 20240103 }, ALL);
    // Message 3's Date cannot be read: its INTERNALDATE's day (the 5th) counts.
    expect(sentSince.except ? [1, 2, 3, 4].filter((u) => !sentSince.hits.includes(u)) : sentSince.hits).toEqual([2, 3, 4]);
    expect(sentSince.unsure).toEqual([]);
    const on = await f.store.searchKey(alice.id, inbox.id, { kind: 'internal-day', op: 'on', day: 20240104 }, ALL);
    expect(on.except ? [1, 2, 3, 4].filter((u) => !on.hits.includes(u)) : on.hits).toEqual([4]);
    const before = await f.store.searchKey(alice.id, inbox.id, { kind: 'internal-day', op: 'before', day: 20240104 }, ALL);
    expect(before.except ? [1, 2, 3, 4].filter((u) => !before.hits.includes(u)) : before.hits).toEqual([1, 2, 3].filter((u) => u !== 3));
    expect(await f.store.searchKey(alice.id, inbox.id, { kind: 'flag', flag: '\\seen' }, ALL)).toEqual({ hits: [2], unsure: [] });
    expect(await f.store.searchKey(alice.id, inbox.id, { kind: 'flag', flag: 'WORK' }, ALL)).toEqual({ hits: [2], unsure: [] });
    expect(await f.store.searchKey(alice.id, inbox.id, { kind: 'flag', flag: 'Wor' }, ALL)).toEqual({ hits: [], unsure: [] });
  });

  it('finds msg-ids through their index, a prefix naming the field unsure', async () => {
    expect(await f.store.searchIds(alice.id, inbox.id, 'message-id', '<one@x>')).toEqual({ hits: [1], unsure: [4] });
    expect(await f.store.searchIds(alice.id, inbox.id, 'in-reply-to', '<one@x>')).toEqual({ hits: [2], unsure: [] });
    expect((await f.store.searchIds(alice.id, inbox.id, 'message-id', '<four@x>')).unsure).toEqual([4]);
    expect(await f.store.searchIds(alice.id, inbox.id, 'references', '<one@x>')).toEqual({ hits: [], unsure: [] });
  });

  it('orders by one key in SQL, and gives up on DATE when a prefix may change a sent date', async () => {
    expect(await f.store.sortedUids(alice.id, inbox.id, ALL, 'ARRIVAL', false)).toEqual([1, 2, 4, 3]);
    expect(await f.store.sortedUids(alice.id, inbox.id, ALL, 'ARRIVAL', true)).toEqual([3, 4, 2, 1]);
    expect(await f.store.sortedUids(alice.id, inbox.id, { from: 1, to: 3 }, 'DATE', false)).toEqual([1, 2, 3]);
    expect(await f.store.sortedUids(alice.id, inbox.id, { from: 1, to: 3 }, 'DATE', true)).toEqual([3, 2, 1]);
    expect(await f.store.sortedUids(alice.id, inbox.id, ALL, 'DATE', false)).toBeNull();
    const sizes = await f.store.sortedUids(alice.id, inbox.id, ALL, 'SIZE', false);
    const bySize = (await f.store.listMessages(alice.id, inbox.id)).sort((a, b) => a.size - b.size || a.uid - b.uid).map((m) => m.uid);
    expect(sizes).toEqual(bySize);
    const keys = await f.store.sortKeys(alice.id, inbox.id, ALL, ['sent']);
    expect(keys.map((k) => k.keys.sent)).toEqual([Date.UTC(2024, 0, 2, 10), Date.UTC(2024, 0, 3, 10), null, Date.UTC(2024, 0, 1)]);
    expect(keys[0]?.keys.subject).toBe(''); // not asked for
  });

  it('refuses another user\'s mailbox', async () => {
    const bob = await f.store.createUser('bob', CREDENTIALS);
    await expect(f.store.searchKey(bob.id, inbox.id, { kind: 'flag', flag: '\\Seen' }, ALL)).rejects.toMatchObject({ kind: 'not-found' });
    await expect(f.store.searchText(bob.id, inbox.id, 'x', 'body')).rejects.toMatchObject({ kind: 'not-found' });
    await expect(f.store.sortedUids(bob.id, inbox.id, ALL, 'ARRIVAL', false)).rejects.toMatchObject({ kind: 'not-found' });
  });
});
