// Issue 12 hole 12 over real sockets (R11.2): before login, IMAP literals are refused over
// limits.preAuthLiteralBytes *before* "+" invites them (a non-synchronising one: BAD and hang up, RFC 7888 §4),
// command lines and AUTHENTICATE responses are cut at limits.preAuthLineLength; after login the full limits apply.
// POP3's SASL responses are bounded the same way.
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Pop3Client } from '../../support/pop3-client.js';
import { startTestServer, type TestServer } from '../../support/server.js';

let t: TestServer;

beforeAll(async () => {
  t = await startTestServer({
    listeners: `listeners:
  - { protocol: imap, address: 127.0.0.1, port: 0, tls: starttls }
  - { protocol: pop3, address: 127.0.0.1, port: 0, tls: starttls }
`,
    auth: 'auth: { failureDelayMs: 0, allowPlaintextWithoutTls: true }',
    // The full limits are generous, as an administrator allowing big APPENDs would set them.
    yaml: 'limits: { maxLineLength: 1048576, maxLiteralBytes: 67108864 }\n',
  });
  await t.addUser('ivy@example.org', 'pw-ivy');
});
afterAll(async () => {
  await t.stop();
});

/** A CRLF line client on the IMAP port, past the greeting. */
async function imap(): Promise<Pop3Client> {
  const c = await Pop3Client.connect(t.port('imap'));
  expect(await c.line()).toMatch(/^\* OK /);
  return c;
}

describe('IMAP before login (issue 12 hole 12)', () => {
  it('refuses a 60 MB synchronising literal without inviting it, and goes on', async () => {
    const c = await imap();
    c.send('A1 LOGIN {60000000}');
    expect(await c.line()).toBe('A1 NO [TOOBIG] Literal too large before login (at most 8192 octets)');
    c.send('A2 NOOP');
    expect(await c.line()).toMatch(/^A2 OK/);
    c.close();
  });

  it('refuses a literal just over the limit, accepts one at it', async () => {
    const c = await imap();
    c.send('A1 LOGIN {8193}');
    expect(await c.line()).toMatch(/^A1 NO \[TOOBIG\]/);
    c.send('A2 LOGIN {8192}');
    expect(await c.line()).toBe('+ Ready for literal');
    c.send(`${'x'.repeat(8192)} pw`);
    expect(await c.line()).toMatch(/^A2 NO \[AUTHENTICATIONFAILED\]/);
    c.close();
  });

  it('answers an over-long non-synchronising literal with BAD and hangs up instead of reading it', async () => {
    const c = await imap();
    c.send('A1 LOGIN {60000000+}');
    c.write(Buffer.alloc(4096, 0x61));
    expect(await c.line()).toBe('A1 BAD [TOOBIG] Literal too large before login (at most 8192 octets)');
    expect(await c.waitClosed()).toBe(true);
  });

  it('cuts command lines at preAuthLineLength', async () => {
    const c = await imap();
    c.send(`A1 ID ("name" "${'x'.repeat(9000)}")`);
    expect(await c.line()).toBe('* BAD [TOOBIG] Command line too long');
    c.send('A2 NOOP');
    expect(await c.line()).toMatch(/^A2 OK/);
    c.close();
  });

  it('cuts AUTHENTICATE responses at preAuthLineLength', async () => {
    const c = await imap();
    c.send('A1 AUTHENTICATE PLAIN');
    expect(await c.line()).toBe('+ ');
    c.send('QUFB'.repeat(3000)); // valid base64, 12,000 characters
    expect(await c.line()).toBe('A1 BAD [TOOBIG] Authentication response too long');
    c.close();
  });

  it('after login, small literals as before and large ones up to maxLiteralBytes', async () => {
    const c = await imap();
    c.send('A1 LOGIN {15}');
    expect(await c.line()).toBe('+ Ready for literal');
    c.send('ivy@example.org {6}');
    expect(await c.line()).toBe('+ Ready for literal');
    c.send('pw-ivy');
    expect(await c.line()).toMatch(/^A1 OK /);
    const body = `Subject: big\r\n\r\n${'y'.repeat(100_000)}\r\n`;
    c.send(`A2 APPEND INBOX {${body.length}}`);
    expect(await c.line()).toBe('+ Ready for literal');
    c.write(`${body}\r\n`);
    expect(await c.line()).toMatch(/^A2 OK /);
    c.close();
  });
});

describe('the class: no spelling of a literal marker buys an invitation past the limit before login', () => {
  it('sizes, leading zeros, LITERAL+ and literal8 markers on any command', async () => {
    const marker = fc.record({
      size: fc.oneof(fc.integer({ min: 0, max: 8192 }), fc.integer({ min: 8193, max: 2 ** 40 }), fc.constant(Number.MAX_SAFE_INTEGER)),
      zeros: fc.nat(3),
      nonSync: fc.boolean(),
      binary: fc.boolean(),
      command: fc.constantFrom('LOGIN', 'AUTHENTICATE', 'ID (', 'APPEND INBOX', 'SELECT', 'XYZZY'),
    });
    await fc.assert(
      fc.asyncProperty(marker, async (m) => {
        const c = await imap();
        try {
          c.send(`A1 ${m.command} ${m.binary ? '~' : ''}{${'0'.repeat(m.zeros)}${m.size}${m.nonSync ? '+' : ''}}`);
          if (m.size > 8192) {
            expect(await c.line()).toMatch(/^A1 (NO|BAD) \[TOOBIG\] Literal too large before login/);
            if (m.nonSync) expect(await c.waitClosed()).toBe(true);
          } else if (!m.nonSync) {
            expect(await c.line()).toBe('+ Ready for literal');
          }
        } finally {
          c.close();
        }
      }),
      { numRuns: 60 },
    );
  });
});

describe('POP3 before login (issue 12 hole 12)', () => {
  it('cuts SASL responses at preAuthLineLength', async () => {
    const c = await Pop3Client.open(t.port('pop3'));
    expect((await c.cmd('AUTH PLAIN')).line).toBe('+ ');
    expect((await c.cmd('QUFB'.repeat(3000))).line).toBe('-ERR Line too long');
    expect((await c.login('ivy@example.org', 'pw-ivy')).ok).toBe(true);
    c.close();
  });
});
