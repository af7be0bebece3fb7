// Issue 17 item 1 over real sockets: an account whose credentials an older version made (scrypt N=2^15 beside
// SCRAM-SHA-256 keys of 4,096 rounds) logs in with IMAP LOGIN as before; right after, its stored verifiers are
// made again at the configured cost, and both LOGIN and AUTHENTICATE SCRAM-SHA-256 (now announcing the new
// count) go on working. (That a failed check renews nothing: test/unit/sasl/password-check.test.ts.)
import { ImapFlow } from 'imapflow';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashPassword } from '../../../src/sasl/passwords.js';
import { RawImap } from '../../support/imap-raw.js';
import { startTestServer, type TestServer } from '../../support/server.js';
import { ScramClient } from '../../unit/sasl/scram-client.js';

const ITERATIONS = 5000;
const LISTENERS = `listeners:
  - { protocol: imap, address: 127.0.0.1, port: 0, tls: none }
`;
const OLDER = { scramIterations: 4096, scrypt: { N: 32768, r: 8, p: 1 } };

let t: TestServer;
beforeAll(async () => {
  t = await startTestServer({
    listeners: LISTENERS,
    auth: `auth: { failureDelayMs: 0, scramIterations: ${ITERATIONS}, allowPlaintextWithoutTls: true }`,
  });
});
afterAll(() => t.stop());

async function olderUser(name: string, password: string): Promise<void> {
  await t.server.store.createUser(name, await hashPassword(password, OLDER));
}

async function imapLogin(user: string, pass: string): Promise<boolean> {
  const flow = new ImapFlow({ host: '127.0.0.1', port: t.port('imap'), secure: false, auth: { user, pass }, logger: false });
  try {
    await flow.connect();
    await flow.logout();
    return true;
  } catch {
    flow.close();
    return false;
  }
}

/** The stored credentials once renewed to the configured count (bounded wait: the renewal runs after the answer). */
async function renewed(name: string) {
  for (let i = 0; i < 100; i++) {
    const user = await t.server.store.findUser(name);
    if (user?.credentials.scramSha256.iterations === ITERATIONS) return user.credentials;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`the credentials of ${name} were not renewed within 5 s`);
}

async function scramLogin(user: string, password: string): Promise<{ ok: boolean; iterations: string | undefined }> {
  const c = await RawImap.open(t.port('imap'));
  const scram = new ScramClient(user, password);
  const tag = c.nextTag();
  c.write(`${tag} AUTHENTICATE SCRAM-SHA-256 ${scram.first().toString('base64')}\r\n`);
  const first = await c.untilLine((l) => l.startsWith('+ ') || l.startsWith(`${tag} `));
  const challenge = Buffer.from(first.line!.slice(2), 'base64').toString('utf8');
  const iterations = /(?:^|,)i=(\d+)/.exec(challenge)?.[1];
  c.write(`${(await scram.final(Buffer.from(challenge, 'utf8'))).toString('base64')}\r\n`);
  const second = await c.untilLine((l) => l.startsWith('+ ') || l.startsWith(`${tag} `));
  if (second.line!.startsWith('+ ')) c.write('\r\n');
  const done = second.line!.startsWith(`${tag} `) ? second : await c.untilLine((l) => l.startsWith(`${tag} `));
  c.close();
  return { ok: / OK /.test(done.line!), iterations };
}

describe('stored verifiers renewed at login (issue 17 item 1)', () => {
  it('warns at start when auth.scramIterations makes SCRAM keys the cheaper verifier', () => {
    expect(t.logs.some((l) => l.level === 'warn' && l.scramIterations === ITERATIONS && /scramIterations is below/.test(String(l.msg)))).toBe(true);
  });

  it('renews credentials an older version made after a LOGIN, and LOGIN and SCRAM work after it', async () => {
    const name = 'older@example.org';
    await olderUser(name, 'older pw');
    const before = (await t.server.store.findUser(name))!.credentials;
    expect((await scramLogin(name, 'older pw')).iterations).toBe('4096'); // SCRAM alone cannot renew: no password
    expect((await t.server.store.findUser(name))!.credentials).toEqual(before);

    expect(await imapLogin(name, 'older pw')).toBe(true);
    const after = await renewed(name);
    expect(after.scrypt).toMatch(/^scrypt\$16384\$8\$1\$/);
    expect(after.scramSha256.salt).not.toBe(before.scramSha256.salt);
    expect(t.logs.some((l) => l.msg === 'stored password verifiers renewed at the current cost' && l.user === name)).toBe(true);

    expect(await imapLogin(name, 'older pw')).toBe(true);
    expect(await imapLogin(name, 'not it')).toBe(false);
    expect(await scramLogin(name, 'older pw')).toEqual({ ok: true, iterations: String(ITERATIONS) });
    expect((await scramLogin(name, 'not it')).ok).toBe(false);
  });
});
