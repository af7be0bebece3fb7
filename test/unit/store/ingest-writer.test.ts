// Deliveries and APPENDs through the ingest writer thread (SPEC R1.4, R1.5, R7.5, R12): concurrent jobs are
// committed in batches yet each keeps its own outcome; changes are published in commit order even when the
// store's own thread writes in between; a view never announces a message twice; close finishes the jobs in
// flight; errors keep their kind across the thread boundary.
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { MailboxView } from '../../../src/imap/mailbox-view.js';
import type { MailboxChange } from '../../../src/store/changes.js';
import { StoreError } from '../../../src/store/errors.js';
import { decodeOutcome, encodeOutcome, reviveJob, type IngestJob } from '../../../src/store/sqlite/ingest/jobs.js';
import { openSqliteStore, type SqliteStore } from '../../../src/store/sqlite/sqlite-store.js';
import { CREDENTIALS, delivery, tempDir } from './store-fixture.js';

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function threaded(errors: Error[] = []): Promise<SqliteStore> {
  const tmp = tempDir();
  cleanups.push(() => tmp.cleanup());
  const store = await openSqliteStore({ path: join(tmp.dir, 's.sqlite'), ingest: 'thread', onIngestError: (e) => errors.push(e) });
  cleanups.push(() => store.close());
  return store;
}

const existsOf = (changes: MailboxChange[]) => changes.flatMap((c) => (c.kind === 'exists' ? [c.uid] : []));

describe('the ingest writer thread', () => {
  it('stores concurrent deliveries, each with its own UID, and publishes them in UID order', async () => {
    const errors: Error[] = [];
    const store = await threaded(errors);
    const alice = await store.createUser('alice', CREDENTIALS);
    const bob = await store.createUser('bob', CREDENTIALS);
    const seen: MailboxChange[] = [];
    const inbox = await store.getMailbox(alice.id, 'INBOX');
    store.changes.subscribe(inbox.id, (c) => seen.push(c));
    const results = await Promise.all(
      Array.from({ length: 150 }, (_, i) => store.deliver(delivery(`Subject: ${i}\r\n\r\nbody ${i}\r\n`, [alice.id, bob.id]))),
    );
    const aliceUids = results.map((r) => (r[0]?.ok ? r[0].uid : -1));
    expect(aliceUids).toEqual(Array.from({ length: 150 }, (_, i) => i + 1)); // submission order is commit order
    expect(results.every((r) => r.length === 2 && r.every((x) => x.ok))).toBe(true);
    expect(existsOf(seen)).toEqual(aliceUids);
    const raw = await store.readMessage(alice.id, inbox.id, 42);
    expect(raw.toString()).toBe('Delivered-To: user1\r\nSubject: 41\r\n\r\nbody 41\r\n');
    expect((await store.check()).problems).toEqual([]);
    expect(errors).toEqual([]);
  });

  it('refuses one job of a batch alone (over quota) and stores the others', async () => {
    const store = await threaded();
    const alice = await store.createUser('alice', CREDENTIALS);
    const small = await store.createUser('small', CREDENTIALS, { quotaBytes: 200 });
    const big = 'x'.repeat(300);
    const results = await Promise.all([
      store.deliver(delivery('Subject: a\r\n\r\nfirst\r\n', [alice.id])),
      store.deliver(delivery(`Subject: b\r\n\r\n${big}\r\n`, [small.id, alice.id])),
      store.deliver(delivery('Subject: c\r\n\r\nthird\r\n', [alice.id, small.id])),
    ]);
    expect(results.map((r) => r.map((x) => (x.ok ? x.uid : x.error.kind)))).toEqual([[1], ['over-quota', 2], [3, 1]]);
    const refused = results[1]?.[0];
    expect(refused && !refused.ok && refused.error).toBeInstanceOf(StoreError);
    const appended = await Promise.all([
      store.append(small.id, (await store.getMailbox(small.id, 'INBOX')).id, { raw: Buffer.from(`Subject: d\r\n\r\n${big}\r\n`) }).catch((e: unknown) => e),
      store.append(alice.id, (await store.getMailbox(alice.id, 'INBOX')).id, { raw: Buffer.from('Subject: e\r\n\r\nok\r\n') }),
    ]);
    expect(appended[0]).toBeInstanceOf(StoreError);
    expect((appended[0] as StoreError).kind).toBe('over-quota');
    expect(appended[1]).toMatchObject({ uid: 4 });
    expect((await store.check()).problems).toEqual([]);
  });

  it('keeps commit order when the store’s own thread writes between the writer’s jobs', async () => {
    const store = await threaded();
    const alice = await store.createUser('alice', CREDENTIALS);
    const inbox = await store.getMailbox(alice.id, 'INBOX');
    const other = await store.createMailbox(alice.id, 'Other');
    await store.append(alice.id, other.id, { raw: Buffer.from('Subject: source\r\n\r\ncopied\r\n') });
    const seen: MailboxChange[] = [];
    store.changes.subscribe(inbox.id, (c) => seen.push(c));
    const jobs: Array<Promise<unknown>> = [];
    for (let i = 0; i < 60; i++) {
      jobs.push(store.deliver(delivery(`Subject: ${i}\r\n\r\nx\r\n`, [alice.id])));
      if (i % 3 === 0) jobs.push(store.copy(alice.id, other.id, [1], inbox.id)); // a write of this thread
      if (i % 5 === 0) jobs.push(store.setFlags(alice.id, inbox.id, [1], 'add', ['\\Flagged']));
    }
    await Promise.all(jobs);
    const uids = existsOf(seen);
    expect(uids).toHaveLength(80);
    expect(uids).toEqual([...uids].sort((a, b) => a - b)); // strictly ascending: announced in commit order
    expect(new Set(uids).size).toBe(80);
    expect(await store.listUids(alice.id, inbox.id)).toEqual(uids);
  });

  it('never announces twice a message a view read before its change was published', async () => {
    const store = await threaded();
    const alice = await store.createUser('alice', CREDENTIALS);
    const inbox = await store.getMailbox(alice.id, 'INBOX');
    const pending = Array.from({ length: 20 }, (_, i) => store.deliver(delivery(`Subject: ${i}\r\n\r\nx\r\n`, [alice.id])));
    // Hold this thread (bounded) until the writer has committed some: their outcomes cannot be received
    // meanwhile, so the view reads messages whose changes are published only afterwards.
    const committed = () => store.db.prepare('SELECT COUNT(*) FROM messages').pluck().get() as number;
    const deadline = Date.now() + 5000;
    while (committed() < 5 && Date.now() < deadline);
    const early = await store.listUids(alice.id, inbox.id);
    expect(early.length).toBeGreaterThanOrEqual(5);
    const views = [new MailboxView(inbox, early, (record) => store.changes.subscribe(inbox.id, record), { tls: true, readOnly: false, condstore: () => false })];
    for (let i = 0; i < 10; i++) {
      await new Promise((r) => setImmediate(r));
      views.push(new MailboxView(inbox, await store.listUids(alice.id, inbox.id), (record) => store.changes.subscribe(inbox.id, record), { tls: true, readOnly: false, condstore: () => false }));
    }
    await Promise.all(pending);
    for (const view of views) {
      view.flush({ allowExpunge: true, uidInFetch: false });
      expect(view.allUids()).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
      view.close();
    }
  });

  it('finishes the jobs in flight when the store is closed', async () => {
    const store = await threaded();
    const alice = await store.createUser('alice', CREDENTIALS);
    const pending = Array.from({ length: 40 }, (_, i) => store.deliver(delivery(`Subject: ${i}\r\n\r\nx\r\n`, [alice.id])));
    await store.close();
    const results = await Promise.all(pending);
    expect(results.every((r) => r[0]?.ok)).toBe(true);
    const reopened = await openSqliteStore({ path: store.db.name });
    cleanups.push(() => reopened.close());
    expect(await reopened.listUids(alice.id, (await reopened.getMailbox(alice.id, 'INBOX')).id)).toHaveLength(40);
    await expect(store.deliver(delivery('Subject: late\r\n\r\nx\r\n', [alice.id]))).rejects.toThrow(/closed/);
  });
});

describe('jobs crossing threads', () => {
  it('revive byte arrays as Buffers and keep error kinds', () => {
    const job: IngestJob = { kind: 'deliver', input: delivery('Subject: x\r\n\r\ny\r\n', [1, 2]) };
    const cloned = structuredClone(job); // what postMessage does: Buffers arrive as Uint8Arrays
    const revived = reviveJob(cloned);
    expect(revived.kind === 'deliver' && Buffer.isBuffer(revived.input.body)).toBe(true);
    expect(revived.kind === 'deliver' && revived.input.recipients.every((r) => Buffer.isBuffer(r.prefix))).toBe(true);
    expect(revived).toEqual(job);
    const outcome = decodeOutcome(
      structuredClone(
        encodeOutcome({
          ok: true,
          kind: 'deliver',
          value: [
            { ok: true, userId: 1, mailboxId: 1, uid: 7 },
            { ok: false, userId: 2, error: new StoreError('over-quota', 'full') },
          ],
          changes: [],
        }),
      ),
    );
    const refused = outcome.ok && outcome.kind === 'deliver' ? outcome.value[1] : undefined;
    expect(refused && !refused.ok && refused.error).toEqual(new StoreError('over-quota', 'full'));
    expect(refused && !refused.ok && refused.error).toBeInstanceOf(StoreError);
    const failed = decodeOutcome(structuredClone(encodeOutcome({ ok: false, error: new Error('disk full') })));
    expect(failed.ok ? null : failed.error.message).toBe('disk full');
  });
});
