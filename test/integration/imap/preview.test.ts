// Issue 15 item 6, PREVIEW (RFC 8970) over real sockets, as raw transcripts: advertised; FETCH PREVIEW of plain
// text, HTML (entities undone, no tags), multipart/alternative (its text/plain), quoted-printable, an
// attachment-only message (""), a long text cut at 256 characters at a character boundary (UTF-8 as a literal,
// quoted after ENABLE UTF8=ACCEPT); PREVIEW (LAZY) of mail the indexer thread has not reached is NIL or the
// preview, and the preview once indexed; PREVIEW sets no \Seen; the modifier forms; R3.4: a REQUIRETLS message
// in a cleartext session's view ends the session before any preview of it is sent.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RawImap } from '../../support/imap-raw.js';
import { commitRequireTlsNow } from '../../support/privacy-race.js';
import { PLAINTEXT_AUTH, startTestServer, type TestServer } from '../../support/server.js';
import { SAMPLES } from '../../support/preview-samples.js';

const LISTENERS = `listeners:
  - { protocol: imap, address: 127.0.0.1, port: 0, tls: none }
`;

let t: TestServer;
let users = 0;
beforeAll(async () => {
  t = await startTestServer({ listeners: LISTENERS, auth: PLAINTEXT_AUTH });
});
afterAll(() => t.stop());

const LONG = Buffer.from(`Subject: long\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n${'a'.repeat(255)}${'😀'.repeat(300)}\r\n`);
const LONG_PREVIEW = Buffer.from(`${'a'.repeat(255)}😀`, 'utf8');

async function login(): Promise<{ id: number; c: RawImap }> {
  const name = `preview${++users}@example.org`;
  const id = await t.addUser(name, 'pw');
  const c = await RawImap.open(t.port('imap'));
  expect((await c.cmd(`LOGIN ${name} pw`)).tagged).toMatch(/ OK /);
  return { id, c };
}

async function append(c: RawImap, raw: Buffer): Promise<void> {
  const tag = c.nextTag();
  c.write(Buffer.concat([Buffer.from(`${tag} APPEND INBOX {${raw.length}+}\r\n`), raw, Buffer.from('\r\n')]));
  expect((await c.reply(tag)).tagged).toMatch(/ OK /);
}

describe('PREVIEW (RFC 8970)', () => {
  it('is advertised and answers FETCH PREVIEW for each kind of message, without setting \\Seen', async () => {
    const { c } = await login();
    expect((await c.cmd('CAPABILITY')).untagged).toMatch(/ PREVIEW( |\r\n)/);
    for (const raw of [SAMPLES.plain, SAMPLES.html, SAMPLES.alternative, SAMPLES.qp, SAMPLES.attachmentOnly, LONG]) await append(c, raw);
    expect((await c.cmd('SELECT INBOX')).tagged).toMatch(/ OK /);
    const utf8 = (s: string) => Buffer.from(s, 'utf8').toString('latin1');
    const html = utf8('Café & crème <not a tag> 😀');
    const qp = utf8('Grüße aus Köln, ein sehr langer Satz mit weichem Zeilenumbruch.');
    const reply = await c.cmd('FETCH 1:6 (PREVIEW)');
    expect(reply.tagged).toMatch(/ OK /);
    expect(reply.untagged).toBe(
      [
        '* 1 FETCH (PREVIEW "Hello there, how are you?")',
        `* 2 FETCH (PREVIEW {${Buffer.byteLength(html, 'latin1')}}\r\n${html})`,
        '* 3 FETCH (PREVIEW "the plain version")',
        `* 4 FETCH (PREVIEW {${Buffer.byteLength(qp, 'latin1')}}\r\n${qp})`,
        '* 5 FETCH (PREVIEW "")',
        `* 6 FETCH (PREVIEW {${LONG_PREVIEW.length}}\r\n${LONG_PREVIEW.toString('latin1')})`,
        '',
      ].join('\r\n'),
    );
    expect((await c.cmd('FETCH 1:6 (FLAGS)')).untagged).not.toContain('\\Seen');
    // With UTF8=ACCEPT the UTF-8 text may go quoted (RFC 6855 §3).
    expect((await c.cmd('UNSELECT')).tagged).toMatch(/ OK /);
    expect((await c.cmd('ENABLE UTF8=ACCEPT')).tagged).toMatch(/ OK /);
    expect((await c.cmd('SELECT INBOX')).tagged).toMatch(/ OK /);
    expect((await c.cmd('FETCH 2 PREVIEW')).untagged).toBe(`* 2 FETCH (PREVIEW "${html}")\r\n`);
    c.close();
  });

  it('PREVIEW (LAZY): NIL or the preview while the indexer has not reached the body, the preview once it has', async () => {
    const { c } = await login();
    await append(c, SAMPLES.plain);
    expect((await c.cmd('SELECT INBOX')).tagged).toMatch(/ OK /);
    const full = '* 1 FETCH (UID 1 PREVIEW "Hello there, how are you?")\r\n';
    const first = await c.cmd('UID FETCH 1 (PREVIEW (LAZY))');
    expect(first.tagged).toMatch(/ OK /);
    expect([full, '* 1 FETCH (UID 1 PREVIEW NIL)\r\n']).toContain(first.untagged);
    let lazy = first.untagged;
    for (let i = 0; i < 200 && lazy !== full; i++) {
      await new Promise((r) => setTimeout(r, 25));
      lazy = (await c.cmd('UID FETCH 1 (PREVIEW (LAZY))')).untagged;
    }
    expect(lazy).toBe(full);
    // PREVIEW asked for both ways is answered once, not lazily; modifiers are case-insensitive.
    expect((await c.cmd('FETCH 1 (PREVIEW (lazy) PREVIEW)')).untagged).toBe('* 1 FETCH (PREVIEW "Hello there, how are you?")\r\n');
    c.close();
  });

  it('parses PREVIEW before fetch modifiers and refuses unknown preview modifiers', async () => {
    const { c } = await login();
    await append(c, SAMPLES.alternative);
    expect((await c.cmd('SELECT INBOX')).tagged).toMatch(/ OK /);
    const changed = await c.cmd('FETCH 1 PREVIEW (CHANGEDSINCE 1)');
    expect(changed.tagged).toMatch(/ OK /);
    expect(changed.untagged).toMatch(/^\* OK \[HIGHESTMODSEQ \d+\] .*\r\n\* 1 FETCH \(PREVIEW "the plain version" MODSEQ \(\d+\)\)\r\n$/);
    expect((await c.cmd('FETCH 1 (PREVIEW (LAZY FOO))')).tagged).toMatch(/ BAD /);
    expect((await c.cmd('FETCH 1 (PREVIEW ())')).tagged).toMatch(/ BAD /);
    // LAZY may answer NIL while the indexer thread has not reached the body (RFC 8970 §4.2): either form parses.
    expect((await c.cmd('FETCH 1 PREVIEW (LAZY) (CHANGEDSINCE 1)')).untagged).toMatch(/^\* 1 FETCH \(PREVIEW (?:NIL|"the plain version") MODSEQ \(\d+\)\)\r\n$/);
    c.close();
  });

  it('R3.4: a REQUIRETLS message in a cleartext view ends the session before its preview is sent', async () => {
    const { id, c } = await login();
    await append(c, SAMPLES.plain);
    expect((await c.cmd('SELECT INBOX')).tagged).toMatch(/ OK /);
    const marker = `PREVIEW-SECRET-${Date.now()}`;
    await commitRequireTlsNow(t, id, 'INBOX', marker);
    const tags = [c.nextTag(), c.nextTag()];
    c.write(`${tags[0]} FETCH 1:* (PREVIEW)\r\n${tags[1]} UID FETCH 1:* (PREVIEW (LAZY))\r\n`);
    for (const tag of tags) await c.reply(tag).catch(() => undefined);
    expect(c.received).not.toContain(marker);
    expect(c.received).toMatch(/PRIVACYREQUIRED/);
    c.close();
  });
});
