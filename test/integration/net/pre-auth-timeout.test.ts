// Issue 12 hole 15, over real sockets: the idle timeout before login is limits.preAuthIdleSeconds (short), the
// full one (limits.imapIdleSeconds / pop3IdleSeconds) only after it (RFC 9051 §5.4 asks 30 minutes after
// authentication; RFC 1939 §3). Set to 1 s here; a silent stranger is told and disconnected, a user is not.
// And the class: a client that trickles a byte now and then keeps refreshing the idle timer, so a fixed
// deadline (limits.loginDeadlineSeconds, 3 s here) ends it before login whatever it sends (R11.2).
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
    yaml: 'limits: { preAuthIdleSeconds: 1, loginDeadlineSeconds: 3 }\n',
  });
  await t.addUser('ivy@example.org', 'pw-ivy');
});
afterAll(async () => {
  await t.stop();
});

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

describe('pre-authentication idle timeout (issue 12 hole 15)', () => {
  it('IMAP: a client that does not log in is logged out after preAuthIdleSeconds', async () => {
    const c = await Pop3Client.connect(t.port('imap')); // a CRLF line client
    expect(await c.line()).toMatch(/^\* OK /);
    expect(await c.line(5000)).toBe('* BYE Autologout; idle for too long');
    expect(await c.waitClosed()).toBe(true);
  });

  it('IMAP: after LOGIN the full timeout applies', async () => {
    const c = await Pop3Client.connect(t.port('imap'));
    await c.line();
    c.send('a1 LOGIN ivy@example.org pw-ivy');
    expect(await c.line()).toMatch(/^a1 OK /);
    await sleep(2000);
    expect(c.isClosed).toBe(false);
    c.send('a2 NOOP');
    expect(await c.line()).toMatch(/^a2 OK/);
    c.close();
  });

  it('POP3: the same before and after login', async () => {
    const stranger = await Pop3Client.open(t.port('pop3'));
    const user = await Pop3Client.open(t.port('pop3'));
    expect((await user.login('ivy@example.org', 'pw-ivy')).ok).toBe(true);
    expect((await stranger.reply(5000)).line).toBe('-ERR Autologout; idle for too long');
    expect(await stranger.waitClosed()).toBe(true);
    await sleep(1500);
    expect(user.isClosed).toBe(false);
    expect((await user.cmd('NOOP')).ok).toBe(true);
    user.close();
  });

});

/** Sends `command` every 300 ms, reading each reply, until the server hangs up (at most 20 rounds). */
async function trickle(c: Pop3Client, command: (i: number) => string, lastLine: RegExp): Promise<string[]> {
  const seen: string[] = [];
  for (let i = 0; i < 20 && !c.isClosed; i++) {
    c.send(command(i));
    const line = await c.line(3000).catch(() => null);
    if (line === null) break;
    seen.push(line);
    if (lastLine.test(line)) break;
    await sleep(300);
  }
  // Whatever came with the hang-up.
  for (let line = await c.line(500).catch(() => null); line !== null; line = await c.line(500).catch(() => null)) seen.push(line);
  return seen;
}

describe('login deadline before authentication (R11.2)', () => {
  it('IMAP: a client that keeps sending NOOP without logging in is ended at the deadline', async () => {
    const c = await Pop3Client.connect(t.port('imap')); // a CRLF line client
    expect(await c.line()).toMatch(/^\* OK /);
    const seen = await trickle(c, (i) => `n${i} NOOP`, /^\* BYE /);
    expect(seen).toContain('* BYE Login timed out');
    expect(seen.filter((l) => / OK /.test(l)).length).toBeGreaterThan(2); // it was answered until then
    expect(await c.waitClosed()).toBe(true);
  });

  it('IMAP: a client that logged in before the deadline stays', async () => {
    const c = await Pop3Client.connect(t.port('imap'));
    await c.line();
    c.send('a1 LOGIN ivy@example.org pw-ivy');
    expect(await c.line()).toMatch(/^a1 OK /);
    await sleep(3500);
    c.send('a2 NOOP');
    expect(await c.line()).toMatch(/^a2 OK/);
    c.close();
  });

  it('POP3: the same for a client that keeps sending USER, and not for a logged-in one', async () => {
    const user = await Pop3Client.open(t.port('pop3'));
    expect((await user.login('ivy@example.org', 'pw-ivy')).ok).toBe(true);
    const stranger = await Pop3Client.open(t.port('pop3'));
    const seen: string[] = [];
    for (let i = 0; i < 20 && !stranger.isClosed; i++) {
      const r = await stranger.cmd('USER someone@example.org').catch(() => null);
      if (r === null) break;
      seen.push(r.line);
      if (r.line.includes('Login timed out')) break;
      await sleep(300);
    }
    for (let r = await stranger.reply(500).catch(() => null); r !== null; r = await stranger.reply(500).catch(() => null)) seen.push(r.line);
    expect(seen).toContain('-ERR Login timed out');
    expect(await stranger.waitClosed()).toBe(true);
    expect(user.isClosed).toBe(false);
    expect((await user.cmd('NOOP')).ok).toBe(true);
    user.close();
  });
});
