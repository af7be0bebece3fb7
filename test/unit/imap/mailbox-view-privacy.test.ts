// SPEC R3.4 in the selected-mailbox view: every change is judged before anything about it is sent — a REQUIRETLS
// 'exists' for a UID the view already holds too (published late by the ingest thread) — and messages read for
// FETCH/SEARCH with the REQUIRETLS flag end a cleartext session. MailboxView.open judges the snapshot itself.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { MailboxChange } from '../../../src/store/changes.js';
import type { MailboxInfo, User } from '../../../src/store/types.js';
import { MailboxView } from '../../../src/imap/mailbox-view.js';
import { CREDENTIALS, delivery, openFixture, type Fixture } from '../store/store-fixture.js';

const INFO: MailboxInfo = {
  id: 7,
  userId: 1,
  name: 'INBOX',
  specialUse: null,
  subscribed: true,
  uidValidity: 1,
  uidNext: 4,
  highestModseq: 3,
  messages: 3,
  unseen: 0,
  bytes: 30,
  requireTlsMessages: 0,
  objectId: 'F1',
};

function view(tls: boolean): { v: MailboxView; send: (c: MailboxChange) => void } {
  let record: ((c: MailboxChange) => void) | null = null;
  const v = new MailboxView(INFO, [1, 2, 3], (r) => ((record = r), () => undefined), { tls, readOnly: false, condstore: () => false });
  return { v, send: (c) => record!(c) };
}

const exists = (uid: number, requireTls: boolean): MailboxChange => ({ kind: 'exists', mailboxId: 7, uid, modseq: 9, requireTls });

describe('MailboxView judges every change (R3.4)', () => {
  it('a REQUIRETLS exists for a UID already held ends a cleartext session', () => {
    const { v, send } = view(false);
    send(exists(3, true));
    expect(v.mustClose).toBe('privacy');
  });

  it('over TLS the same change is a duplicate and nothing more', () => {
    const { v, send } = view(true);
    send(exists(3, true));
    expect(v.mustClose).toBeNull();
    expect(v.flush({ allowExpunge: true, uidInFetch: false })).toEqual([]);
  });

  it('a REQUIRETLS message among those read ends a cleartext session, never a TLS one', () => {
    const clear = view(false).v;
    expect(clear.admits([{ requireTls: false }])).toBe(true);
    expect(clear.admits([{ requireTls: false }, { requireTls: true }])).toBe(false);
    expect(clear.mustClose).toBe('privacy');
    expect(clear.admits([{ requireTls: false }])).toBe(false); // once breached, nothing more is served
    expect(view(true).v.admits([{ requireTls: true }])).toBe(true);
  });
});

describe('MailboxView.open (R3.4)', () => {
  let fx: Fixture;
  let alice: User;
  beforeEach(async () => {
    fx = await openFixture();
    alice = await fx.store.createUser('alice', CREDENTIALS);
    await fx.store.deliver(delivery('Subject: a\r\n\r\nx\r\n', [alice.id]));
  });
  afterEach(() => fx.cleanup());

  const opts = (tls: boolean) => ({ tls, readOnly: false, condstore: () => false });

  it('gives no view of a protected snapshot without TLS, and stops listening', async () => {
    await fx.store.deliver(delivery('Subject: s\r\n\r\ny\r\n', [alice.id], { requireTls: true }));
    const { view: v, snapshot } = await MailboxView.open(fx.store, alice.id, 'INBOX', opts(false));
    expect(v).toBeNull();
    expect(snapshot.info.requireTlsMessages).toBe(1);
    expect(fx.store.changes.listenerCount(snapshot.info.id)).toBe(0);
    const tls = await MailboxView.open(fx.store, alice.id, 'INBOX', opts(true));
    expect(tls.view?.allUids()).toEqual([1, 2]);
    tls.view?.close();
  });

  it('a REQUIRETLS delivery after the snapshot ends the cleartext view before any EXISTS', async () => {
    const { view: v } = await MailboxView.open(fx.store, alice.id, 'INBOX', opts(false));
    expect(v).not.toBeNull();
    await fx.store.deliver(delivery('Subject: s\r\n\r\ny\r\n', [alice.id], { requireTls: true }));
    expect(v!.mustClose).toBe('privacy');
    v!.close();
  });
});
