// The Authentication-Results fields removed at ingest, kept with each message (SPEC R2.2; issue 16 item 7;
// migrations/0019-removed-fields.sql): recorded at delivery, carried by COPY, none for APPEND, unknown (null) for a
// message stored before the migration, not-found for a missing message — on every backend.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { User } from '../../../src/store/types.js';
import { describeBackends, type BackendFixture } from './backends.js';
import { CREDENTIALS, delivery, withStoreBeforeMigration } from './store-fixture.js';

const FORGED = { name: 'Authentication-Results', value: 'mx.test; dkim=pass', reason: 'ours', claimedId: 'mx.test' };

describeBackends('removed fields per message', (open) => {
  let fx: BackendFixture;
  let alice: User;
  beforeEach(async () => {
    fx = await open();
    alice = await fx.store.createUser('alice', CREDENTIALS);
  });
  afterEach(async () => {
    await fx.cleanup();
  });

  it('keeps what delivery removed, COPY carries it, APPEND records none, a missing UID is not-found', async () => {
    const inbox = await fx.store.getMailbox(alice.id, 'INBOX');
    const [res] = await fx.store.deliver(delivery('Subject: hi\r\n\r\nhi\r\n', [alice.id], { forgedFields: 1, removedFields: [FORGED] }));
    expect(res?.ok).toBe(true);
    expect(await fx.store.removedFields(alice.id, inbox.id, 1)).toEqual([FORGED]);

    const other = await fx.store.createMailbox(alice.id, 'Other');
    await fx.store.copy(alice.id, inbox.id, [1], other.id);
    expect(await fx.store.removedFields(alice.id, other.id, 1)).toEqual([FORGED]);

    const appended = await fx.store.append(alice.id, inbox.id, { raw: Buffer.from('Subject: a\r\n\r\na\r\n') });
    expect(await fx.store.removedFields(alice.id, inbox.id, appended.uid)).toEqual([]);

    await fx.store.deliver(delivery('Subject: x\r\n\r\nx\r\n', [alice.id])); // a writer that records nothing
    expect(await fx.store.removedFields(alice.id, inbox.id, 3)).toBeNull();

    await expect(fx.store.removedFields(alice.id, inbox.id, 99)).rejects.toMatchObject({ kind: 'not-found' });
    const bob = await fx.store.createUser('bob', CREDENTIALS);
    await expect(fx.store.removedFields(bob.id, inbox.id, 1)).rejects.toMatchObject({ kind: 'not-found' }); // not bob's mailbox
  });
});

describe('migrations/0019-removed-fields.sql on a store that holds mail', () => {
  it('leaves the messages already stored as not recorded (null), keeping their forged-field count', async () => {
    const seed =
      "INSERT INTO mailboxes (user_id, name, uid_validity, uid_next, highest_modseq) VALUES (1, 'INBOX', 1, 2, 1);" +
      "INSERT INTO bodies (bytes, size) VALUES (CAST('Subject: old\r\n\r\nbody\r\n' AS BLOB), 22);" +
      'INSERT INTO messages (mailbox_id, uid, modseq, internal_date, size, body_id, prefix, forged_fields) VALUES ' +
      "(1, 1, 1, 1000, 26, 1, CAST('X: 1' AS BLOB), 2);";
    await withStoreBeforeMigration('removed-fields', seed, async (store) => {
      expect(await store.removedFields(1, 1, 1)).toBeNull();
      const [m] = await store.listMessages(1, 1);
      expect(m!.forgedFields).toBe(2);
    });
  });
});
