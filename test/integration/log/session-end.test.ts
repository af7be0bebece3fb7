// Issue 16 item 8 over real sockets (SPEC R10.4): the session-end line's reason for the ends the client does not
// choose: an idle timeout before login, too many invalid commands, and a server shutdown; with the duration.
import { connect } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { Pop3Client } from '../../support/pop3-client.js';
import { PLAINTEXT_AUTH, startTestServer, type TestServer } from '../../support/server.js';

let t: TestServer | null = null;
afterEach(async () => {
  await t?.stop();
  t = null;
});

async function server(): Promise<TestServer> {
  t = await startTestServer({
    listeners: `listeners:
  - { protocol: imap, address: 127.0.0.1, port: 0, tls: none }
  - { protocol: pop3, address: 127.0.0.1, port: 0, tls: none }
`,
    auth: PLAINTEXT_AUTH,
    yaml: 'limits: { preAuthIdleSeconds: 1 }\n',
  });
  return t;
}

async function open(port: number): Promise<Pop3Client> {
  const socket = await new Promise<ReturnType<typeof connect>>((resolve, reject) => {
    const s = connect({ host: '127.0.0.1', port }, () => resolve(s));
    s.once('error', reject);
  });
  const c = Pop3Client.wrap(socket);
  await c.line();
  return c;
}

async function endOf(s: TestServer, protocol: string): Promise<Record<string, unknown>> {
  const find = (): Record<string, unknown> | undefined => s.logs.find((l) => l.event === 'session-end' && l.protocol === protocol);
  for (let i = 0; i < 200 && find() === undefined; i++) await new Promise((r) => setTimeout(r, 25));
  const line = find();
  if (line === undefined) throw new Error(`no session-end line for ${protocol}`);
  return line;
}

describe('session-end reasons (issue 16 item 8)', () => {
  it('idle-timeout: a client silent before login, with a duration of at least the timeout', async () => {
    const s = await server();
    const c = await open(s.port('imap'));
    expect(await c.waitClosed(5000)).toBe(true);
    const end = await endOf(s, 'imap');
    expect(end).toMatchObject({ reason: 'idle-timeout', user: null });
    expect(Number(end.durationMs)).toBeGreaterThanOrEqual(900);
  });

  it('bad-commands: too many invalid commands (POP3)', async () => {
    const s = await server();
    const c = await open(s.port('pop3'));
    for (let i = 0; i < 20 && !c.isClosed; i++) c.send('BOGUS');
    expect(await c.waitClosed(5000)).toBe(true);
    expect(await endOf(s, 'pop3')).toMatchObject({ reason: 'bad-commands' });
  });

  it('shutdown: a session open when the server stops', async () => {
    const s = await server();
    const c = await open(s.port('pop3'));
    t = null;
    await s.stop();
    expect(await c.waitClosed(5000)).toBe(true);
    const end = s.logs.find((l) => l.event === 'session-end' && l.protocol === 'pop3');
    expect(end).toMatchObject({ reason: 'shutdown' });
  });
});
