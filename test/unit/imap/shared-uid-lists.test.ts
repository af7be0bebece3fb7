// Issue 17 item 3: sessions that select one mailbox share one sequence ↔ UID list (src/imap/shared-uid-lists.ts), and
// still each see exactly their own mailbox state when mail arrives, when one of them expunges, and when one
// announces the changes later than the others.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MailboxView } from '../../../src/imap/mailbox-view.js';
import type { User } from '../../../src/store/types.js';
import { CREDENTIALS, delivery, openFixture, type Fixture } from '../store/store-fixture.js';

describe('views of one mailbox share their UID list', () => {
  let fx: Fixture;
  let alice: User;
  beforeEach(async () => {
    fx = await openFixture();
    alice = await fx.store.createUser('alice', CREDENTIALS);
    for (let i = 0; i < 6; i++) await fx.store.deliver(delivery(`Subject: ${i}\r\n\r\nx\r\n`, [alice.id]));
  });
  afterEach(() => fx.cleanup());

  const open = async (): Promise<MailboxView> => {
    const { view } = await MailboxView.open(fx.store, alice.id, 'INBOX', { tls: true, readOnly: false, condstore: () => false });
    return view!;
  };
  const flush = (v: MailboxView): string =>
    Buffer.concat(v.flush({ allowExpunge: true, uidInFetch: false }).map((w) => (Buffer.isBuffer(w) ? w : Buffer.from(String(w), 'latin1')))).toString('latin1');

  it('one list for the views of one snapshot; an arrival and an expunge by one session keep each view right', async () => {
    const [a, b, c] = [await open(), await open(), await open()];
    try {
      expect(a.allUids()).toEqual([1, 2, 3, 4, 5, 6]);
      expect(b.allUids()).toBe(a.allUids());
      expect(c.allUids()).toBe(a.allUids());

      await fx.store.deliver(delivery('Subject: new\r\n\r\nx\r\n', [alice.id]));
      await new Promise((r) => setImmediate(r));
      expect(flush(a)).toContain('* 7 EXISTS');
      expect(flush(b)).toContain('* 7 EXISTS');
      expect(b.allUids()).toBe(a.allUids()); // the same change to the same list: the same list
      expect(c.allUids()).toEqual([1, 2, 3, 4, 5, 6]); // c has not announced the arrival yet: its numbers stand

      const inbox = (await fx.store.getMailbox(alice.id, 'INBOX')).id;
      await fx.store.setFlags(alice.id, inbox, [2, 5], 'add', ['\\Deleted']);
      expect(await fx.store.expunge(alice.id, inbox)).toEqual([2, 5]);
      await new Promise((r) => setImmediate(r));
      const told = flush(a);
      expect(told).toContain('* 5 EXPUNGE');
      expect(told).toContain('* 2 EXPUNGE');
      expect(a.allUids()).toEqual([1, 3, 4, 6, 7]);
      expect(b.allUids()).toEqual([1, 2, 3, 4, 5, 6, 7]); // b has not announced the expunge: its list is untouched
      expect(a.seqOf(6)).toBe(4);
      expect(b.seqOf(6)).toBe(6);
      flush(b);
      expect(b.allUids()).toBe(a.allUids());
      // c takes in the arrival and the expunge at once, and ends up holding the same UIDs: the same list.
      flush(c);
      expect(c.allUids()).toBe(a.allUids());
      const late = await open();
      expect(late.allUids()).toBe(a.allUids()); // a new SELECT finds the list the others hold
      late.close();
    } finally {
      for (const v of [a, b, c]) v.close();
    }
  });
});
