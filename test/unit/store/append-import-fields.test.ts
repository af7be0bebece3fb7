// AppendInput's migrate-store fields (issue 18 item 5): a delivered message copied to another store keeps its
// trace prefix apart from its body, its forged-field count and its removed-field record (SPEC R2.2) — on every
// backend, and through SQLite's ingest writer thread (the job crosses threads).
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openSqliteStore } from '../../../src/store/sqlite/sqlite-store.js';
import type { AppendInput, User } from '../../../src/store/types.js';
import type { Store } from '../../../src/store/store.js';
import { describeBackends, type BackendFixture } from './backends.js';
import { CREDENTIALS, tempDir } from './store-fixture.js';

const FORGED = { name: 'Authentication-Results', value: 'mx.test; dkim=pass', reason: 'ours', claimedId: 'mx.test' };
const PREFIX = Buffer.from('Return-Path: <a@b.test>\r\nReceived: from x by mx.test; Mon, 7 Dec 2026 10:00:00 +0000\r\n');
const BODY = Buffer.from('Subject: moved\r\nFrom: a@b.test\r\n\r\nhello\r\n');

async function checkCarried(store: Store, user: User): Promise<void> {
  const inbox = await store.getMailbox(user.id, 'INBOX');
  const inputs: AppendInput[] = [
    { raw: BODY, prefix: PREFIX, forgedFields: 1, removedFields: [FORGED], uid: 7, requireTls: true },
    { raw: BODY, removedFields: null, uid: 9 },
    { raw: BODY, uid: 10 },
  ];
  await store.appendAll(user.id, inbox.id, inputs);
  const [a, b, c] = await store.listMessages(user.id, inbox.id);
  expect(a).toMatchObject({ uid: 7, size: PREFIX.length + BODY.length, forgedFields: 1, requireTls: true });
  expect(b).toMatchObject({ uid: 9, size: BODY.length, forgedFields: 0, requireTls: false });
  expect(c).toMatchObject({ uid: 10, forgedFields: 0 });
  expect(await store.readMessage(user.id, inbox.id, 7)).toEqual(Buffer.concat([PREFIX, BODY]));
  const read = await store.readMessages(user.id, inbox.id, [7, 9], 1 << 20);
  expect(read.map((m) => [m.uid, m.prefix.toString(), m.body.toString()])).toEqual([
    [7, PREFIX.toString(), BODY.toString()],
    [9, '', BODY.toString()],
  ]);
  expect((await store.messageStructures(user.id, inbox.id, [7])).get(7)?.prefixLength).toBe(PREFIX.length);
  expect(await store.removedFields(user.id, inbox.id, 7)).toEqual([FORGED]);
  expect(await store.removedFields(user.id, inbox.id, 9)).toBeNull();
  expect(await store.removedFields(user.id, inbox.id, 10)).toEqual([]);
}

describeBackends('append with a trace prefix, forged-field count and removed fields (migrate-store)', (open) => {
  let fx: BackendFixture;
  let alice: User;
  beforeEach(async () => {
    fx = await open();
    alice = await fx.store.createUser('alice', CREDENTIALS);
  });
  afterEach(async () => {
    await fx.cleanup();
  });

  it('serves prefix || body, keeps them apart, and keeps the R2.2 record', async () => {
    await checkCarried(fx.store, alice);
  });

  it('prepareImport ranks every later change above modseqFloor when it is above 2^32 (RFC 7162 §3.1.2.1)', async () => {
    const floor = 2 ** 32 + 5000;
    const box = await fx.store.prepareImport(alice.id, 'Moved', { uidValidity: 1234, modseqFloor: floor });
    expect(box.highestModseq).toBe(floor);
    await fx.store.append(alice.id, box.id, { raw: BODY, uid: 1 });
    const [m] = await fx.store.listMessages(alice.id, box.id);
    expect(m!.modseq).toBeGreaterThan(floor);
    expect(await fx.store.vanishedSince(alice.id, box.id, floor - 1)).toBeNull(); // QRESYNC from a cached modseq: complete answer
    const low = await fx.store.prepareImport(alice.id, 'Imported', { uidValidity: 99, modseqFloor: 7 });
    expect(low.highestModseq).toBe(2 ** 32); // the import floor still holds
  });
});

describe('append with a trace prefix through the SQLite ingest writer thread', () => {
  it('carries the prefix across the thread as bytes', async () => {
    const tmp = tempDir();
    const store = await openSqliteStore({ path: `${tmp.dir}/store.sqlite`, ingest: 'thread' });
    try {
      await checkCarried(store, await store.createUser('alice', CREDENTIALS));
    } finally {
      await store.close();
      tmp.cleanup();
    }
  });
});
