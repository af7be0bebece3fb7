// Values a PostgreSQL text column cannot hold (issue 18): NUL octets in header fields (every field the store
// derives something from), in a MIME parameter and in the text. Such a message is delivered and appended, and every
// read — bytes, structure, FETCH forms, SEARCH fields, sort keys, text search, preview — answers on every backend
// as the message says, the same on both: bad input loses nothing.
import { afterEach, beforeEach, expect, it } from 'vitest';
import type { MailboxInfo, User } from '../../../src/store/types.js';
import { fetchTimeForms } from '../../support/awkward-messages.js';
import { describeBackends, type BackendFixture } from './backends.js';
import { CREDENTIALS, delivery } from './store-fixture.js';

const RAW = Buffer.from(
  [
    'From: "Ann\u0000Lee" <ann\u0000@example.org>',
    'To: bob\u0000@example.net',
    'Cc: carol@exa\u0000mple.net',
    'Subject: nul \u0000 here',
    'Date: Tue, 1 Jul 2003 10:52:37 +0200',
    'Message-ID: <id\u0000x@example.org>',
    'References: <r\u00001@example.org>',
    'MIME-Version: 1.0',
    'Content-Type: text/plain; charset="us-ascii"; name="a\u0000b.txt"',
    '',
    'before\u0000after and findable words',
    '',
  ].join('\r\n'),
  'latin1',
);

describeBackends('NUL octets in header fields and text', (open) => {
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

  it('are stored by delivery and APPEND and served by every read', async () => {
    const [delivered] = await fx.store.deliver({ ...delivery('', [alice.id]), body: RAW });
    expect(delivered).toMatchObject({ ok: true, uid: 1 });
    const appended = await fx.store.append(alice.id, inbox.id, { raw: RAW });
    expect(appended.uid).toBe(2);
    const s = fx.store;
    const whole = await s.readMessage(alice.id, inbox.id, 2);
    expect(whole.equals(RAW)).toBe(true);
    const structures = await s.messageStructures(alice.id, inbox.id, [1, 2]);
    for (const utf8 of [false, true]) {
      const forms = await s.messageForms(alice.id, inbox.id, [1, 2], utf8);
      for (const uid of [1, 2]) expect(forms.get(uid)).toEqual(fetchTimeForms(structures.get(uid)!.mime, utf8));
    }
    const fields = await s.searchFields(alice.id, inbox.id, [2], ['from', 'to', 'cc', 'subject']);
    expect(fields.get(2)?.values.subject?.[0]).toContain('nul');
    expect(fields.get(2)?.sentDay).toEqual({ year: 2003, month: 7, day: 1 });
    const keys = await s.sortKeys(alice.id, inbox.id, { from: 1, to: 2 });
    expect(keys.map((k) => k.uid)).toEqual([1, 2]);
    expect(keys[1]!.keys.subject).toContain('NUL');
    expect(await s.searchText(alice.id, inbox.id, 'findable words', 'body')).toEqual([1, 2]);
    expect(await s.searchText(alice.id, inbox.id, 'nul', 'text')).toEqual([1, 2]);
    const previews = await s.previews(alice.id, inbox.id, [1, 2], false);
    expect(previews.get(2)).toContain('findable');
  });
});
