// Issue 15 item 6, MULTIAPPEND (RFC 3502) over real sockets: advertised; several messages in one APPEND are stored
// in one transaction with an APPENDUID set; when one is refused (over quota, TOOBIG, empty) none is stored, no UID
// is taken and another session watching the mailbox sees nothing (no EXISTS, no EXPUNGE); the literals of one
// command are bounded in sum by limits.maxLiteralBytes, refused before "+" (R11.2); imapflow appends as usual.
import { ImapFlow } from 'imapflow';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RawImap } from '../../support/imap-raw.js';
import { PLAINTEXT_AUTH, startTestServer, type TestServer } from '../../support/server.js';

const LISTENERS = `listeners:
  - { protocol: imap, address: 127.0.0.1, port: 0, tls: none }
  - { protocol: imap, address: 127.0.0.1, port: 0, tls: implicit }
`;
const MAX_LITERAL = 20_000;
const MAX_MESSAGE = 10_000;

let t: TestServer;
let users = 0;

beforeAll(async () => {
  t = await startTestServer({
    listeners: LISTENERS,
    auth: PLAINTEXT_AUTH,
    yaml: `limits: { maxLiteralBytes: ${MAX_LITERAL}, maxMessageBytes: ${MAX_MESSAGE} }\n`,
  });
});
afterAll(() => t.stop());

async function user(quotaBytes: number | null = null): Promise<{ name: string; c: RawImap }> {
  const name = `ma${++users}@example.org`;
  await t.addUser(name, 'pw', quotaBytes);
  const c = await RawImap.open(t.port('imap'));
  expect((await c.cmd(`LOGIN ${name} pw`)).tagged).toMatch(/ OK /);
  return { name, c };
}

const lit = (s: string): string => `{${s.length}+}\r\n${s}`;
const message = (n: number, size = 0): string => `Subject: m${n}\r\n\r\n${'z'.repeat(size)}body ${n}\r\n`;

describe('MULTIAPPEND (RFC 3502)', () => {
  it('is advertised and stores several messages with one APPENDUID set, flags and dates each their own', async () => {
    const { c } = await user();
    expect((await c.cmd('CAPABILITY')).untagged).toMatch(/ MULTIAPPEND( |\r\n)/);
    const r = await c.cmd(`APPEND INBOX (\\Seen) ${lit(message(1))} "01-Feb-2024 10:00:00 +0000" ${lit(message(2))} (\\Flagged) ${lit(message(3))}`);
    expect(r.tagged).toMatch(/ OK \[APPENDUID \d+ 1:3\] /);
    expect((await c.cmd('SELECT INBOX')).tagged).toMatch(/ OK /);
    const f = await c.cmd('FETCH 1:3 (FLAGS INTERNALDATE BODY.PEEK[HEADER.FIELDS (SUBJECT)])');
    expect(f.untagged).toMatch(/\* 1 FETCH \(FLAGS \(\\Seen \\Recent\)/);
    expect(f.untagged).toMatch(/\* 2 FETCH \(FLAGS \(\\Recent\) INTERNALDATE "01-Feb-2024 10:00:00 \+0000"/);
    expect(f.untagged).toMatch(/\* 3 FETCH \(FLAGS \(\\Flagged \\Recent\)/);
    expect(f.untagged.indexOf('m1')).toBeLessThan(f.untagged.indexOf('m2'));
    expect(f.untagged.indexOf('m2')).toBeLessThan(f.untagged.indexOf('m3'));
    c.close();
  });

  it('a refused message stores none: no UID taken, and a session watching the mailbox sees nothing', async () => {
    const { name, c } = await user(2500);
    const w = await RawImap.open(t.port('imap'));
    expect((await w.cmd(`LOGIN ${name} pw`)).tagged).toMatch(/ OK /);
    expect((await w.cmd('SELECT INBOX')).tagged).toMatch(/ OK /);
    const before = (await c.cmd('STATUS INBOX (UIDNEXT MESSAGES)')).untagged;
    // The second and third fit alone; the third puts the user over quota.
    const r = await c.cmd(`APPEND INBOX ${lit(message(1))} ${lit(message(2, 1400))} ${lit(message(3, 1400))}`);
    expect(r.tagged).toMatch(/ NO \[OVERQUOTA\]/);
    expect((await c.cmd(`APPEND INBOX ${lit(message(4))} {0+}\r\n`)).tagged).toMatch(/ NO /); // an empty one
    expect((await c.cmd(`APPEND INBOX ${lit(message(5))} ${lit(message(6, MAX_MESSAGE))}`)).tagged).toMatch(/ NO \[TOOBIG\]/);
    expect((await c.cmd('STATUS INBOX (UIDNEXT MESSAGES)')).untagged).toBe(before);
    const seen = await w.cmd('NOOP');
    expect(seen.tagged).toMatch(/ OK /);
    expect(seen.untagged).toBe('');
    // The store is still usable and the UIDs continue where they were.
    expect((await c.cmd(`APPEND INBOX ${lit(message(7))} ${lit(message(8))}`)).tagged).toMatch(/ OK \[APPENDUID \d+ 1:2\] /);
    expect((await w.cmd('NOOP')).untagged).toBe('* 2 EXISTS\r\n* 2 RECENT\r\n');
    w.close();
    c.close();
  });

  it('bounds the literals of one APPEND in sum by maxLiteralBytes, refused before "+" (R11.2)', async () => {
    const { c } = await user();
    const part = message(1, 8000);
    const tag = c.nextTag();
    c.write(`${tag} APPEND INBOX ${lit(part)} ${lit(part)} {${part.length}}\r\n`); // the third would pass the sum
    const r = await c.reply(tag);
    expect(r.tagged).toMatch(/ NO \[TOOBIG\]/);
    expect(r.untagged).toBe('');
    expect((await c.cmd('STATUS INBOX (MESSAGES)')).untagged).toBe('* STATUS INBOX (MESSAGES 0)\r\n');
    expect((await c.cmd('NOOP')).tagged).toMatch(/ OK /); // the session goes on
    c.close();
  });

  it('imapflow appends one message after another as before', async () => {
    const { name, c } = await user();
    c.close();
    const client = new ImapFlow({ host: '127.0.0.1', port: t.port('imap', 1), secure: true, auth: { user: name, pass: 'pw' }, tls: { rejectUnauthorized: false }, logger: false });
    await client.connect();
    try {
      const a = await client.append('INBOX', message(1), ['\\Seen']);
      const b = await client.append('INBOX', message(2));
      expect([a && a.uid, b && b.uid]).toEqual([1, 2]);
    } finally {
      await client.logout();
    }
  });
});
