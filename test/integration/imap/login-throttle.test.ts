// Issue 12 hole 14 over real sockets (R6.4): login attempts are counted when admitted, before the slow hash, so
// 45 concurrent wrong passwords from one address check only as many as the per-address limit allows; and the
// per-account limit locks out the guessing address (127.0.0.1), not the owner at another one (127.0.0.2).
import { connect } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { Pop3Client } from '../../support/pop3-client.js';
import { startTestServer, type TestServer } from '../../support/server.js';

let t: TestServer | null = null;
afterEach(async () => {
  await t?.stop();
  t = null;
});

async function server(): Promise<TestServer> {
  t = await startTestServer({
    listeners: `listeners:
  - { protocol: imap, address: 127.0.0.1, port: 0, tls: starttls }
`,
    auth: 'auth: { failureDelayMs: 0, allowPlaintextWithoutTls: true, maxFailuresPerIp: 20, maxFailuresPerUser: 10 }',
  });
  await t.addUser('ivy@example.org', 'pw-ivy');
  return t;
}

/** LOGIN over a fresh connection from `localAddress`; the tagged reply line. */
async function login(port: number, user: string, password: string, localAddress = '127.0.0.1'): Promise<string> {
  const socket = await new Promise<ReturnType<typeof connect>>((resolve, reject) => {
    const s = connect({ host: '127.0.0.1', port, localAddress }, () => resolve(s));
    s.once('error', reject);
  });
  const c = Pop3Client.wrap(socket);
  try {
    expect(await c.line()).toMatch(/^\* OK /);
    c.send(`a1 LOGIN ${user} ${password}`);
    return await c.line();
  } finally {
    c.close();
  }
}

const failures = (s: TestServer, reason: string): number =>
  s.logs.filter((l) => l.event === 'auth-failure' && l.reason === reason).length;

describe('login throttling (issue 12 hole 14)', () => {
  it('45 concurrent wrong passwords from one address: only the per-address limit is checked, all answered alike', async () => {
    const s = await server();
    const replies = await Promise.all(Array.from({ length: 45 }, (_, i) => login(s.port('imap'), `user${i}@example.org`, 'guess')));
    expect(new Set(replies)).toEqual(new Set(['a1 NO [AUTHENTICATIONFAILED] Authentication failed']));
    expect(failures(s, 'bad-credentials')).toBe(20);
    expect(failures(s, 'too-many')).toBe(25);
  });

  it('wrong passwords from 127.0.0.1 lock that address out of the account; the owner at 127.0.0.2 logs in', async () => {
    const s = await server();
    const port = s.port('imap');
    for (let i = 0; i < 12; i++) expect(await login(port, 'ivy@example.org', `guess-${i}`)).toMatch(/^a1 NO \[AUTHENTICATIONFAILED\]/);
    expect(await login(port, 'ivy@example.org', 'pw-ivy')).toMatch(/^a1 NO \[AUTHENTICATIONFAILED\]/);
    expect(await login(port, 'ivy@example.org', 'pw-ivy', '127.0.0.2')).toMatch(/^a1 OK /);
  });
});
