// Mass expunge in the selected-mailbox view (issue 13 item 8; RFC 9051 §7.5.1): removing any set of messages in
// one linear pass gives the same EXPUNGE numbers, in the same order, and the same view afterwards, as removing
// them one at a time from the highest down (the renumbering a client performs), whether this session expunged
// them or another did (announced at the next flush). Also one 65,536-message mailbox losing every other message.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MailboxView } from '../../../src/imap/mailbox-view.js';
import type { MailboxChange } from '../../../src/store/changes.js';
import type { MailboxInfo } from '../../../src/store/types.js';

function info(n: number): MailboxInfo {
  return { id: 7, userId: 1, name: 'INBOX', specialUse: null, subscribed: true, uidValidity: 1, uidNext: n + 1, highestModseq: 1, messages: n, unseen: 0, bytes: 0, requireTlsMessages: 0, objectId: 'F1' };
}

function open(uids: number[]): { v: MailboxView; send: (c: MailboxChange) => void } {
  let record: ((c: MailboxChange) => void) | null = null;
  const v = new MailboxView(info(uids.length), [...uids], (r) => ((record = r), () => undefined), { tls: true, readOnly: false, condstore: () => false });
  return { v, send: (c) => record!(c) };
}

/** What a client does with EXPUNGE n, one at a time: the reference for the numbers and the view left. */
function oneByOne(uids: readonly number[], gone: ReadonlySet<number>): { seqs: number[]; left: number[] } {
  const left = [...uids];
  const seqs: number[] = [];
  for (const uid of [...gone].sort((a, b) => b - a)) {
    const i = left.indexOf(uid);
    if (i < 0) continue;
    seqs.push(i + 1);
    left.splice(i, 1);
  }
  return { seqs, left };
}

const mailbox = fc.uniqueArray(fc.integer({ min: 1, max: 500 }), { maxLength: 120 }).map((a) => a.sort((x, y) => x - y));
const withGone = mailbox.chain((uids) => fc.tuple(fc.constant(uids), fc.subarray(uids), fc.array(fc.integer({ min: 501, max: 600 }), { maxLength: 3 })));

describe('MailboxView mass expunge (issue 13 item 8)', () => {
  it("this session's expunge: removeExpunged equals one-at-a-time removal", () => {
    fc.assert(
      fc.property(withGone, ([uids, gone, unknown]) => {
        const { v } = open(uids);
        const set = new Set([...gone, ...unknown]);
        const expected = oneByOne(uids, set);
        expect(v.removeExpunged(set)).toEqual(expected.seqs);
        expect([...v.allUids()]).toEqual(expected.left);
      }),
      { numRuns: 300 },
    );
  });

  it("another session's expunge: the flush announces the same numbers, highest first, then no EXISTS", () => {
    fc.assert(
      fc.property(withGone, ([uids, gone]) => {
        const { v, send } = open(uids);
        send({ kind: 'expunge', mailboxId: 7, uids: gone, modseq: 2 });
        const lines = v.flush({ allowExpunge: true, uidInFetch: false }).map((w) => w.toString('latin1'));
        expect(lines).toEqual(oneByOne(uids, new Set(gone)).seqs.map((s) => `* ${s} EXPUNGE\r\n`));
      }),
      { numRuns: 300 },
    );
  });

  it('65,536 messages losing every other one: 32,768 EXPUNGEs, highest first, the rest kept in order', () => {
    const uids = Array.from({ length: 65_536 }, (_, i) => i + 1);
    const { v, send } = open(uids);
    send({ kind: 'expunge', mailboxId: 7, uids: uids.filter((u) => u % 2 === 0), modseq: 2 });
    const lines = v.flush({ allowExpunge: true, uidInFetch: false });
    expect(lines).toHaveLength(32_768);
    expect(lines[0]!.toString('latin1')).toBe('* 65536 EXPUNGE\r\n');
    expect(lines.at(-1)!.toString('latin1')).toBe('* 2 EXPUNGE\r\n');
    expect([...v.allUids()]).toEqual(uids.filter((u) => u % 2 === 1));
  });
});
