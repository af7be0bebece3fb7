// SORT and THREAD read only the keys their criteria compare, decide in SQL whether a message's stored row serves
// (trace prefix shape, a LIKE per keyed name, learnt once per message) and order a single DATE/ARRIVAL/SIZE key
// in SQLite (issue 15 item 4; RFC 5256 §2-§3, RFC 5957): over random messages (Date, Subject, From,
// Message-ID, References) behind random trace prefixes that do and do not touch the keyed fields (some of
// unknown shape, some rows stale or missing), every read, SORT order and thread list equals a naive reference
// computed from each message's served header (prefix then message, as FETCH shows it).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { sortItems, type SortItem } from '../../../src/imap/sort/order.js';
import { formatThreads, orderedSubject, referencesThreads } from '../../../src/imap/sort/threads.js';
import type { SortKeys } from '../../../src/mime/sort-keys.js';
import type { SortCriterion } from '../../../src/imap/protocol/types.js';
import { computeSortKeys } from '../../../src/store/sqlite/sort-keys.js';
import type { SimpleSortKey, SortKeyNeed } from '../../../src/store/types.js';
import { CREDENTIALS, delivery, openFixture } from '../../unit/store/store-fixture.js';

const IDS = ['<a@x>', '<b@x>', '<c@x>'];
const PREFIXES = [
  '',
  'Return-Path: <r@x>\r\nDelivered-To: bob@x\r\nReceived: from a\r\n\tby b; Mon, 1 Jan 2024 10:00:00 +0000\r\n',
  'Delivered-To: bob@x\r\n',
  'Date: Tue, 2 Jan 2024 10:00:00 +0000\r\n',
  'DATE : Wed, 3 Jan 2024 10:00:00 +0000\r\n',
  'Received: x\r\ndate: Thu, 4 Jan 2024 10:00:00 +0000\r\n',
  'Dates: no field of ours\r\n',
  'Subject: Re: prefixed\r\n',
  'X-Subject: not keyed\r\n',
  'References: <c@x>\r\n',
  'Return-Path: <r@x>\r\nIn-Reply-To: <b@x>\r\n',
  'Message-ID: <b@x>\r\n',
  'From: Zed <z@x>\r\nTo: t@x\r\n',
  'CC: c@x\r\n',
  'Foo without colon\r\n',
  'Received: a\r\n\r\n',
  ' Subject: continues nothing\r\n',
];

const message = fc.record({
  date: fc.option(fc.integer({ min: 0, max: 6 }).map((d) => `Date: ${1 + d} Feb 2024 0${d}:00:00 +0000`), { nil: null }),
  subject: fc.option(fc.constantFrom('hello', 'Re: hello', 'Fwd: other', 'other', '', 'Re: [list] ÉTÉ'), { nil: null }),
  from: fc.option(fc.constantFrom('Alice <a@x>', 'bob@y', '"Émile" <e@z>', 'group: ;'), { nil: null }),
  to: fc.option(fc.constantFrom('t@x', 'Uma <u@y>'), { nil: null }),
  messageId: fc.option(fc.constantFrom(...IDS), { nil: null }),
  references: fc.array(fc.constantFrom(...IDS), { maxLength: 3 }),
  prefix: fc.constantFrom(...PREFIXES),
  day: fc.integer({ min: 0, max: 3 }),
  pad: fc.nat({ max: 40 }),
  unshaped: fc.boolean(),
  stale: fc.constantFrom('current', 'current', 'current', 'stale', 'missing'),
});
type Message = typeof message extends fc.Arbitrary<infer T> ? T : never;

function raw(m: Message): string {
  const lines = [
    ...(m.date === null ? [] : [m.date]),
    ...(m.subject === null ? [] : [`Subject: ${m.subject}`]),
    ...(m.from === null ? [] : [`From: ${m.from}`]),
    ...(m.to === null ? [] : [`To: ${m.to}`]),
    ...(m.messageId === null ? [] : [`Message-ID: ${m.messageId}`]),
    ...(m.references.length === 0 ? [] : [`References: ${m.references.join(' ')}`]),
  ];
  return `${lines.join('\r\n')}\r\n\r\nbody${'x'.repeat(m.pad)}\r\n`;
}

/** What each need compares, the rest left as the store leaves it. */
function project(k: SortKeys, need: readonly SortKeyNeed[]): Partial<SortKeys> {
  const out: Partial<SortKeys> = {};
  if (need.includes('sent')) out.sent = k.sent;
  if (need.includes('subject')) out.subject = k.subject;
  if (need.includes('from')) out.from = k.from;
  if (need.includes('to')) out.to = k.to;
  if (need.includes('cc')) out.cc = k.cc;
  if (need.includes('thread')) Object.assign(out, { subject: k.subject, isReply: k.isReply, sent: k.sent, messageId: k.messageId, references: k.references });
  return out;
}

const NEEDS: ReadonlyArray<readonly SortKeyNeed[]> = [['sent'], ['subject'], ['from'], ['to', 'cc'], ['thread'], ['subject', 'from', 'sent'], []];
const CRITERIA: ReadonlyArray<readonly SortCriterion[]> = [
  [{ key: 'SUBJECT', reverse: false }],
  [{ key: 'FROM', reverse: true }, { key: 'DATE', reverse: false }],
  [{ key: 'DISPLAYTO', reverse: false }, { key: 'CC', reverse: false }],
  [{ key: 'SIZE', reverse: true }, { key: 'ARRIVAL', reverse: false }],
];
const NEED_OF: Record<string, SortKeyNeed> = { DATE: 'sent', SUBJECT: 'subject', FROM: 'from', DISPLAYFROM: 'from', TO: 'to', DISPLAYTO: 'to', CC: 'cc' };

describe('sort keys as served, read by need', () => {
  it('equal the keys parsed from each served header, for every read, SORT and THREAD', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(message, { minLength: 1, maxLength: 12 }), fc.nat({ max: 3 }), async (messages, expunge) => {
        const fx = await openFixture();
        try {
          const alice = await fx.store.createUser('alice', CREDENTIALS);
          const inbox = await fx.store.getMailbox(alice.id, 'INBOX');
          for (const m of messages) {
            await fx.store.deliver({
              ...delivery(raw(m), [alice.id], { internalDate: new Date(Date.UTC(2024, 1, 1 + m.day)) }),
              recipients: [{ userId: alice.id, prefix: Buffer.from(m.prefix) }],
            });
          }
          const db = fx.store.db;
          /** Rows as another version (or none) left them. */
          const spoil = (): void =>
            messages.forEach((m, i) => {
              const body = 'SELECT body_id FROM messages WHERE uid = ?';
              if (m.stale === 'stale') db.prepare(`UPDATE body_sort_keys SET version = 0, subject = 'STALE', sent_ms = 1 WHERE body_id = (${body})`).run(i + 1);
              if (m.stale === 'missing') db.prepare(`DELETE FROM body_sort_keys WHERE body_id = (${body})`).run(i + 1);
            });
          messages.forEach((m, i) => {
            if (m.unshaped) db.prepare('UPDATE messages SET prefix_shape = NULL WHERE uid = ?').run(i + 1);
          });
          spoil();
          if (expunge > 0 && expunge <= messages.length) {
            db.prepare('DELETE FROM messages WHERE uid = ?').run(expunge);
          }
          const present = messages.map((m, i) => ({ m, uid: i + 1 })).filter(({ uid }) => uid !== expunge || expunge > messages.length);
          const naive = present.map(({ m, uid }): SortItem => {
            const served = Buffer.from(m.prefix + raw(m));
            return { uid, seq: uid, keys: computeSortKeys(served).keys, arrival: Date.UTC(2024, 1, 1 + m.day), size: served.length };
          });
          const span = { from: 1, to: messages.length };
          for (let round = 0; round < 3; round++) {
            // Thrice: the first reads store the rows they compute, the second learns every prefix, the third trusts
            // what was learnt about each prefix but not about each row (spoilt again).
            if (round === 2) spoil();
            // Ordered by SQLite first, before the reads below store the rows they compute.
            for (const key of ['DATE', 'ARRIVAL', 'SIZE'] as SimpleSortKey[]) {
              for (const reverse of [false, true]) {
                const sorted = await fx.store.sortedUids(alice.id, inbox.id, span, key, reverse);
                if (sorted !== null) expect(sorted).toEqual(sortItems(naive, [{ key, reverse }]).map((n) => n.uid));
              }
            }
            for (const need of NEEDS) {
              const rows = await fx.store.sortKeys(alice.id, inbox.id, span, need);
              expect(rows.map((r) => r.uid)).toEqual(naive.map((n) => n.uid));
              rows.forEach((r, i) => {
                expect(project(r.keys, need)).toEqual(project(naive[i]!.keys, need));
                expect([r.internalDate, r.size]).toEqual([naive[i]!.arrival, naive[i]!.size]);
              });
            }
            for (const criteria of CRITERIA) {
              const need = [...new Set(criteria.flatMap((c) => (NEED_OF[c.key] ? [NEED_OF[c.key]!] : [])))];
              const items = (await fx.store.sortKeys(alice.id, inbox.id, span, need)).map(
                (r): SortItem => ({ uid: r.uid, seq: r.uid, keys: r.keys, arrival: r.internalDate, size: r.size }),
              );
              expect(sortItems(items, criteria).map((n) => n.uid)).toEqual(sortItems(naive, criteria).map((n) => n.uid));
            }
            const threadItems = (await fx.store.sortKeys(alice.id, inbox.id, span, ['thread'])).map(
              (r): SortItem => ({ uid: r.uid, seq: r.uid, keys: r.keys, arrival: r.internalDate, size: r.size }),
            );
            const uid = (n: SortItem): number => n.uid;
            expect(formatThreads(referencesThreads(threadItems), uid)).toBe(formatThreads(referencesThreads(naive), uid));
            expect(formatThreads(orderedSubject(threadItems), uid)).toBe(formatThreads(orderedSubject(naive), uid));
          }
        } finally {
          await fx.cleanup();
        }
      }),
      { numRuns: 60 },
    );
  }, 120_000);
});
