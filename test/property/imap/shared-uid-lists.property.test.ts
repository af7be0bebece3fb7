// Issue 17 item 3: views of one mailbox share their sequence ↔ UID lists (src/imap/shared-uid-lists.ts). Whatever the
// arrivals and expunges and whenever each view flushes, every view holds exactly what a view with its own list
// holds after the same changes and flushes, and views that have taken in the same changes hold the same list.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MailboxView } from '../../../src/imap/mailbox-view.js';
import { SharedUidLists } from '../../../src/imap/shared-uid-lists.js';
import type { MailboxChange } from '../../../src/store/changes.js';
import type { MailboxInfo } from '../../../src/store/types.js';

function info(uids: readonly number[]): MailboxInfo {
  const n = uids.length;
  return { id: 7, userId: 1, name: 'INBOX', specialUse: null, subscribed: true, uidValidity: 1, uidNext: (uids[n - 1] ?? 0) + 1, highestModseq: 1, messages: n, unseen: 0, bytes: 0, requireTlsMessages: 0, objectId: 'F1' };
}

function open(uids: readonly number[], lists: SharedUidLists | undefined): { v: MailboxView; send: (c: MailboxChange) => void } {
  let record: ((c: MailboxChange) => void) | null = null;
  const v = new MailboxView(info(uids), [...uids], (r) => ((record = r), () => undefined), { tls: true, readOnly: false, condstore: () => false, ...(lists ? { uidLists: lists } : {}) });
  return { v, send: (c) => record!(c) };
}

const VIEWS = 4;
const step = fc.oneof(
  fc.record({ kind: fc.constant('arrive' as const), count: fc.integer({ min: 1, max: 3 }) }),
  fc.record({ kind: fc.constant('expunge' as const), picks: fc.array(fc.nat(), { minLength: 1, maxLength: 4 }) }),
  fc.record({ kind: fc.constant('flush' as const), view: fc.integer({ min: 0, max: VIEWS - 1 }) }),
);
const start = fc.uniqueArray(fc.integer({ min: 1, max: 300 }), { maxLength: 60 }).map((a) => a.sort((x, y) => x - y));

describe('shared UID lists (issue 17 item 3)', () => {
  it('every shared view equals a view with its own list, after any changes flushed at any moments', () => {
    fc.assert(
      fc.property(start, fc.array(step, { maxLength: 40 }), (uids, steps) => {
        const lists = new SharedUidLists();
        const shared = Array.from({ length: VIEWS }, () => open(uids, lists));
        const own = Array.from({ length: VIEWS }, () => open(uids, undefined));
        expect(new Set(shared.map((s) => s.v.allUids())).size).toBe(1); // one list for the views of one snapshot
        let next = 301;
        const live = new Set(uids);
        let modseq = 1;
        for (const s of steps) {
          if (s.kind === 'flush') {
            const a = shared[s.view]!.v.flush({ allowExpunge: true, uidInFetch: false });
            const b = own[s.view]!.v.flush({ allowExpunge: true, uidInFetch: false });
            expect(a).toEqual(b);
            continue;
          }
          let change: MailboxChange;
          if (s.kind === 'arrive') {
            for (let i = 0; i < s.count; i++) {
              const uid = next++;
              live.add(uid);
              change = { kind: 'exists', mailboxId: 7, uid, modseq: ++modseq, requireTls: false };
              for (const x of [...shared, ...own]) x.send(change);
            }
            continue;
          }
          const pool = [...live];
          const gone = [...new Set(s.picks.map((p) => pool[p % Math.max(1, pool.length)]!).filter((u) => u !== undefined))];
          if (gone.length === 0) continue;
          for (const u of gone) live.delete(u);
          change = { kind: 'expunge', mailboxId: 7, uids: gone, modseq: ++modseq };
          for (const x of [...shared, ...own]) x.send(change);
        }
        for (let i = 0; i < VIEWS; i++) {
          expect(shared[i]!.v.allUids()).toEqual(own[i]!.v.allUids());
          shared[i]!.v.flush({ allowExpunge: true, uidInFetch: false });
          own[i]!.v.flush({ allowExpunge: true, uidInFetch: false });
        }
        // All flushed: every view holds the live UIDs, and the shared ones hold one list between them.
        const expected = [...live].sort((a, b) => a - b);
        for (const x of [...shared, ...own]) expect(x.v.allUids()).toEqual(expected);
        expect(new Set(shared.map((s) => s.v.allUids())).size).toBe(1);
      }),
      { numRuns: 300, seed: 17 },
    );
  });
});
