// ENVELOPE / BODY / BODYSTRUCTURE rendered at ingest (issue 17 item 2; migrations/0022-rendered-items.sql): the
// forms the store keeps, in both string modes (RFC 6855 §3), equal byte for byte what FETCH rendered from the stored
// structure, for a corpus of awkward messages; delivery, APPEND, COPY and MOVE share one row per body; bodies whose
// rows are missing or of another renderer version get them on first need, identical — on every backend, and for a
// SQLite store whose bodies predate the migration.
import { readFileSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { RENDERING_VERSION } from '../../../src/store/sqlite/renderings.js';
import type { Store } from '../../../src/store/store.js';
import type { MailboxInfo, User } from '../../../src/store/types.js';
import { awkwardCorpus, fetchTimeForms } from '../../support/awkward-messages.js';
import { sqlRows, sqlValue } from './backend-sql.js';
import { describeBackends, type BackendFixture } from './backends.js';
import { CREDENTIALS, delivery, withStoreBeforeMigration } from './store-fixture.js';

const corpus = awkwardCorpus();
const GOLDEN = new URL('../../fixtures/mime/', import.meta.url);
/** Golden files parsed with a smaller limit than the store's (bodystructure-golden.test.ts). */
const OTHER_LIMITS = new Set(['deep-nesting']);

/** Each mode's stored forms of `uids` against those rendered from the stored structure, message by message. */
async function expectFetchTimeForms(store: Store, userId: number, mailboxId: number, uids: number[]): Promise<void> {
  const structures = await store.messageStructures(userId, mailboxId, uids);
  for (const utf8 of [false, true]) {
    const forms = await store.messageForms(userId, mailboxId, uids, utf8);
    expect([...forms.keys()]).toEqual(uids);
    for (const uid of uids) {
      const name = corpus[(uid - 1) % corpus.length]!.name;
      expect({ name, utf8, ...forms.get(uid) }).toEqual({ name, utf8, ...fetchTimeForms(structures.get(uid)!.mime, utf8) });
    }
  }
}

describeBackends('forms rendered at ingest', (open) => {
  let fx: BackendFixture;
  let alice: User;
  let inbox: MailboxInfo;
  beforeEach(async () => {
    fx = await open();
    alice = await fx.store.createUser('alice', CREDENTIALS);
    inbox = await fx.store.getMailbox(alice.id, 'INBOX');
  });
  afterEach(async () => {
    await fx.cleanup();
  });

  const rows = (f: BackendFixture): Promise<number> => sqlValue<number>(f, 'SELECT COUNT(*) FROM body_renderings').then(Number);

  it('equal, byte for byte and in both modes, what FETCH rendered from the structure (delivery and APPEND)', async () => {
    for (const { raw } of corpus) await fx.store.deliver({ ...delivery('', [alice.id]), body: raw });
    const uids = corpus.map((_, i) => i + 1);
    expect(await rows(fx)).toBe(corpus.length); // stored in the delivery's transaction, before any FETCH
    await expectFetchTimeForms(fx.store, alice.id, inbox.id, uids);
    const other = await fx.store.createMailbox(alice.id, 'Appended');
    for (const { raw } of corpus) await fx.store.append(alice.id, other.id, { raw });
    expect(await rows(fx)).toBe(2 * corpus.length);
    await expectFetchTimeForms(fx.store, alice.id, other.id, uids);
  });

  it('match the golden BODYSTRUCTURE and ENVELOPE of the MIME fixtures', async () => {
    const golden = corpus.filter(({ name }) => !name.startsWith('awkward-') && !OTHER_LIMITS.has(name));
    expect(golden.length).toBeGreaterThanOrEqual(24);
    for (const { raw } of golden) await fx.store.append(alice.id, inbox.id, { raw });
    const forms = await fx.store.messageForms(alice.id, inbox.id, golden.map((_, i) => i + 1), false);
    golden.forEach(({ name }, i) => {
      const want = (kind: string): string => readFileSync(new URL(`${name}.${kind}`, GOLDEN)).toString('latin1').replace(/\n$/, '');
      expect({ name, bodystructure: forms.get(i + 1)?.bodystructure }).toEqual({ name, bodystructure: want('bodystructure') });
      expect({ name, envelope: forms.get(i + 1)?.envelope }).toEqual({ name, envelope: want('envelope') });
    });
  });

  it('keep a UTF8=ACCEPT form only where it differs', async () => {
    await fx.store.append(alice.id, inbox.id, { raw: Buffer.from('Subject: plain\r\n\r\nx\r\n') });
    await fx.store.append(alice.id, inbox.id, { raw: Buffer.from('Subject: été\r\n\r\nx\r\n') }); // raw UTF-8
    const stored = await sqlRows(fx, 'SELECT envelope, envelope_utf8, body_utf8, bodystructure_utf8 FROM body_renderings ORDER BY body_id');
    expect(stored).toEqual([
      { envelope: '(NIL "plain" NIL NIL NIL NIL NIL NIL NIL NIL)', envelope_utf8: null, body_utf8: null, bodystructure_utf8: null },
      { envelope: '(NIL {5}\r\n\xc3\xa9t\xc3\xa9 NIL NIL NIL NIL NIL NIL NIL NIL)', envelope_utf8: '(NIL "\xc3\xa9t\xc3\xa9" NIL NIL NIL NIL NIL NIL NIL NIL)', body_utf8: null, bodystructure_utf8: null },
    ]);
    expect((await fx.store.messageForms(alice.id, inbox.id, [2], true)).get(2)?.envelope).toBe('(NIL "\xc3\xa9t\xc3\xa9" NIL NIL NIL NIL NIL NIL NIL NIL)');
  });

  it('read only the forms asked for, in the mode asked for', async () => {
    for (const { raw } of corpus.slice(0, 8)) await fx.store.append(alice.id, inbox.id, { raw });
    const uids = [1, 2, 3, 4, 5, 6, 7, 8];
    for (const utf8 of [false, true]) {
      const all = await fx.store.messageForms(alice.id, inbox.id, uids, utf8);
      const some = await fx.store.messageForms(alice.id, inbox.id, uids, utf8, ['bodystructure', 'envelope']);
      for (const uid of uids) {
        const { envelope, bodystructure } = all.get(uid)!;
        expect(some.get(uid)).toEqual({ envelope, bodystructure });
      }
    }
  });

  it('are shared by COPY and MOVE, and freed with the body', async () => {
    const { uid } = await fx.store.append(alice.id, inbox.id, { raw: corpus[0]!.raw });
    const other = await fx.store.createMailbox(alice.id, 'Other');
    const third = await fx.store.createMailbox(alice.id, 'Third');
    await fx.store.copy(alice.id, inbox.id, [uid], other.id);
    await fx.store.move(alice.id, other.id, [1], third.id);
    expect(await rows(fx)).toBe(1);
    const original = await fx.store.messageForms(alice.id, inbox.id, [uid], false);
    expect(await fx.store.messageForms(alice.id, third.id, [1], false)).toEqual(original);
    await fx.store.expunge(alice.id, inbox.id, { uids: [uid], force: true });
    await fx.store.expunge(alice.id, third.id, { uids: [1], force: true });
    expect(await rows(fx)).toBe(0);
  });

  it('are rendered again, identically, when stored by another version', async () => {
    for (const { raw } of corpus.slice(0, 5)) await fx.store.append(alice.id, inbox.id, { raw });
    await sqlRows(fx, "UPDATE body_renderings SET version = -1, envelope = 'bogus', body_utf8 = 'bogus'");
    await expectFetchTimeForms(fx.store, alice.id, inbox.id, [1, 2, 3, 4, 5]);
    expect((await sqlRows<{ version: number }>(fx, 'SELECT DISTINCT version FROM body_renderings')).map((r) => r.version)).toEqual([RENDERING_VERSION]);
  });

  it('refuse another user\'s mailbox and leave out UIDs that are not there', async () => {
    await fx.store.append(alice.id, inbox.id, { raw: corpus[0]!.raw });
    expect([...(await fx.store.messageForms(alice.id, inbox.id, [1, 2, 99], false)).keys()]).toEqual([1]);
    const bob = await fx.store.createUser('bob', CREDENTIALS);
    await expect(fx.store.messageForms(bob.id, inbox.id, [1], false)).rejects.toMatchObject({ kind: 'not-found' });
  });

  it('are rendered and stored on first need for bodies stored without them, then read back the same', async () => {
    for (const { raw } of corpus) await fx.store.append(alice.id, inbox.id, { raw });
    await sqlRows(fx, 'DELETE FROM body_renderings'); // as a store from before the migration holds them
    const uids = corpus.map((_, i) => i + 1);
    await expectFetchTimeForms(fx.store, alice.id, inbox.id, uids);
    expect(await rows(fx)).toBe(corpus.length);
    await expectFetchTimeForms(fx.store, alice.id, inbox.id, uids);
  });

});

describe('migrations/0022-rendered-items.sql on a store that holds mail', () => {
  it('renders the forms of bodies stored before it on first need, stores them, and serves the same octets', async () => {
    const hex = (b: Buffer): string => `X'${b.toString('hex')}'`;
    const seed =
      `INSERT INTO mailboxes (user_id, name, uid_validity, uid_next, highest_modseq) VALUES (1, 'INBOX', 1, ${corpus.length + 1}, 1);` +
      corpus.map(({ raw }) => `INSERT INTO bodies (bytes, size) VALUES (${hex(raw)}, ${raw.length});`).join('') +
      corpus
        .map(({ raw }, i) => `INSERT INTO messages (mailbox_id, uid, modseq, internal_date, size, body_id, prefix) VALUES (1, ${i + 1}, 1, 0, ${raw.length + 3}, ${i + 1}, CAST('X\r\n' AS BLOB));`)
        .join('');
    await withStoreBeforeMigration('rendered-items', seed, async (store) => {
      const rows = (): number => store.db.prepare('SELECT COUNT(*) FROM body_renderings').pluck().get() as number;
      expect(rows()).toBe(0);
      const uids = corpus.map((_, i) => i + 1);
      await expectFetchTimeForms(store, 1, 1, uids);
      expect(rows()).toBe(corpus.length);
      // Read back as stored, now without rendering: the same octets again.
      await expectFetchTimeForms(store, 1, 1, uids);
      expect((await store.check()).problems).toEqual([]);
    });
  });
});
