// Issue 17 item 2, as a class: for any generated message (MIME-like lines with 8-bit, encoded words, RFC 2231
// parameters, NUL/CR/LF in decoded values, any line ending), the ENVELOPE / BODY / BODYSTRUCTURE forms the store
// renders at ingest and keeps as text, read back through SQLite, equal byte for byte, in both modes, what FETCH
// renders from the stored structure; and a UTF8=ACCEPT column is kept exactly where the modes differ.
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MailboxInfo, User } from '../../../src/store/types.js';
import { fetchTimeForms } from '../../support/awkward-messages.js';
import { CREDENTIALS, openFixture, type Fixture } from '../../unit/store/store-fixture.js';

const line = fc.oneof(
  fc.constantFrom(
    'Content-Type: multipart/mixed; boundary=a',
    'Content-Type: multipart/alternative; boundary="b"',
    'Content-Type: message/rfc822',
    'Content-Type: message/global',
    'Content-Type: text/plain; charset=iso-8859-1; name="\xc3\xa9t\xc3\xa9.txt"',
    "Content-Type: application/octet-stream; name*=utf-8''%00%0D%0A%C3%A9",
    "Content-Disposition: attachment; filename*0*=utf-8''%E2; filename*1=x",
    'Content-Language: fr, \xc3\xa9',
    'Content-Description: =?utf-8?Q?a=00b=0Dc?=',
    'Subject: =?utf-8?B?w6l0w6k=?= "q" \\ \xc3\xa9',
    'From: =?utf-8?Q?J=C3=B6rg=00?= <j@x>, G: d@e;, (x',
    'To: "\xc3\xa9" <\xc3\xa9@\xc3\xa9>, <@r:x@y>, ,@',
    'Message-ID: <a"b\\c@x>',
    ' folded',
    '--a',
    '--a--',
    '--b',
    '--b--',
    '',
  ),
  fc.string({ maxLength: 30 }),
  fc.uint8Array({ maxLength: 40 }).map((b) => Buffer.from(b).toString('latin1')),
);
const message = fc
  .tuple(fc.array(line, { maxLength: 30 }), fc.constantFrom('\r\n', '\n'))
  .map(([lines, nl]) => Buffer.from(lines.join(nl), 'latin1'))
  .filter((b) => b.length > 0);

let fx: Fixture;
let alice: User;
let inbox: MailboxInfo;
beforeAll(async () => {
  fx = await openFixture();
  alice = await fx.store.createUser('alice', CREDENTIALS);
  inbox = await fx.store.getMailbox(alice.id, 'INBOX');
});
afterAll(async () => {
  await fx.cleanup();
});

describe('forms rendered at ingest (property)', () => {
  it('read back equal to the FETCH-time rendering of the stored structure, in both modes', async () => {
    const utf8Column = fx.store.db.prepare('SELECT envelope_utf8, body_utf8, bodystructure_utf8 FROM body_renderings r JOIN messages m ON m.body_id = r.body_id WHERE m.mailbox_id = ? AND m.uid = ?');
    await fc.assert(
      fc.asyncProperty(message, async (raw) => {
        const { uid } = await fx.store.append(alice.id, inbox.id, { raw });
        const mime = (await fx.store.messageStructures(alice.id, inbox.id, [uid])).get(uid)!.mime;
        const plain = (await fx.store.messageForms(alice.id, inbox.id, [uid], false)).get(uid);
        const utf8 = (await fx.store.messageForms(alice.id, inbox.id, [uid], true)).get(uid);
        const wantPlain = fetchTimeForms(mime, false);
        const wantUtf8 = fetchTimeForms(mime, true);
        expect(plain).toEqual(wantPlain);
        expect(utf8).toEqual(wantUtf8);
        const kept = utf8Column.get(inbox.id, uid) as Record<string, string | null>;
        for (const k of ['envelope', 'body', 'bodystructure'] as const) {
          expect(kept[`${k}_utf8`]).toBe(wantUtf8[k] === wantPlain[k] ? null : wantUtf8[k]);
        }
      }),
      { numRuns: 300 },
    );
  });
});
