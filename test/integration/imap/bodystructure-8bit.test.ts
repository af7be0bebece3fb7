// Issue 13 item 12 over real sockets: a Content-Type / Content-Disposition parameter with a raw 8-bit value
// (`name="été.pdf"`, as Outlook writes it) keeps its name in BODYSTRUCTURE, its value sent as a literal of the
// UTF-8 octets, as Dovecot 2.3 does (RFC 9051 §7.5.2 body-fld-param); an RFC 2231 value stays `name*`.
import { ImapFlow } from 'imapflow';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RawImap } from '../../support/imap-raw.js';
import { startTestServer, type TestServer } from '../../support/server.js';

const LISTENERS = `listeners:
  - { protocol: imap, address: 127.0.0.1, port: 0, tls: implicit }
`;
const USER = 'params@example.org';
const PASS = 'pw-params';

let t: TestServer;
beforeAll(async () => {
  t = await startTestServer({ listeners: LISTENERS });
  await t.addUser(USER, PASS);
});
afterAll(() => t.stop());

const OUTLOOK = [
  'From: a@example.org',
  'Subject: attachment',
  'MIME-Version: 1.0',
  'Content-Type: multipart/mixed; boundary="b"',
  '',
  '--b',
  'Content-Type: text/plain; charset=us-ascii',
  '',
  'see attached',
  '--b',
  'Content-Type: application/pdf; name="été.pdf"',
  'Content-Disposition: attachment; filename="été.pdf"',
  'Content-Transfer-Encoding: base64',
  '',
  'AAAA',
  '--b',
  "Content-Type: application/pdf; name*=utf-8''%C3%A9t%C3%A9.pdf",
  '',
  'x',
  '--b--',
  '',
].join('\r\n');

describe('BODYSTRUCTURE parameters with raw 8-bit values (issue 13 item 12)', () => {
  it('keeps name and filename, the value as a literal, and hands the client the file name', async () => {
    const c = new ImapFlow({ host: '127.0.0.1', port: t.port('imap', 0), secure: true, auth: { user: USER, pass: PASS }, tls: { rejectUnauthorized: false }, logger: false });
    await c.connect();
    try {
      await c.append('INBOX', Buffer.from(OUTLOOK, 'utf8'));
      const lock = await c.getMailboxLock('INBOX');
      try {
        const msg = await c.fetchOne('1', { bodyStructure: true }, { uid: true });
        const pdf = msg === false ? undefined : msg.bodyStructure?.childNodes?.[1];
        expect(pdf?.parameters?.name).toBe('été.pdf');
        expect(pdf?.dispositionParameters?.filename).toBe('été.pdf');
      } finally {
        lock.release();
      }
    } finally {
      await c.logout();
    }
    const raw = await RawImap.open(t.port('imap', 0), true);
    try {
      expect((await raw.cmd(`LOGIN ${USER} ${PASS}`)).tagged).toMatch(/OK/);
      expect((await raw.cmd('SELECT INBOX')).tagged).toMatch(/OK/);
      const reply = await raw.cmd('UID FETCH 1 BODYSTRUCTURE');
      expect(reply.tagged).toMatch(/OK/);
      const text = Buffer.from(reply.untagged, 'latin1').toString('utf8');
      expect(text).toContain('("application" "pdf" ("name" {9}\r\nété.pdf) NIL NIL "BASE64" 4 NIL ("attachment" ("filename" {9}\r\nété.pdf)) NIL NIL)');
      expect(text).toContain(`("application" "pdf" ("name*" "utf-8''%C3%A9t%C3%A9.pdf") NIL NIL "7BIT" 1 NIL NIL NIL NIL)`);
      expect(text).not.toContain('"name*" "utf-8\'\'%C3%A9t%C3%A9.pdf") NIL NIL "BASE64"');
    } finally {
      raw.close();
    }
  });
});
