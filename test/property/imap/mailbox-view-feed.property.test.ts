// The selected-mailbox view under a change feed that repeats and reorders its notices (issue 13 item 5: the
// cross-process watcher and the in-process feed may both tell of one commit, and the ingest thread's notices may
// come late): whatever order the notices of one interval arrive in, and whatever old notices are replayed, the
// client that follows the view's untagged responses ends every flush with exactly the store's messages, in UID
// order, with the store's flags.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MailboxView } from '../../../src/imap/mailbox-view.js';
import type { MailboxChange } from '../../../src/store/changes.js';
import type { MailboxInfo } from '../../../src/store/types.js';

const FLAGS = ['\\Seen', '\\Flagged', '\\Answered', '$Junk'];

type Op =
  | { op: 'append' }
  | { op: 'flag'; pick: number; flag: string }
  | { op: 'expunge'; picks: number[] }
  | { op: 'flush'; order: number[]; replays: number[] };

const opArb: fc.Arbitrary<Op> = fc.oneof(
  fc.constant<Op>({ op: 'append' }),
  fc.record({ op: fc.constant('flag' as const), pick: fc.nat(), flag: fc.constantFrom(...FLAGS) }),
  fc.record({ op: fc.constant('expunge' as const), picks: fc.array(fc.nat(), { maxLength: 3 }) }),
  fc.record({ op: fc.constant('flush' as const), order: fc.array(fc.nat(), { maxLength: 12 }), replays: fc.array(fc.nat(), { maxLength: 4 }) }),
);

interface ClientMessage {
  uid: number;
  flags: string[];
}

function run(initial: number, ops: Op[]): void {
  // The store: live messages and their flags, a MODSEQ, and every change ever committed, in commit order.
  const store = new Map<number, string[]>();
  for (let uid = 1; uid <= initial; uid++) store.set(uid, []);
  let uidNext = initial + 1;
  let modseq = 1;
  const log: MailboxChange[] = [];
  let window: MailboxChange[] = [];
  const commit = (c: MailboxChange): void => {
    log.push(c);
    window.push(c);
  };

  const info: MailboxInfo = {
    id: 7, userId: 1, name: 'Box', specialUse: null, subscribed: true, uidValidity: 1, uidNext,
    highestModseq: modseq, messages: initial, unseen: initial, bytes: 0, requireTlsMessages: 0, objectId: 'F1',
  };
  let record: ((c: MailboxChange) => void) | null = null;
  const view = new MailboxView(info, [...store.keys()], (r) => ((record = r), () => undefined), { tls: true, readOnly: false, condstore: () => false });
  const client: ClientMessage[] = [...store.keys()].map((uid) => ({ uid, flags: [] }));

  const flush = (order: number[], replays: number[]): void => {
    const keyed = window.map((c, i) => ({ c, k: order.length > 0 ? order[i % order.length]! * 1000 + i : i }));
    keyed.sort((a, b) => a.k - b.k);
    const deliveries = keyed.map((x) => x.c);
    for (const r of replays) if (log.length > 0) deliveries.splice(r % (deliveries.length + 1), 0, log[r % log.length]!);
    window = [];
    for (const c of deliveries) record!(c);
    for (const w of view.flush({ allowExpunge: true, uidInFetch: false })) {
      const line = w.toString('latin1');
      let m: RegExpExecArray | null;
      if ((m = /^\* (\d+) EXPUNGE\r\n$/.exec(line))) {
        const seq = Number(m[1]);
        expect(seq).toBeGreaterThanOrEqual(1);
        expect(seq).toBeLessThanOrEqual(client.length);
        client.splice(seq - 1, 1);
      } else if ((m = /^\* (\d+) EXISTS\r\n$/.exec(line))) {
        const n = Number(m[1]);
        expect(n).toBeGreaterThanOrEqual(client.length);
        // The client fetches the new messages' UIDs and flags at once, as clients do.
        for (let seq = client.length + 1; seq <= n; seq++) {
          const uid = view.uidAt(seq)!;
          client.push({ uid, flags: [...(store.get(uid) ?? ['<gone>'])] });
        }
      } else if ((m = /^\* (\d+) FETCH \(FLAGS \(([^)]*)\)\)\r\n$/.exec(line))) {
        const seq = Number(m[1]);
        expect(seq).toBeLessThanOrEqual(client.length);
        client[seq - 1]!.flags = m[2]!.split(' ').filter((f) => f !== '' && f !== '\\Recent').sort();
      } else {
        // RECENT, and the FLAGS / PERMANENTFLAGS that announce a keyword new to the session (issue 13 item 2).
        expect(line).toMatch(/^\* (\d+ RECENT|FLAGS \([^)]*\)|OK \[PERMANENTFLAGS \([^)]*\)\][^\r]*)\r\n$/);
      }
    }
    // Every notice of the interval has been delivered: the client sees exactly the store.
    expect(client.map((c) => c.uid)).toEqual([...store.keys()].sort((a, b) => a - b));
    expect(client.map((c) => c.uid)).toEqual([...view.allUids()]);
    for (const c of client) expect(c.flags, `flags of UID ${c.uid}`).toEqual(store.get(c.uid));
  };

  for (const o of ops) {
    const live = [...store.keys()].sort((a, b) => a - b);
    switch (o.op) {
      case 'append': {
        const uid = uidNext++;
        store.set(uid, []);
        commit({ kind: 'exists', mailboxId: 7, uid, modseq: ++modseq, requireTls: false });
        break;
      }
      case 'flag': {
        if (live.length === 0) break;
        const uid = live[o.pick % live.length]!;
        const now = store.get(uid)!;
        const next = (now.includes(o.flag) ? now.filter((f) => f !== o.flag) : [...now, o.flag]).sort();
        store.set(uid, next);
        commit({ kind: 'flags', mailboxId: 7, uid, flags: next, modseq: ++modseq });
        break;
      }
      case 'expunge': {
        const gone = [...new Set(o.picks.filter(() => live.length > 0).map((p) => live[p % live.length]!))];
        if (gone.length === 0) break;
        for (const uid of gone) store.delete(uid);
        commit({ kind: 'expunge', mailboxId: 7, uids: gone, modseq: ++modseq });
        break;
      }
      case 'flush':
        flush(o.order, o.replays);
        break;
    }
  }
  flush([], []);
}

describe('MailboxView under a repeating, reordering feed (issue 13 item 5)', () => {
  it('ends every flush in agreement with the store', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 6 }), fc.array(opArb, { maxLength: 60 }), (initial, ops) => run(initial, ops)),
      { numRuns: 500, seed: 1305 },
    );
  });

  it('a late EXISTS of a message expunged before it was announced brings no phantom', () => {
    run(2, [{ op: 'append' }, { op: 'expunge', picks: [2] }, { op: 'flush', order: [5, 1], replays: [0] }, { op: 'flush', order: [], replays: [0, 1] }]);
  });
});
