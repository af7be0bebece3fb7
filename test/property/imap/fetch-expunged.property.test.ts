// FETCH over messages another session expunged (issue 13 item 4; RFC 2180 §4.1.2, RFC 5530), as a property: for
// any messages expunged before the listing or between the listing and the read of their structures and bodies,
// any mix of items, FETCH and UID FETCH answer every message of the session's view once, in sequence order, the
// lost ones with Dovecot's NIL data and the others with their data, and end OK — with [EXPUNGEISSUED] exactly
// when one was lost.
import fc from 'fast-check';
import { describe, expect, it, vi } from 'vitest';
import { fetch } from '../../../src/imap/commands/fetch.js';
import type { ImapContext } from '../../../src/imap/context.js';
import { RenderCache } from '../../../src/imap/fetch/render-cache.js';
import { MailboxView } from '../../../src/imap/mailbox-view.js';
import type { FetchAttribute } from '../../../src/imap/protocol/types.js';
import { noneEnabled } from '../../../src/imap/state.js';
import { CREDENTIALS, delivery, openFixture } from '../../unit/store/store-fixture.js';

const COUNT = 6;
const WHOLE: FetchAttribute = { kind: 'BODY[]', section: { part: [], text: null, fields: [] }, peek: true, partial: null };
const ITEMS: Array<{ att: FetchAttribute; nil: string }> = [
  { att: { kind: 'FLAGS' }, nil: 'FLAGS ()' },
  { att: { kind: 'RFC822.SIZE' }, nil: 'RFC822.SIZE 0' },
  { att: { kind: 'THREADID' }, nil: 'THREADID NIL' }, // RFC 8474 §5.2
  { att: { kind: 'SAVEDATE' }, nil: 'SAVEDATE NIL' }, // RFC 8514 §4
  { att: { kind: 'ENVELOPE' }, nil: 'ENVELOPE (NIL NIL NIL NIL NIL NIL NIL NIL NIL NIL)' },
  { att: WHOLE, nil: 'BODY[] NIL' },
  { att: { ...WHOLE, partial: { offset: 2, length: 5 } }, nil: 'BODY[]<2> NIL' },
  { att: { kind: 'BODY[]', section: { part: [1], text: null, fields: [] }, peek: true, partial: null }, nil: 'BODY[1] NIL' },
];

describe('FETCH with expunged messages in the view', () => {
  it('answers every message once, NIL data for the lost ones, OK [EXPUNGEISSUED] iff any', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.subarray([1, 2, 3, 4, 5, 6]),
        fc.subarray([1, 2, 3, 4, 5, 6]),
        fc.subarray(ITEMS, { minLength: 1 }),
        fc.boolean(),
        async (before, during, items, byUid) => {
          const fx = await openFixture();
          try {
            const alice = await fx.store.createUser('alice', CREDENTIALS);
            for (let i = 1; i <= COUNT; i++) await fx.store.deliver(delivery(`Subject: m${i}\r\n\r\nbody ${i}\r\n`, [alice.id]));
            const inbox = await fx.store.getMailbox(alice.id, 'INBOX');
            const view = new MailboxView(inbox, await fx.store.listUids(alice.id, inbox.id), (r) => fx.store.changes.subscribe(inbox.id, r), {
              tls: true,
              readOnly: false,
              condstore: () => false,
            });
            const writes: string[] = [];
            const ctx = {
              tag: 'A1',
              services: { store: fx.store, settings: { maxMessageBytes: 1000 }, renderCache: new RenderCache(1 << 20) },
              facts: { tls: null },
              enabled: noneEnabled(),
              state: { kind: 'selected', user: { id: alice.id, name: 'alice' }, view },
              send: async (data: Buffer) => void writes.push(data.toString('latin1')),
            } as unknown as ImapContext;
            if (before.length > 0) await fx.store.expunge(alice.id, inbox.id, { uids: before, force: true });
            // The rest are expunged once the listing is done, before any body or structure is read.
            const lateGone = during.filter((u) => !before.includes(u));
            const list = fx.store.listMessages.bind(fx.store);
            vi.spyOn(fx.store, 'listMessages').mockImplementation(async (...args) => {
              const found = await list(...args);
              if (lateGone.length > 0) await fx.store.expunge(alice.id, inbox.id, { uids: lateGone, force: true });
              return found;
            });
            const outcome = await fetch.run(ctx, {
              name: 'FETCH',
              uid: byUid,
              set: { kind: 'set', ranges: [{ from: 1, to: Infinity }] },
              attributes: items.map((i) => i.att),
              changedSince: null,
            });
            view.close();
            // Items from the listing alone (FLAGS, RFC822.SIZE, THREADID, SAVEDATE) are still served for a message lost after it.
            const fromListing = new Set(['FLAGS', 'RFC822.SIZE', 'THREADID', 'SAVEDATE']);
            const reads = items.some((i) => !fromListing.has(i.att.kind));
            const lost = new Set([...before, ...(reads ? lateGone : [])]);
            const text = writes.join('');
            const lines = [...text.matchAll(/^\* (\d+) FETCH \((.*)\r\n/gm)].map((m) => ({ seq: Number(m[1]), items: m[2]! }));
            expect(lines.map((l) => l.seq)).toEqual([1, 2, 3, 4, 5, 6]);
            for (const l of lines) {
              if (!lost.has(l.seq)) continue; // UID n is sequence n: nothing was expunged in the view yet
              expect(l.items).toBe(`${[...(byUid ? [`UID ${l.seq}`] : []), ...items.map((i) => i.nil)].join(' ')})`);
            }
            for (let seq = 1; seq <= COUNT; seq++) if (!lost.has(seq) && items.some((i) => i.att === WHOLE)) expect(text).toContain(`body ${seq}\r\n`);
            expect(outcome.result).toMatchObject({ status: 'OK', code: lost.size > 0 ? 'EXPUNGEISSUED' : null });
          } finally {
            vi.restoreAllMocks();
            await fx.cleanup();
          }
        },
      ),
      { numRuns: 40 },
    );
  }, 120_000);
});
