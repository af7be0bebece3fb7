// APPEND on the wire (issue 13 items 13 and 14; RFC 9051 §6.3.12, RFC 7888 LITERAL+, SPEC R1.6): bare LF is
// stored as CRLF for small and spooled literals, RFC822.SIZE is the size of what BODY[] serves, and a missing
// mailbox or an empty message is answered before the continuation invites the literal.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RawImap } from '../../support/imap-raw.js';
import { startTestServer, type TestServer } from '../../support/server.js';

const LISTENERS = `listeners:
  - { protocol: imap, address: 127.0.0.1, port: 0, tls: none }
`;

let t: TestServer;
beforeAll(async () => {
  t = await startTestServer({ listeners: LISTENERS, auth: 'auth: { failureDelayMs: 0, scramIterations: 4096, allowPlaintextWithoutTls: true }' });
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
