// Issue 13 item 16 over real sockets: UTF8=ACCEPT (RFC 6855) is advertised and, once enabled, done — mailbox
// names as UTF-8 quoted strings both ways with no modified UTF-7 ("&" is a character), APPEND's UTF8 (literal8)
// form, 8-bit headers served as they are and ENVELOPE strings in UTF-8; a session that did not enable it keeps
// modified UTF-7 and 7-bit quoted strings.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeMutf7 } from '../../../src/imap/protocol/mutf7.js';
import { RawImap } from '../../support/imap-raw.js';
import { PLAINTEXT_AUTH, startTestServer, type TestServer } from '../../support/server.js';

const LISTENERS = `listeners:
  - { protocol: imap, address: 127.0.0.1, port: 0, tls: none }
`;

let t: TestServer;
let users = 0;

beforeAll(async () => {
  t = await startTestServer({ listeners: LISTENERS, auth: PLAINTEXT_AUTH });
});
afterAll(() => t.stop());

/** What RawImap (latin1) shows of UTF-8 text received on the wire. */
const wire = (text: string): string => Buffer.from(text, 'utf8').toString('latin1');

async function login(name: string): Promise<RawImap> {
  const c = await RawImap.open(t.port('imap', 0));
  expect((await c.cmd(`LOGIN ${name} pw`)).tagged).toMatch(/ OK /);
  return c;
}

async function ok(c: RawImap, command: string): Promise<string> {
  const r = await c.cmd(command);
  expect(r.tagged, command).toMatch(/ OK /);
  return r.untagged;
}

describe('UTF8=ACCEPT (RFC 6855)', () => {
  it('is advertised once logged in, and ENABLE lists it once', async () => {
    const name = `u8-${++users}@example.org`;
    await t.addUser(name, 'pw');
    const c = await login(name);
    expect(await ok(c, 'CAPABILITY')).toMatch(/^\* CAPABILITY .* UTF8=ACCEPT( |\r\n)/m);
    expect(await ok(c, 'ENABLE UTF8=ACCEPT')).toBe('* ENABLED UTF8=ACCEPT\r\n');
    expect(await ok(c, 'ENABLE UTF8=ACCEPT')).toBe('* ENABLED\r\n');
    c.close();
  });

  it('after ENABLE: UTF-8 names both ways, APPEND UTF8 (literal8), 8-bit headers as they are', async () => {
    const name = `u8-${++users}@example.org`;
    await t.addUser(name, 'pw');
    const c = await login(name);
    // Before ENABLE a mailbox name must be modified UTF-7 (RFC 3501 §5.1.3): 8-bit octets are refused with NO,
    // as any other invalid name (issue 13 items 9, 11), and nothing is created.
    expect((await c.cmd('CREATE "Größe"')).tagged).toMatch(/ NO \[CANNOT\]/);
    await ok(c, 'ENABLE UTF8=ACCEPT');
    await ok(c, 'CREATE "Größe/Ünter"');
    await ok(c, 'CREATE "Tom & Jerry"'); // RFC 6855 §3: no modified UTF-7, so "&" is just a character
    expect(await ok(c, 'LIST "" "Größe*"')).toBe(
      wire('* LIST (\\HasChildren) "/" "Größe"\r\n* LIST (\\HasNoChildren) "/" "Größe/Ünter"\r\n'),
    );
    expect(await ok(c, 'LIST "" "Tom*"')).toBe('* LIST (\\HasNoChildren) "/" "Tom & Jerry"\r\n');
    expect(await ok(c, 'STATUS "Größe/Ünter" (MESSAGES)')).toBe(wire('* STATUS "Größe/Ünter" (MESSAGES 0)\r\n'));

    const message = 'From: Jörg <joerg@example.org>\r\nSubject: Grüße aus München\r\n\r\nHallo\r\n';
    const size = Buffer.byteLength(message);
    expect((await c.cmd(`APPEND "Größe" UTF8 (~{${size}+}\r\n${message})`)).tagged).toMatch(/ OK \[APPENDUID \d+ 1\]/);
    expect(await ok(c, 'SELECT "Größe"')).toMatch(/\* 1 EXISTS/);
    const fetched = await ok(c, 'FETCH 1 (ENVELOPE BODY.PEEK[HEADER.FIELDS (SUBJECT)])');
    expect(fetched).toContain(wire('"Grüße aus München" (("Jörg" NIL "joerg" "example.org"))'));
    expect(fetched).toContain(wire('Subject: Grüße aus München\r\n'));
    c.close();

    // Another session that did not enable it sees modified UTF-7 and the same mailboxes.
    const other = await login(name);
    expect(await ok(other, 'LIST "" "Gr*"')).toBe(
      `* LIST (\\HasChildren) "/" ${encodeMutf7('Größe')}\r\n* LIST (\\HasNoChildren) "/" ${encodeMutf7('Größe/Ünter')}\r\n`,
    );
    expect(await ok(other, 'LIST "" "Tom*"')).toBe('* LIST (\\HasNoChildren) "/" "Tom &- Jerry"\r\n');
    other.close();
  });
});
