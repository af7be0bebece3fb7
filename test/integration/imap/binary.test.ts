// Issue 15 item 6, BINARY (RFC 3516) over real sockets: advertised; FETCH BINARY[part] undoes base64 and
// quoted-printable, sends literal8 (`~{n}`) only for data with NUL, honours <partial>; BINARY sets \Seen and
// BINARY.PEEK does not; BINARY.SIZE is the decoded size; an unknown encoding is NO [UNKNOWN-CTE]; APPEND takes a
// literal8 holding NUL (and a MULTIAPPEND mixing both forms). imapflow's binary fetch reads decoded parts.
import { ImapFlow } from 'imapflow';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RawImap } from '../../support/imap-raw.js';
import { PLAINTEXT_AUTH, startTestServer, type TestServer } from '../../support/server.js';

const LISTENERS = `listeners:
  - { protocol: imap, address: 127.0.0.1, port: 0, tls: none }
  - { protocol: imap, address: 127.0.0.1, port: 0, tls: implicit }
`;

let t: TestServer;
let users = 0;
beforeAll(async () => {
  t = await startTestServer({ listeners: LISTENERS, auth: PLAINTEXT_AUTH });
});
afterAll(() => t.stop());

const PAYLOAD = Buffer.from('bin\0ary\r\ndata\xff', 'latin1');
const MULTIPART = [
  'Subject: parts',
  'MIME-Version: 1.0',
  'Content-Type: multipart/mixed; boundary="B"',
  '',
  '--B',
  'Content-Type: application/octet-stream',
  'Content-Transfer-Encoding: base64',
  '',
  PAYLOAD.toString('base64'),
  '--B',
  'Content-Type: text/plain; charset=utf-8',
  'Content-Transfer-Encoding: quoted-printable',
  '',
  'caf=C3=A9 =',
  'soft',
  '--B',
  'Content-Type: text/plain',
  'Content-Transfer-Encoding: x-gzip64',
  '',
  'H4sIAAAA',
  '--B--',
  '',
].join('\r\n');

async function login(): Promise<{ name: string; c: RawImap }> {
  const name = `bin${++users}@example.org`;
  await t.addUser(name, 'pw');
  const c = await RawImap.open(t.port('imap'));
  expect((await c.cmd(`LOGIN ${name} pw`)).tagged).toMatch(/ OK /);
  return { name, c };
}

describe('BINARY (RFC 3516)', () => {
  it('is advertised; FETCH BINARY decodes, uses literal8 only for NUL, honours partial, and sets \\Seen unless PEEK', async () => {
    const { c } = await login();
    expect((await c.cmd('CAPABILITY')).untagged).toMatch(/ BINARY( |\r\n)/);
    expect((await c.cmd(`APPEND INBOX {${MULTIPART.length}+}\r\n${MULTIPART}`)).tagged).toMatch(/ OK /);
    expect((await c.cmd('SELECT INBOX')).tagged).toMatch(/ OK /);
    const peek = await c.cmd('FETCH 1 (BINARY.PEEK[1] BINARY.SIZE[1] BINARY.PEEK[2] BINARY.SIZE[2])');
    expect(peek.tagged).toMatch(/ OK /);
    expect(Buffer.from(peek.untagged, 'latin1')).toEqual(
      Buffer.concat([
        Buffer.from(`* 1 FETCH (BINARY[1] ~{${PAYLOAD.length}}\r\n`),
        PAYLOAD,
        Buffer.from(` BINARY.SIZE[1] ${PAYLOAD.length} BINARY[2] {10}\r\ncaf\xc3\xa9 soft BINARY.SIZE[2] 10)\r\n`, 'latin1'),
      ]),
    );
    expect((await c.cmd('FETCH 1 (FLAGS)')).untagged).not.toContain('\\Seen');
    const partial = await c.cmd('FETCH 1 (BINARY[1]<4.5>)');
    expect(partial.untagged).toBe('* 1 FETCH (BINARY[1]<4> {5}\r\nary\r\n FLAGS (\\Seen \\Recent))\r\n');
    expect((await c.cmd('FETCH 1 (BINARY.PEEK[1]<100.5>)')).untagged).toBe('* 1 FETCH (BINARY[1]<100> "")\r\n');
    const unknown = await c.cmd('FETCH 1 (BINARY.SIZE[3])');
    expect(unknown.tagged).toMatch(/ NO \[UNKNOWN-CTE\]/);
    expect((await c.cmd('FETCH 1 (BINARY.PEEK[3])')).tagged).toMatch(/ NO \[UNKNOWN-CTE\]/);
    c.close();
  });

  it('APPEND takes a literal8 with NUL octets, also beside a plain literal in a MULTIAPPEND; a NUL in a plain literal is BAD', async () => {
    const { c } = await login();
    const withNul = Buffer.concat([Buffer.from('Subject: nul\r\nContent-Transfer-Encoding: binary\r\n\r\n'), PAYLOAD, Buffer.from('\r\n')]);
    const plain = 'Subject: plain\r\n\r\nx\r\n';
    const tag = c.nextTag();
    c.write(Buffer.concat([Buffer.from(`${tag} APPEND INBOX ~{${withNul.length}+}\r\n`), withNul, Buffer.from(` {${plain.length}+}\r\n${plain}\r\n`)]));
    expect((await c.reply(tag)).tagged).toMatch(/ OK \[APPENDUID \d+ 1:2\] /);
    const bad = c.nextTag();
    c.write(Buffer.concat([Buffer.from(`${bad} APPEND INBOX {${withNul.length}+}\r\n`), withNul, Buffer.from('\r\n')]));
    expect((await c.reply(bad)).tagged).toMatch(/ BAD /);
    expect((await c.cmd('SELECT INBOX')).tagged).toMatch(/ OK /);
    const f = await c.cmd('FETCH 1 (BINARY.PEEK[1] RFC822.SIZE)');
    expect(Buffer.from(f.untagged, 'latin1')).toEqual(
      Buffer.concat([Buffer.from(`* 1 FETCH (BINARY[1] ~{${PAYLOAD.length + 2}}\r\n`), PAYLOAD, Buffer.from(`\r\n RFC822.SIZE ${withNul.length})\r\n`)]),
    );
    c.close();
  });

  it('imapflow fetches a part with binary: true and gets the decoded octets', async () => {
    const { name, c } = await login();
    expect((await c.cmd(`APPEND INBOX {${MULTIPART.length}+}\r\n${MULTIPART}`)).tagged).toMatch(/ OK /);
    c.close();
    const client = new ImapFlow({ host: '127.0.0.1', port: t.port('imap', 1), secure: true, auth: { user: name, pass: 'pw' }, tls: { rejectUnauthorized: false }, logger: false });
    await client.connect();
    try {
      await client.mailboxOpen('INBOX');
      const msg = await client.fetchOne('1', { bodyParts: ['1', '2'] }, { binary: true });
      expect(msg && msg.bodyParts?.get('1')).toEqual(PAYLOAD);
      expect(msg && msg.bodyParts?.get('2')?.toString('utf8')).toBe('café soft');
    } finally {
      await client.logout();
    }
  });
});
