// Deterministic REQUIRETLS races for tests (SPEC R3.4): a REQUIRETLS delivery committed by the store's ingest
// writer thread at an exact moment — right after a command's first mailbox read — while its change notice is
// published later, as the thread's notices always are. On PostgreSQL (two front ends, server.ts) the other front
// end commits it, and this one hears of it through NOTIFY.
import type { TestServer } from './server.js';

const pause = new Int32Array(new SharedArrayBuffer(4));

/** A message whose every byte a cleartext session must never see. */
export function protectedMessage(marker: string): Buffer {
  return Buffer.from(`From: s@sender.example\r\nSubject: ${marker}\r\nMessage-ID: <${marker}@sender.example>\r\n\r\nbody ${marker}\r\n`);
}

/**
 * Hands a REQUIRETLS delivery to the ingest writer thread and blocks the event loop until the commit is
 * visible: its change notice cannot be published before the caller has gone on (it arrives as a thread message).
 * On PostgreSQL the peer front end delivers it; settles once committed (the notice reaches `t.server` by NOTIFY).
 */
export async function commitRequireTlsNow(t: TestServer, userId: number, mailbox: string, marker: string, flags: string[] = []): Promise<void> {
  const delivery = {
    body: protectedMessage(marker),
    recipients: [{ userId, mailbox, prefix: Buffer.from(`Delivered-To: ${marker}@example.org\r\n`), flags }],
    internalDate: new Date(),
    requireTls: true,
    tlsRequiredNo: false,
    forgedFields: 0,
  };
  if (t.peer !== null) {
    await t.peer.store.deliver(delivery);
    return;
  }
  const db = t.sqlite().db;
  const count = db.prepare('SELECT count(*) AS n FROM messages WHERE require_tls = 1');
  const before = (count.get() as { n: number }).n;
  void t.server.store.deliver(delivery);
  const deadline = Date.now() + 10_000;
  while ((count.get() as { n: number }).n === before) {
    if (Date.now() > deadline) throw new Error('the ingest writer did not commit within 10 s');
    Atomics.wait(pause, 0, 0, 1);
  }
}

/**
 * Arms a one-shot hook: the next getMailbox of `userId` returns what it read, and then (before the caller goes
 * on) a REQUIRETLS message is committed into `mailbox`. Returns a function that tells whether the hook fired.
 */
export function commitAfterNextMailboxRead(t: TestServer, userId: number, mailbox: string, marker: string, flags: string[] = []): () => boolean {
  const store = t.server.store;
  const original = Object.getPrototypeOf(store).getMailbox as typeof store.getMailbox;
  let fired = false;
  store.getMailbox = async function (this: typeof store, uid, name) {
    const info = await original.call(this, uid, name);
    if (!fired && uid === userId) {
      fired = true;
      delete (store as Partial<typeof store>).getMailbox;
      await commitRequireTlsNow(t, userId, mailbox, marker, flags);
    }
    return info;
  };
  return () => fired;
}
