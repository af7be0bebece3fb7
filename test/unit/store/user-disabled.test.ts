// Issue 16 item 7: disabled accounts in the store — a store with users migrates them enabled
// (migrations/0021-user-disabled.sql), and disable / enable round-trip without touching the mail, on every backend.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isStoreError } from '../../../src/store/errors.js';
import { describeBackends, type BackendFixture } from './backends.js';
import { CREDENTIALS, withStoreBeforeMigration } from './store-fixture.js';

describeBackends('user disabled', (open) => {
  let f: BackendFixture;
  beforeEach(async () => {
    f = await open();
  });
  afterEach(async () => {
    await f.cleanup();
  });

  it('a new user is enabled; disable and enable change only that user', async () => {
    const a = await f.store.createUser('a@example.org', CREDENTIALS);
    const b = await f.store.createUser('b@example.org', CREDENTIALS);
    expect(a.disabled).toBe(false);
    await f.store.setUserDisabled(a.id, true);
    expect((await f.store.findUser('A@example.org'))?.disabled).toBe(true);
    expect((await f.store.getUser(b.id)).disabled).toBe(false);
    expect((await f.store.listUsers()).map((u) => [u.name, u.disabled])).toEqual([
      ['a@example.org', true],
      ['b@example.org', false],
    ]);
    expect((await f.store.listMailboxes(a.id)).length).toBeGreaterThan(0); // nothing of the account is removed
    await f.store.setUserDisabled(a.id, false);
    expect((await f.store.getUser(a.id)).disabled).toBe(false);
  });

  it('an unknown user is not-found', async () => {
    await expect(f.store.setUserDisabled(999, true)).rejects.toSatisfy((e: unknown) => isStoreError(e, 'not-found'));
  });
});

describe('migrations/0021-user-disabled.sql', () => {
  it('leaves the users of a store that already holds them enabled', async () => {
    await withStoreBeforeMigration('user-disabled', '', async (store) => {
      const users = await store.listUsers();
      expect(users.map((u) => [u.name, u.disabled])).toEqual([['u', false]]);
      await store.setUserDisabled(users[0]!.id, true);
      expect((await store.findUser('u'))?.disabled).toBe(true);
    });
  });
});
