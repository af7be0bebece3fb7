// Issue 17 item 2 over real sockets: ENVELOPE, BODY and BODYSTRUCTURE, now rendered at ingest and read from the
// store, go out byte for byte as FETCH rendered them from the parsed message before (RFC 9051 §7.5.2), for a corpus
// of awkward messages, in the first session after the APPENDs (cold: read from the store), in a later one (warm:
// the render cache), and with UTF8=ACCEPT (RFC 6855 §3); imapflow reads them as before.
import { ImapFlow } from 'imapflow';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseMessage } from '../../../src/mime/parse.js';
import { awkwardCorpus, fetchTimeForms } from '../../support/awkward-messages.js';
import { RawImap } from '../../support/imap-raw.js';
import { PLAINTEXT_AUTH, startTestServer, type TestServer } from '../../support/server.js';

const LISTENERS = `listeners:
  - { protocol: imap, address: 127.0.0.1, port: 0, tls: none }
`;
const USER = 'forms@example.org';
const PASS = 'pw-forms';

let t: TestServer;
/** The corpus messages APPEND took, as the server serves them (bare LF made CRLF), in UID order. */
const stored: Buffer[] = [];

beforeAll(async () => {
  t = await startTestServer({ listeners: LISTENERS, auth: PLAINTEXT_AUTH });
  await t.addUser(USER, PASS);
  const c = new ImapFlow({ host: '127.0.0.1', port: t.port('imap', 0), secure: false, auth: { user: USER, pass: PASS }, logger: false });
  await c.connect();
  try {
    for (const { raw } of awkwardCorpus()) await c.append('INBOX', raw).catch(() => false); // APPEND refuses an empty message
    const lock = await c.getMailboxLock('INBOX');
    try {
      for await (const msg of c.fetch('1:*', { uid: true, source: true })) stored[msg.seq - 1] = msg.source!;
    } finally {
      lock.release();
    }
  } finally {
    await c.logout();
  }
});
afterAll(() => t.stop());

function expected(utf8: boolean): string {
  return stored
    .map((raw, i) => {
      const f = fetchTimeForms(parseMessage(raw), utf8);
      return `* ${i + 1} FETCH (UID ${i + 1} ENVELOPE ${f.envelope} BODY ${f.body} BODYSTRUCTURE ${f.bodystructure})\r\n`;
    })
    .join('');
}

async function fetchAll(utf8: boolean): Promise<string> {
  const c = await RawImap.open(t.port('imap', 0));
  try {
    expect((await c.cmd(`LOGIN ${USER} ${PASS}`)).tagged).toMatch(/ OK /);
    if (utf8) expect((await c.cmd('ENABLE UTF8=ACCEPT')).tagged).toMatch(/ OK /);
    expect((await c.cmd('SELECT INBOX')).tagged).toMatch(/ OK /);
    const r = await c.cmd('UID FETCH 1:* (ENVELOPE BODY BODYSTRUCTURE)');
    expect(r.tagged).toMatch(/ OK /);
    return r.untagged;
  } finally {
    c.close();
  }
}

describe('ENVELOPE / BODY / BODYSTRUCTURE rendered at ingest (issue 17 item 2)', () => {
  it('go out as FETCH rendered them, cold then warm, with and without UTF8=ACCEPT', async () => {
    expect(stored.length).toBeGreaterThanOrEqual(40);
    expect(await fetchAll(false)).toBe(expected(false)); // cold: the forms the store keeps
    expect(await fetchAll(true)).toBe(expected(true));
    expect(await fetchAll(false)).toBe(expected(false)); // warm: the render cache
    expect(await fetchAll(true)).toBe(expected(true));
  });

  it('are read by imapflow as the parsed messages say', async () => {
    const c = new ImapFlow({ host: '127.0.0.1', port: t.port('imap', 0), secure: false, auth: { user: USER, pass: PASS }, logger: false });
    await c.connect();
    const lock = await c.getMailboxLock('INBOX');
    try {
      let n = 0;
      for await (const msg of c.fetch('1:*', { uid: true, envelope: true, bodyStructure: true })) {
        const mime = parseMessage(stored[msg.seq - 1]!);
        expect(msg.bodyStructure?.type).toBe(`${mime.root.type}/${mime.root.subtype}`.toLowerCase());
        if (mime.root.type === 'multipart') expect(msg.bodyStructure?.childNodes?.length).toBe(Math.max(1, mime.root.children.length));
        expect(msg.envelope?.messageId ?? null).toBe(mime.envelope.messageId);
        n += 1;
      }
      expect(n).toBe(stored.length);
    } finally {
      lock.release();
      await c.logout();
    }
  });
});
