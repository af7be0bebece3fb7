// APPEND on the wire (issue 13 items 13 and 14; RFC 9051 §6.3.12, RFC 7888 LITERAL+, SPEC R1.6): bare LF is
// stored as CRLF for small and spooled literals, RFC822.SIZE is the size of what BODY[] serves, and a missing
// mailbox or an empty message is answered before the continuation invites the literal.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RawImap } from '../../support/imap-raw.js';
import { PLAINTEXT_AUTH, startTestServer, type TestServer } from '../../support/server.js';

const LISTENERS = `listeners:
  - { protocol: imap, address: 127.0.0.1, port: 0, tls: none }
`;

let t: TestServer;
beforeAll(async () => {
  t = await startTestServer({ listeners: LISTENERS, auth: PLAINTEXT_AUTH });
  await t.addUser('alice@example.org', 'pw-alice');
}, 60_000);
afterAll(() => t.stop());

async function login(): Promise<RawImap> {
  const c = await RawImap.open(t.port('imap'));
  expect((await c.cmd('LOGIN alice@example.org pw-alice')).tagged).toMatch(/OK/);
  return c;
}

/** The literal that follows `name {n}\r\n` in a FETCH response. */
function literalOf(untagged: string, name: string): string {
  const at = untagged.indexOf(`${name} {`);
  expect(at, `${name} in the response`).toBeGreaterThanOrEqual(0);
  const m = /\{(\d+)\}\r\n/y;
  m.lastIndex = at + name.length + 1;
  const found = m.exec(untagged)!;
  return untagged.slice(m.lastIndex, m.lastIndex + Number(found[1]));
}

/** APPENDs `message` with a synchronising literal; the tagged reply. */
async function appendSync(c: RawImap, mailbox: string, message: Buffer): Promise<string | null> {
  const tag = c.nextTag();
  c.write(`${tag} APPEND ${mailbox} {${message.length}}\r\n`);
  const cont = await c.untilLine((l) => l.startsWith('+') || l.startsWith(`${tag} `));
  if (!cont.line?.startsWith('+')) return cont.line;
  c.write(Buffer.concat([message, Buffer.from('\r\n')]));
  return (await c.reply(tag, 60_000)).tagged;
}

describe('APPEND of a message with bare LF (issue 13 item 13)', () => {
  const small = Buffer.from('Subject: bare\nFrom: a@example.net\n\nline one\nline two\n\r\nmixed\r\n', 'latin1');
  const bigLine = 'x'.repeat(70);
  const big = Buffer.from(`Subject: big\n\n${Array.from({ length: 5000 }, (_, k) => `${k} ${bigLine}`).join('\n')}\n`, 'latin1');

  for (const [name, message] of [
    ['small', small],
    ['spooled (> 256 KiB)', big],
  ] as const) {
    it(`stores and serves CRLF only, RFC822.SIZE the size served: ${name}`, async () => {
      const c = await login();
      try {
        const r = await appendSync(c, 'INBOX', message);
        expect(r).toMatch(/OK \[APPENDUID \d+ (\d+)\]/);
        const uid = /APPENDUID \d+ (\d+)/.exec(r!)![1];
        expect((await c.cmd('SELECT INBOX')).tagged).toMatch(/OK/);
        const f = await c.cmd(`UID FETCH ${uid} (RFC822.SIZE BODY.PEEK[])`, 60_000);
        expect(f.tagged).toMatch(/OK/);
        const body = literalOf(f.untagged, 'BODY[]');
        const expected = message.toString('latin1').replace(/\r?\n/g, '\r\n');
        expect(body.length).toBe(expected.length);
        expect(body === expected).toBe(true);
        expect(/(^|[^\r])\n/.test(body)).toBe(false);
        expect(Number(/RFC822\.SIZE (\d+)/.exec(f.untagged)![1])).toBe(body.length);
      } finally {
        c.close();
      }
    }, 60_000);
  }
});

describe('APPEND refused before the literal is invited (issue 13 item 14)', () => {
  /** Sends an APPEND line ending in a synchronising literal; what came back first: "+" or the tagged line. */
  async function firstAnswer(c: RawImap, args: string): Promise<{ tag: string; line: string | null }> {
    const tag = c.nextTag();
    c.write(`${tag} APPEND ${args}\r\n`);
    const r = await c.untilLine((l) => l.startsWith('+') || l.startsWith(`${tag} `));
    return { tag, line: r.line };
  }

  it('answers NO [TRYCREATE] instead of "+" for a missing mailbox, whatever the options', async () => {
    const c = await login();
    try {
      for (const args of ['Nope {12}', '"No such" (\\Seen) {12}', 'Nope "07-Dec-2026 10:00:00 +0530" {12}', 'Nope (\\Seen $Work) "07-Dec-2026 10:00:00 +0000" ~{12}']) {
        const { tag, line } = await firstAnswer(c, args);
        expect(line, args).toMatch(new RegExp(`^${tag} NO \\[TRYCREATE\\]`));
      }
      // The session goes on with the next command: nothing was left half read.
      expect((await c.cmd('NOOP')).tagged).toMatch(/OK/);
      expect(c.received).not.toMatch(/^\+/m);
    } finally {
      c.close();
    }
  });

  it('still invites a literal that is the mailbox name, then refuses before the message literal', async () => {
    const c = await login();
    try {
      const tag = c.nextTag();
      c.write(`${tag} APPEND {4}\r\n`);
      expect((await c.untilLine((l) => l.startsWith('+') || l.startsWith(`${tag} `))).line).toMatch(/^\+/);
      c.write('Nope {12}\r\n');
      expect((await c.untilLine((l) => l.startsWith('+') || l.startsWith(`${tag} `))).line).toMatch(new RegExp(`^${tag} NO \\[TRYCREATE\\]`));
      expect((await c.cmd('NOOP')).tagged).toMatch(/OK/);
    } finally {
      c.close();
    }
  });

  it('reads and discards a LITERAL+ message to a missing mailbox, then answers NO [TRYCREATE]', async () => {
    const c = await login();
    try {
      const message = 'x1 LOGOUT\r\n';
      c.write(`n1 APPEND Nope {${message.length}+}\r\n${message}\r\n`);
      expect((await c.reply('n1')).tagged).toMatch(/^n1 NO \[TRYCREATE\]/);
      expect((await c.cmd('NOOP')).tagged).toMatch(/OK/);
      expect(c.received).not.toMatch(/^\+/m);
      expect(c.received).not.toMatch(/BYE/);
    } finally {
      c.close();
    }
  });

  it('refuses a zero-length message with NO: before "+" when synchronising, after reading it with LITERAL+', async () => {
    const c = await login();
    try {
      const before = Number(/MESSAGES (\d+)/.exec((await c.cmd('STATUS INBOX (MESSAGES)')).untagged)![1]);
      const { tag, line } = await firstAnswer(c, 'INBOX {0}');
      expect(line).toMatch(new RegExp(`^${tag} NO `));
      c.write('z1 APPEND INBOX {0+}\r\n\r\n');
      expect((await c.reply('z1')).tagged).toMatch(/^z1 NO /);
      // MULTIAPPEND (RFC 3502): one empty message refuses them all.
      c.write('z2 APPEND INBOX {3+}\r\na\r\n {0+}\r\n\r\n');
      expect((await c.reply('z2')).tagged).toMatch(/^z2 NO /);
      const after = Number(/MESSAGES (\d+)/.exec((await c.cmd('STATUS INBOX (MESSAGES)')).untagged)![1]);
      expect(after).toBe(before);
      expect(c.received).not.toMatch(/^\+/m);
    } finally {
      c.close();
    }
  });
});
