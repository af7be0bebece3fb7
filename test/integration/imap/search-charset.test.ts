// 8-bit octets in quoted strings and SEARCH CHARSET (issue 13 item 11; RFC 9051 §6.4.4 and §9 QUOTED-CHAR,
// RFC 3501 §6.4.4, RFC 5530 BADCHARSET), over a raw socket: search strings sent as raw UTF-8 inside quotes, or
// in ISO-8859-1, windows-1250 or KOI8-R (quoted or literal), are converted to Unicode and find the message;
// an unknown charset is NO [BADCHARSET (...)]; octets invalid in the named charset are BAD, as Dovecot.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RawImap } from '../../support/imap-raw.js';
import { PLAINTEXT_AUTH, startTestServer, type TestServer } from '../../support/server.js';

const LISTENERS = `listeners:
  - { protocol: imap, address: 127.0.0.1, port: 0, tls: none }
`;

let t: TestServer;
let c: RawImap;
const uids: Record<string, number> = {};

const MESSAGES: Record<string, string> = {
  munich: 'Subject: Reise nach München\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\nWir fahren nach München im Mai.\r\n',
  moscow: 'Subject: Москва зимой\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\nПривет из Москвы\r\n',
  lodz: 'Subject: =?utf-8?q?=C5=81=C3=B3d=C5=BA?= trip\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nnothing else\r\n',
  plain: 'Subject: plain\r\n\r\nnothing here\r\n',
};

beforeAll(async () => {
  t = await startTestServer({ listeners: LISTENERS, auth: PLAINTEXT_AUTH });
  await t.addUser('charset@example.org', 'pw-charset');
  c = await RawImap.open(t.port('imap'));
  expect((await c.cmd('LOGIN charset@example.org pw-charset')).tagged).toMatch(/OK/);
  for (const [name, text] of Object.entries(MESSAGES)) {
    const octets = Buffer.from(text, 'utf8');
    const tag = c.nextTag();
    c.write(Buffer.concat([Buffer.from(`${tag} APPEND INBOX {${octets.length}+}\r\n`), octets, Buffer.from('\r\n')]));
    const r = await c.reply(tag);
    expect(r.tagged).toMatch(/OK \[APPENDUID \d+ \d+\]/);
    uids[name] = Number(/APPENDUID \d+ (\d+)/.exec(r.tagged!)![1]);
  }
  expect((await c.cmd('SELECT INBOX')).tagged).toMatch(/OK/);
}, 60_000);
afterAll(async () => {
  c?.close();
  await t.stop();
});

/** Sends `UID SEARCH <args>` (octets as given); the tagged line and the UIDs found. */
async function search(args: Buffer): Promise<{ tagged: string; found: number[] }> {
  const tag = c.nextTag();
  c.write(Buffer.concat([Buffer.from(`${tag} UID SEARCH `), args, Buffer.from('\r\n')]));
  const r = await c.reply(tag);
  const line = /^\* SEARCH(.*)$/m.exec(r.untagged);
  const found = line ? line[1]!.trim().split(/\s+/).filter(Boolean).map(Number).sort((a, b) => a - b) : [];
  return { tagged: r.tagged!.slice(tag.length + 1), found };
}

const utf8 = (s: string): Buffer => Buffer.from(s, 'utf8');
const bytes = (...parts: Array<string | number[] | Buffer>): Buffer =>
  Buffer.concat(parts.map((p) => (typeof p === 'string' ? Buffer.from(p, 'latin1') : Buffer.isBuffer(p) ? p : Buffer.from(p))));
/** A LITERAL+ literal of `octets`. */
const literal = (octets: Buffer): Buffer => Buffer.concat([Buffer.from(`{${octets.length}+}\r\n`), octets]);

// KOI8-R octets, written out (the codec under test is not used to make its own input).
const KOI8R_MOSKVA = [0xed, 0xcf, 0xd3, 0xcb, 0xd7, 0xc1]; // Москва
const KOI8R_PRIVET = [0xd0, 0xd2, 0xc9, 0xd7, 0xc5, 0xd4]; // привет

describe('raw UTF-8 inside a quoted string (issue 13 item 11)', () => {
  it('SEARCH CHARSET UTF-8 BODY "münchen" finds the message', async () => {
    expect(await search(utf8('CHARSET UTF-8 BODY "münchen"'))).toEqual({ tagged: expect.stringMatching(/^OK/), found: [uids.munich] });
  });

  it('without CHARSET (UTF-8 assumed), in SUBJECT, TEXT and under OR/NOT too', async () => {
    expect((await search(utf8('SUBJECT "MÜNCHEN"'))).found).toEqual([uids.munich]);
    expect((await search(utf8('TEXT "москвы"'))).found).toEqual([uids.moscow]);
    expect((await search(utf8('OR SUBJECT "münchen" SUBJECT "москва"'))).found).toEqual([uids.munich, uids.moscow]);
    expect((await search(utf8('NOT SUBJECT "Łódź" NOT BODY "münchen"'))).found).toEqual([uids.moscow, uids.plain]);
  });

  it('malformed UTF-8 under CHARSET UTF-8 is BAD (Dovecot: Invalid search key), and the session goes on', async () => {
    expect((await search(bytes('CHARSET UTF-8 BODY "m', [0xfc], 'nchen"'))).tagged).toMatch(/^BAD/);
    expect((await search(bytes('BODY "', [0xc3], '"'))).tagged).toMatch(/^BAD/);
    expect((await search(bytes('CHARSET US-ASCII BODY "', [0xc3, 0xbc], '"'))).tagged).toMatch(/^BAD/);
    expect((await c.cmd('NOOP')).tagged).toMatch(/OK/);
  });

  it('an 8-bit quoted mailbox name is a valid string but not modified UTF-7: NO, not BAD', async () => {
    const tag = c.nextTag();
    c.write(Buffer.concat([Buffer.from(`${tag} STATUS `), utf8('"Grüße"'), Buffer.from(' (MESSAGES)\r\n')]));
    expect((await c.reply(tag)).tagged).toMatch(/^t\d+ NO /);
  });
});

describe('SEARCH CHARSET converts the search strings (issue 13 item 11)', () => {
  it('ISO-8859-1, as a literal and quoted', async () => {
    expect(await search(bytes('CHARSET ISO-8859-1 BODY ', literal(bytes('m', [0xfc], 'nchen'))))).toEqual({ tagged: expect.stringMatching(/^OK/), found: [uids.munich] });
    expect((await search(bytes('CHARSET iso-8859-1 SUBJECT "M', [0xdc], 'NCHEN"'))).found).toEqual([uids.munich]);
  });

  it('KOI8-R, as a literal and quoted', async () => {
    expect((await search(bytes('CHARSET KOI8-R SUBJECT ', literal(Buffer.from(KOI8R_MOSKVA))))).found).toEqual([uids.moscow]);
    expect((await search(bytes('CHARSET koi8-r BODY "', KOI8R_PRIVET, '"'))).found).toEqual([uids.moscow]);
  });

  it('windows-1250 (Ł = 0xA3, ó = 0xF3, ź = 0x9F) against an RFC 2047 subject', async () => {
    expect((await search(bytes('CHARSET WINDOWS-1250 SUBJECT "', [0xa3, 0xf3], 'd', [0x9f], '"'))).found).toEqual([uids.lodz]);
  });

  it('an unknown charset is NO [BADCHARSET (...)] listing what is supported; the session goes on', async () => {
    const r = await search(utf8('CHARSET X-NO-SUCH-CHARSET BODY "a"'));
    expect(r.tagged).toMatch(/^NO \[BADCHARSET \(([^()]+ )?US-ASCII UTF-8 [^()]*ISO-8859-1 [^()]*KOI8-R[^()]*\)\]/);
    expect((await search(utf8('CHARSET "UTF-7" ALL'))).tagged).toMatch(/^NO \[BADCHARSET \(/);
    expect((await c.cmd('NOOP')).tagged).toMatch(/OK/);
  });

  it('octets the named charset does not define are BAD (Dovecot: Invalid search key)', async () => {
    // ISO-8859-3 leaves 0xA5 undefined.
    expect((await search(bytes('CHARSET ISO-8859-3 BODY "', [0xa5], '"'))).tagged).toMatch(/^BAD/);
  });
});
