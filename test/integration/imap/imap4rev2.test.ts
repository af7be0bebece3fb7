// IMAP4rev2 (RFC 9051, Appendix E) over real sockets, once a session sends ENABLE IMAP4rev2: no \Recent (no
// RECENT response, no \Recent in FLAGS, and nothing claimed from rev1 sessions), SEARCH answered in ESEARCH form
// only, SELECT with a LIST response and without the UNSEEN code, STATUS SIZE and DELETED, UTF-8 mailbox names;
// a session that did not enable it keeps the IMAP4rev1 forms.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
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

async function appendTwo(c: RawImap): Promise<void> {
  for (const [flags, subject] of [['(\\Seen)', 'one'], ['()', 'two']] as const) {
    const msg = `Subject: ${subject}\r\nFrom: a@example.org\r\n\r\nbody ${subject}\r\n`;
    await ok(c, `APPEND INBOX ${flags} {${msg.length}+}\r\n${msg}`);
  }
}

describe('IMAP4rev2 (RFC 9051)', () => {
  it('is advertised before and after login; ENABLE IMAP4rev2 is acknowledged once', async () => {
    const name = `r2-${++users}@example.org`;
    await t.addUser(name, 'pw');
    const anon = await RawImap.open(t.port('imap', 0));
    expect(await ok(anon, 'CAPABILITY')).toMatch(/^\* CAPABILITY IMAP4rev1 IMAP4rev2 /);
    anon.close();
    const c = await login(name);
    expect(await ok(c, 'CAPABILITY')).toMatch(/^\* CAPABILITY IMAP4rev1 IMAP4rev2 .* SEARCHRES /);
    expect(await ok(c, 'ENABLE IMAP4rev2')).toBe('* ENABLED IMAP4rev2\r\n');
    expect(await ok(c, 'ENABLE IMAP4rev2')).toBe('* ENABLED\r\n');
    c.close();
    // Both in one command: both listed; UTF8=ACCEPT is then in effect, so a later ENABLE of it lists nothing.
    const both = await login(name);
    expect(await ok(both, 'ENABLE IMAP4rev2 UTF8=ACCEPT')).toBe('* ENABLED IMAP4rev2 UTF8=ACCEPT\r\n');
    expect(await ok(both, 'ENABLE UTF8=ACCEPT')).toBe('* ENABLED\r\n');
    both.close();
  });

  it('a rev2 session: no \\Recent, LIST in SELECT, ESEARCH only; rev1 sessions keep their \\Recent', async () => {
    const name = `r2-${++users}@example.org`;
    await t.addUser(name, 'pw');
    const rev1 = await login(name);
    await appendTwo(rev1);
    const c = await login(name);
    await ok(c, 'ENABLE IMAP4rev2');
    const selected = await ok(c, 'SELECT INBOX');
    expect(selected).toMatch(/^\* 2 EXISTS\r\n/m);
    expect(selected).toMatch(/^\* LIST \(\\HasNoChildren\) "\/" "?INBOX"?\r\n/m);
    expect(selected).not.toMatch(/RECENT|\[UNSEEN|\\Recent/);
    expect(await ok(c, 'FETCH 1:* FLAGS')).toBe('* 1 FETCH (FLAGS (\\Seen))\r\n* 2 FETCH (FLAGS ())\r\n');
    expect(await ok(c, 'STORE 2 +FLAGS (\\Flagged)')).toBe('* 2 FETCH (FLAGS (\\Flagged))\r\n');
    // RFC 9051 §6.4.4: SEARCH without RETURN is answered as RETURN (ALL), in ESEARCH form.
    expect(await ok(c, 'SEARCH ALL')).toMatch(/^\* ESEARCH \(TAG "t\d+"\) ALL 1:2\r\n$/);
    expect(await ok(c, 'UID SEARCH UNSEEN')).toMatch(/^\* ESEARCH \(TAG "t\d+"\) UID ALL 2\r\n$/);
    expect(await ok(c, 'SEARCH DELETED')).toMatch(/^\* ESEARCH \(TAG "t\d+"\)\r\n$/);
    expect(await ok(c, 'SEARCH RETURN (COUNT) ALL')).toMatch(/^\* ESEARCH \(TAG "t\d+"\) COUNT 2\r\n$/);
    // FETCH BINARY is part of rev2 (RFC 9051 §6.4.5): a single-part message's text, decoded.
    expect(await ok(c, 'FETCH 2 BINARY.PEEK[1]')).toBe('* 2 FETCH (BINARY[1] {10}\r\nbody two\r\n)\r\n');
    expect(await ok(c, 'STATUS INBOX (MESSAGES SIZE DELETED)')).toMatch(/^\* STATUS "?INBOX"? \(MESSAGES 2 SIZE \d+ DELETED 0\)\r\n$/);
    // A rev1 session on the same mailbox still gets the messages as \Recent: the rev2 session claimed none.
    const r1 = await ok(rev1, 'SELECT INBOX');
    expect(r1).toMatch(/^\* 2 RECENT\r\n/m);
    expect(r1).toMatch(/\[UNSEEN 2\]/);
    expect(await ok(rev1, 'SEARCH ALL')).toBe('* SEARCH 1 2\r\n');
    expect(await ok(rev1, 'FETCH 2 FLAGS')).toBe('* 2 FETCH (FLAGS (\\Flagged \\Recent))\r\n');
    c.close();
    rev1.close();
  });

  it('mailbox names are UTF-8 in a rev2 session (RFC 9051 §5.1)', async () => {
    const name = `r2-${++users}@example.org`;
    await t.addUser(name, 'pw');
    const c = await login(name);
    await ok(c, 'ENABLE IMAP4rev2');
    await ok(c, 'CREATE "Größe/Ünter"');
    await ok(c, 'CREATE "Tom & Jerry"');
    expect(await ok(c, 'LIST "" "Größe*"')).toBe(wire('* LIST (\\HasChildren) "/" "Größe"\r\n* LIST (\\HasNoChildren) "/" "Größe/Ünter"\r\n'));
    expect(await ok(c, 'SELECT "Größe/Ünter"')).toContain(wire('* LIST (\\HasNoChildren) "/" "Größe/Ünter"\r\n'));
    // The same mailbox, seen by a rev1 session, in modified UTF-7.
    const rev1 = await login(name);
    expect(await ok(rev1, 'LIST "" "Tom*"')).toBe('* LIST (\\HasNoChildren) "/" "Tom &- Jerry"\r\n');
    c.close();
    rev1.close();
  });
});
