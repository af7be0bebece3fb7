// The zone of INTERNALDATE in the store (issue 13 item 6, migrations/0007-internal-zone.sql): APPEND keeps the
// client's; a delivery and an APPEND without date-time take the server's local zone at that instant (as
// Dovecot serves received dates); COPY and MOVE carry it.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { describeBackends, type BackendFixture } from './backends.js';
import type { MailboxInfo, User } from '../../../src/store/types.js';
import { CREDENTIALS, delivery } from './store-fixture.js';

describeBackends('internal zone', (open) => {
  let fx: BackendFixture;
  let alice: User;
  let inbox: MailboxInfo;
  let tz: string | undefined;
  beforeEach(async () => {
    tz = process.env.TZ;
    process.env.TZ = 'Asia/Kolkata'; // +0530 all year: the local zone must not look like UTC
    fx = await open();
    alice = await fx.store.createUser('alice', CREDENTIALS);
    inbox = await fx.store.getMailbox(alice.id, 'INBOX');
  });
  afterEach(async () => {
    await fx.cleanup();
    if (tz === undefined) delete process.env.TZ;
    else process.env.TZ = tz;
  });

  describe('INTERNALDATE zone (issue 13 item 6)', () => {
    it('a delivery and an APPEND without date-time get the server local zone; an APPEND keeps its own; COPY and MOVE carry it', async () => {
      await fx.store.deliver(delivery('Subject: d\r\n\r\nx\r\n', [alice.id]));
      await fx.store.append(alice.id, inbox.id, { raw: Buffer.from('Subject: a\r\n\r\nx\r\n') });
      const given = new Date('2026-12-07T18:00:00Z');
      await fx.store.append(alice.id, inbox.id, { raw: Buffer.from('Subject: b\r\n\r\nx\r\n'), internalDate: given, internalZone: -480 });
      const zones = (await fx.store.listMessages(alice.id, inbox.id)).map((m) => m.internalZone);
      expect(zones).toEqual([330, 330, -480]);

      const archive = await fx.store.getMailbox(alice.id, 'Archive');
      const trash = await fx.store.getMailbox(alice.id, 'Trash');
      await fx.store.copy(alice.id, inbox.id, [1, 2, 3], archive.id);
      await fx.store.move(alice.id, archive.id, [1, 2, 3], trash.id);
      const moved = await fx.store.listMessages(alice.id, trash.id);
      expect(moved.map((m) => [m.internalZone, m.internalDate.getTime()])).toEqual(
        (await fx.store.listMessages(alice.id, inbox.id)).map((m) => [m.internalZone, m.internalDate.getTime()]),
      );
      expect(moved[2]).toMatchObject({ internalDate: given, internalZone: -480 });
    });
  });
});
