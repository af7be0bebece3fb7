// The store side of `postern import` (issue 16 item 1): an imported message keeps its UID (never below UIDNEXT),
// an empty mailbox adopts the source's UIDVALIDITY (a mailbox holding mail under another is refused), UIDNEXT is
// raised to the source's, and POP3 UIDL serves an imported unique-id; counters stay exact (checkStore),
// on every backend (issue 18 item 4).
import { afterEach, beforeEach, expect, it } from 'vitest';
import { Maildrop } from '../../../src/pop3/maildrop.js';
import { IMPORTED_MODSEQ_FLOOR } from '../../../src/store/sqlite/mailboxes.js';
import type { User } from '../../../src/store/types.js';
import { checkProblems } from './backend-sql.js';
import { describeBackends, type BackendFixture } from './backends.js';
import { CREDENTIALS } from './store-fixture.js';

const raw = (n: number): Buffer => Buffer.from(`Subject: ${n}\r\n\r\nbody ${n}\r\n`);

describeBackends('import into the store', (open) => {
  let fx: BackendFixture;
  let alice: User;
  beforeEach(async () => {
    fx = await open();
    alice = await fx.store.createUser('alice', CREDENTIALS);
  });
  afterEach(async () => {
    await fx.cleanup();
  });

  it('ranks every change after the import above any mod-sequence a client cached from the source', async () => {
    const box = await fx.store.prepareImport(alice.id, 'INBOX', { uidValidity: 7654321 });
    expect(box.highestModseq).toBeGreaterThan(IMPORTED_MODSEQ_FLOOR - 1);
    await fx.store.appendAll(alice.id, box.id, [{ raw: raw(1), uid: 2 }]);
    const [meta] = await fx.store.listMessages(alice.id, box.id);
    expect(meta!.modseq).toBeGreaterThan(IMPORTED_MODSEQ_FLOOR);
    // QRESYNC from a source's mod-sequence: the complete answer (null), never a partial one.
    expect(await fx.store.vanishedSince(alice.id, box.id, 123_456)).toBeNull();
    // Resuming (same UIDVALIDITY) keeps the mailbox's mod-sequence where it is.
    const again = await fx.store.prepareImport(alice.id, 'INBOX', { uidValidity: 7654321 });
    expect(again.highestModseq).toBe((await fx.store.getMailbox(alice.id, 'INBOX')).highestModseq);
    expect(again.highestModseq).toBeGreaterThanOrEqual(meta!.modseq);
  });

  it('keeps UIDVALIDITY, UIDs with gaps, UIDNEXT and POP3 UIDLs', async () => {
    const box = await fx.store.prepareImport(alice.id, 'INBOX', { uidValidity: 1234567 });
    expect(box.uidValidity).toBe(1234567);
    await fx.store.appendAll(alice.id, box.id, [
      { raw: raw(1), uid: 3, flags: ['\\Seen', 'Work'], pop3Uidl: 'dovecot-3' },
      { raw: raw(2), uid: 7 },
    ]);
    await fx.store.raiseUidNext(alice.id, box.id, 10);
    const after = await fx.store.getMailbox(alice.id, 'INBOX');
    expect(after.uidNext).toBe(10);
    expect(await fx.store.listUids(alice.id, box.id)).toEqual([3, 7]);
    const metas = await fx.store.listMessages(alice.id, box.id);
    const uidls = await fx.store.pop3Uidls(alice.id, box.id);
    expect([...uidls]).toEqual([[3, 'dovecot-3']]);
    const drop = new Maildrop(box.id, after.uidValidity, metas, uidls);
    expect(drop.live().map((m) => drop.uniqueId(m))).toEqual(['dovecot-3', '1234567.7']);
    // A mailbox created afterwards gets a larger UIDVALIDITY than the imported one (RFC 9051 §2.3.1.1).
    const made = await fx.store.createMailbox(alice.id, 'Later');
    expect(made.uidValidity).toBeGreaterThan(0);
    expect(await checkProblems(fx)).toEqual([]);
  });

  it('refuses a UID below UIDNEXT, and another UIDVALIDITY for a mailbox holding mail', async () => {
    const box = await fx.store.prepareImport(alice.id, 'Old/Box', { uidValidity: 42 });
    await fx.store.append(alice.id, box.id, { raw: raw(1), uid: 5 });
    await expect(fx.store.append(alice.id, box.id, { raw: raw(2), uid: 5 })).rejects.toMatchObject({ kind: 'exists' });
    await expect(fx.store.append(alice.id, box.id, { raw: raw(2), uid: 4 })).rejects.toMatchObject({ kind: 'exists' });
    await expect(fx.store.prepareImport(alice.id, 'Old/Box', { uidValidity: 43 })).rejects.toMatchObject({ kind: 'exists' });
    expect((await fx.store.prepareImport(alice.id, 'Old/Box', { uidValidity: 42 })).messages).toBe(1);
    // An ordinary APPEND afterwards takes the next UID.
    expect((await fx.store.append(alice.id, box.id, { raw: raw(3) })).uid).toBe(6);
    expect(await checkProblems(fx)).toEqual([]);
  });
});
