// Issue 15 item 6, CATENATE (RFC 4469) over real sockets, as raw transcripts: advertised; APPEND … CATENATE builds
// a message from TEXT literals and URLs of the user's own messages (whole, a section, a partial range) exactly as
// FETCH BODY.PEEK serves them, without setting \Seen on the source; within a MULTIAPPEND (one transaction); a
// UTF8 (literal8) part (RFC 6855 §4);
// NO [BADURL url] for a URL of another form or server, a missing mailbox, another UIDVALIDITY, a missing UID or
// part, and nothing is stored then; NO [TOOBIG] when the result passes APPENDLIMIT; R3.4: a part of a mailbox
// holding REQUIRETLS mail is refused to a cleartext session with NO [PRIVACYREQUIRED] and none of it is stored.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RawImap } from '../../support/imap-raw.js';
import { commitRequireTlsNow } from '../../support/privacy-race.js';
import { PLAINTEXT_AUTH, startTestServer, type TestServer } from '../../support/server.js';

const LISTENERS = `listeners:
  - { protocol: imap, address: 127.0.0.1, port: 0, tls: none }
`;
const MAX_MESSAGE = 10_000;

let t: TestServer;
let users = 0;
beforeAll(async () => {
  t = await startTestServer({ listeners: LISTENERS, auth: PLAINTEXT_AUTH, yaml: `limits: { maxMessageBytes: ${MAX_MESSAGE} }\n` });
});
afterAll(() => t.stop());

const lit = (s: string): string => `{${s.length}+}\r\n${s}`;
const SOURCE = [
  'From: a@example.org',
  'Subject: source',
  'MIME-Version: 1.0',
  'Content-Type: multipart/mixed; boundary="S"',
  '',
  '--S',
  'Content-Type: text/plain',
  '',
  'first part',
  '--S',
  'Content-Type: text/plain',
  '',
  'second part',
  '--S--',
  '',
].join('\r\n');

async function login(): Promise<{ id: number; c: RawImap; validity: number }> {
  const name = `cat${++users}@example.org`;
  const id = await t.addUser(name, 'pw');
  const c = await RawImap.open(t.port('imap'));
  expect((await c.cmd(`LOGIN ${name} pw`)).tagged).toMatch(/ OK /);
  const stored = await c.cmd(`APPEND INBOX ${lit(SOURCE)}`);
  const validity = Number(/APPENDUID (\d+) 1\]/.exec(stored.tagged ?? '')?.[1]);
  expect(validity).toBeGreaterThan(0);
  return { id, c, validity };
}

const messages = async (c: RawImap, box: string): Promise<number> => Number(/MESSAGES (\d+)/.exec((await c.cmd(`STATUS ${box} (MESSAGES)`)).untagged)?.[1]);

describe('CATENATE (RFC 4469)', () => {
  it('builds a message from literals and parts of another message, also within a MULTIAPPEND', async () => {
    const { c, validity } = await login();
    expect((await c.cmd('CAPABILITY')).untagged).toMatch(/ CATENATE( |\r\n)/);
    const head = 'From: me@example.org\r\nSubject: forward\r\n\r\n';
    const reply = await c.cmd(
      `APPEND Drafts (\\Draft) CATENATE (TEXT ${lit(head)} URL "/INBOX;UIDVALIDITY=${validity}/;UID=1/;SECTION=2" TEXT ${lit('\r\n-- \r\n')} ` +
        `URL "/inbox/;UID=1/;SECTION=1/;PARTIAL=0.5" URL "/INBOX/;uid=1/;section=HEADER.FIELDS%20(Subject)") ${lit('Subject: plain\r\n\r\nplain\r\n')}`,
    );
    expect(reply.tagged).toMatch(/ OK \[APPENDUID \d+ 1:2\] APPEND completed/);
    expect((await c.cmd('SELECT Drafts')).tagged).toMatch(/ OK /);
    const built = `${head}second part\r\n-- \r\nfirstSubject: source\r\n\r\n`;
    expect((await c.cmd('FETCH 1 (FLAGS BODY.PEEK[])')).untagged).toBe(`* 1 FETCH (FLAGS (\\Draft \\Recent) BODY[] {${built.length}}\r\n${built})\r\n`);
    // A whole message by URL, and the source was only peeked at.
    expect((await c.cmd(`APPEND Drafts CATENATE (URL "/INBOX;UIDVALIDITY=${validity}/;UID=1")`)).tagged).toMatch(/ OK /);
    expect((await c.cmd('NOOP')).tagged).toMatch(/ OK /);
    expect((await c.cmd('FETCH 3 BODY.PEEK[]')).untagged).toBe(`* 3 FETCH (BODY[] {${SOURCE.length}}\r\n${SOURCE})\r\n`);
    // RFC 6855 §4: a UTF8 (literal8) part, as in APPEND.
    const utf8 = Buffer.from('Subject: =?utf-8?q?x?=\r\n\r\nGrüße\r\n', 'utf8').toString('latin1');
    const tag = c.nextTag();
    c.write(Buffer.from(`${tag} APPEND Drafts CATENATE (UTF8 (~{${utf8.length}+}\r\n${utf8}))\r\n`, 'latin1'));
    expect((await c.reply(tag)).tagged).toMatch(/ OK \[APPENDUID \d+ 4\]/);
    expect((await c.cmd('NOOP')).tagged).toMatch(/ OK /);
    expect((await c.cmd('FETCH 4 BODY.PEEK[TEXT]')).untagged).toBe(`* 4 FETCH (BODY[TEXT] {9}\r\n${utf8.slice(-9)})\r\n`);
    expect((await c.cmd('EXAMINE INBOX')).tagged).toMatch(/ OK /);
    expect((await c.cmd('FETCH 1 FLAGS')).untagged).not.toContain('\\Seen');
    c.close();
  });

  it('NO [BADURL url] for each URL it cannot serve, and nothing of the MULTIAPPEND is stored', async () => {
    const { c, validity } = await login();
    const bad = [
      'imap://someone@other.example/INBOX/;UID=1',
      '/Nowhere/;UID=1',
      `/INBOX;UIDVALIDITY=${validity + 1}/;UID=1`,
      '/INBOX/;UID=99',
      '/INBOX/;UID=1/;SECTION=7',
      '/INBOX/;UID=1/;SECTION=BOGUS',
      '/INBOX/;UID=1/;URLAUTH=anonymous:internal:abc',
      '/INBOX/;UID=0',
    ];
    for (const url of bad) {
      const reply = await c.cmd(`APPEND Drafts ${lit('Subject: ok\r\n\r\nok\r\n')} CATENATE (TEXT ${lit('x: y\r\n\r\n')} URL "${url}")`);
      expect(reply.tagged).toBe(`${reply.tagged!.split(' ')[0]} NO [BADURL ${url}] Bad URL or message not available`);
    }
    expect((await c.cmd('APPEND Drafts CATENATE (URL "/INBOX/;UID=1]x")')).tagged).toMatch(/ NO \[BADURL \/INBOX\/;UID=1x\] /);
    expect((await c.cmd('APPEND Drafts CATENATE ()')).tagged).toMatch(/ BAD /);
    expect((await c.cmd('APPEND Drafts CATENATE (FILE "x")')).tagged).toMatch(/ BAD /);
    expect(await messages(c, 'Drafts')).toBe(0);
    c.close();
  });

  it('NO [TOOBIG] when the message made passes APPENDLIMIT; nothing stored', async () => {
    const { c } = await login();
    const urls = Array.from({ length: Math.ceil(MAX_MESSAGE / SOURCE.length) + 1 }, () => 'URL "/INBOX/;UID=1"').join(' ');
    const reply = await c.cmd(`APPEND Drafts CATENATE (${urls})`);
    expect(reply.tagged).toMatch(/ NO \[TOOBIG\] /);
    expect(await messages(c, 'Drafts')).toBe(0);
    c.close();
  });

  it('R3.4: a part from a mailbox holding REQUIRETLS mail is refused without TLS', async () => {
    const { id, c } = await login();
    expect((await c.cmd('CREATE Secret')).tagged).toMatch(/ OK /);
    const marker = `CATENATE-SECRET-${Date.now()}`;
    await commitRequireTlsNow(t, id, 'Secret', marker);
    const reply = await c.cmd(`APPEND Drafts CATENATE (TEXT ${lit('a: b\r\n\r\n')} URL "/Secret/;UID=1")`);
    expect(reply.tagged).toMatch(/ NO \[PRIVACYREQUIRED\] /);
    expect(c.received).not.toContain(marker);
    expect(await messages(c, 'Drafts')).toBe(0);
    c.close();
  });
});
