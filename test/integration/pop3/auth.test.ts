// R8.1, R4.2, R5.2–R5.4, R6, RFC 2449, RFC 2595, RFC 3206, RFC 5034 over real sockets: CAPA in both states
// (AUTHSERV bare, then with the id), STLS with injected bytes dropped and CAPA recomputed, USER/PASS and PLAIN
// refused without TLS, SCRAM-SHA-256 without TLS, EXTERNAL after STLS with a client certificate, "=" and
// "*", [AUTH] for bad credentials with the same answer for an unknown user, POP3S.
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Pop3Client } from '../../support/pop3-client.js';
import { ScramClient } from '../../unit/sasl/scram-client.js';
import { POP3S, startPop3Server, STLS, type Pop3TestServer } from './helpers.js';

let t: Pop3TestServer;
let clientCert: { cert: string; key: string };

beforeAll(async () => {
  t = await startPop3Server({ clientUsers: ['alice@example.org'] });
  await t.addUser('alice@example.org', 'pw-alice');
  await t.addUser('bob@example.org', 'pw bob with spaces');
  const c = t.certs.clients[0]!;
  clientCert = { cert: readFileSync(c.certFile, 'utf8'), key: readFileSync(c.keyFile, 'utf8') };
});
afterAll(async () => {
  await t.cleanup();
});

const capaOf = async (c: Pop3Client): Promise<string[]> => {
  const r = await c.cmdMulti('CAPA');
  expect(r.ok).toBe(true);
  return r.lines;
};

describe('CAPA (RFC 2449, R8.1, R4.2, R5.3)', () => {
  it('in cleartext: no USER, no PLAIN, STLS offered, bare AUTHSERV', async () => {
    const c = await Pop3Client.open(t.port('pop3', STLS));
    const caps = await capaOf(c);
    expect(caps).toEqual(
      expect.arrayContaining(['TOP', 'UIDL', 'RESP-CODES', 'AUTH-RESP-CODE', 'PIPELINING', 'STLS', 'UTF8', 'EXPIRE NEVER', 'AUTHSERV']),
    );
    expect(caps).toContain('SASL SCRAM-SHA-256');
    expect(caps).not.toContain('USER');
    expect(caps.some((l) => l.startsWith('IMPLEMENTATION '))).toBe(true);
    c.close();
  });

  it('after STLS: USER and PLAIN offered, STLS gone; after login AUTHSERV carries the authserv-id', async () => {
    const c = await Pop3Client.open(t.port('pop3', STLS));
    await c.stls();
    const caps = await capaOf(c);
    expect(caps).toContain('USER');
    expect(caps).toContain('SASL SCRAM-SHA-256 PLAIN LOGIN');
    expect(caps).not.toContain('STLS');
    expect(caps).toContain('AUTHSERV');
    expect((await c.login('alice@example.org', 'pw-alice')).ok).toBe(true);
    const after = await capaOf(c);
    expect(after).toContain('AUTHSERV mx.test.example');
    expect(after).not.toContain('AUTHSERV');
    await c.cmd('QUIT');
    c.close();
  });

  it('POP3S: TLS from the first byte, no STLS, USER offered', async () => {
    const c = await Pop3Client.open(t.port('pop3', POP3S), {});
    const caps = await capaOf(c);
    expect(caps).toContain('USER');
    expect(caps).not.toContain('STLS');
    expect((await c.cmd('STLS')).line).toMatch(/^-ERR/);
    expect((await c.login('alice@example.org', 'pw-alice')).ok).toBe(true);
    c.close();
  });
});

describe('STLS (RFC 2595 §4, R5.2)', () => {
  it('bytes pipelined after STLS are dropped, never answered: "STLS\\r\\nCAPA\\r\\n" in one packet', async () => {
    const c = await Pop3Client.open(t.port('pop3', STLS));
    c.write('STLS\r\nCAPA\r\n');
    expect((await c.reply()).line).toMatch(/^\+OK/);
    await c.startTls();
    // Had the injected CAPA been run, its response would now be waiting; the next response must be NOOP's.
    expect((await c.cmd('NOOP')).line).toBe('-ERR Command not valid in this state');
    expect(c.pending).toBe('');
    c.close();
  });

  it('a USER name given before STLS is forgotten', async () => {
    const c = await Pop3Client.open(t.port('pop3', POP3S), {});
    c.close();
    const d = await Pop3Client.open(t.port('pop3', STLS));
    expect((await d.cmd('USER alice@example.org')).line).toMatch(/^-ERR \[AUTH\]/);
    await d.stls();
    expect((await d.cmd('PASS pw-alice')).line).toBe('-ERR Send USER first');
    d.close();
  });

  it('STLS twice is refused', async () => {
    const c = await Pop3Client.open(t.port('pop3', STLS));
    await c.stls();
    expect((await c.cmd('STLS')).line).toBe('-ERR TLS already active');
    c.close();
  });
});

describe('USER/PASS and SASL (R5.3, R6, RFC 5034, RFC 3206)', () => {
  it('USER and AUTH PLAIN are refused without TLS with [AUTH]', async () => {
    const c = await Pop3Client.open(t.port('pop3', STLS));
    expect((await c.cmd('USER alice@example.org')).line).toMatch(/^-ERR \[AUTH\] .*STLS/);
    expect((await c.authPlain('alice@example.org', 'pw-alice')).line).toMatch(/^-ERR \[AUTH\]/);
    expect((await c.cmd('STAT')).line).toBe('-ERR Command not valid in this state');
    c.close();
  });

  it('a wrong password and an unknown user get the same [AUTH] answer; a password with spaces works', async () => {
    const c = await Pop3Client.open(t.port('pop3', POP3S), {});
    const wrong = await c.login('alice@example.org', 'nope');
    const unknown = await c.login('nobody@example.org', 'nope');
    expect(wrong.line).toBe('-ERR [AUTH] Authentication failed');
    expect(unknown.line).toBe(wrong.line);
    expect((await c.login('bob@example.org', 'pw bob with spaces')).line).toMatch(/^\+OK Logged in, 0 messages/);
    c.close();
    const failures = t.logs.filter((l) => l.event === 'auth-failure' && l.protocol === 'pop3');
    expect(failures.length).toBeGreaterThanOrEqual(2);
    expect(JSON.stringify(failures)).not.toContain('nope');
  });

  it('AUTH PLAIN with an initial response, and with "=" meaning an empty one', async () => {
    const c = await Pop3Client.open(t.port('pop3', POP3S), {});
    expect((await c.cmd('AUTH PLAIN =')).line).toMatch(/^-ERR/);
    expect((await c.authPlain('alice@example.org', 'pw-alice')).line).toMatch(/^\+OK Logged in/);
    c.close();
  });

  it('AUTH PLAIN without an initial response: "+ " then the response; "*" cancels; bad base64 is a clean error', async () => {
    const c = await Pop3Client.open(t.port('pop3', POP3S), {});
    c.send('AUTH PLAIN');
    expect(await c.line()).toBe('+ ');
    expect((await c.cmd('*')).line).toBe('-ERR Authentication cancelled');
    c.send('AUTH PLAIN');
    await c.line();
    expect((await c.cmd('%%%not base64')).line).toBe('-ERR Invalid base64 in SASL response');
    expect((await c.cmd('AUTH PLAIN !!!!')).line).toBe('-ERR Invalid base64 in SASL response');
    c.send('AUTH PLAIN');
    await c.line();
    expect((await c.cmd(Buffer.from('\0alice@example.org\0pw-alice').toString('base64'))).ok).toBe(true);
    c.close();
  });

  it('SCRAM-SHA-256 works without TLS; a wrong password gets [AUTH]', async () => {
    for (const [password, ok] of [['pw-alice', true], ['wrong', false]] as const) {
      const c = await Pop3Client.open(t.port('pop3', STLS));
      const scram = new ScramClient('alice@example.org', password);
      const first = await c.cmd(`AUTH SCRAM-SHA-256 ${scram.first().toString('base64')}`);
      expect(first.line).toMatch(/^\+ /);
      const second = await c.cmd((await scram.final(Buffer.from(first.text, 'base64'))).toString('base64'));
      if (ok) {
        expect(second.line).toMatch(/^\+ /);
        expect(scram.verifyServerFinal(Buffer.from(second.text, 'base64'))).toBe(true);
        expect((await c.cmd('')).line).toMatch(/^\+OK Logged in/);
        expect((await c.cmdMulti('CAPA')).lines).toContain('AUTHSERV mx.test.example');
      } else {
        expect(second.line).toBe('-ERR [AUTH] Authentication failed');
      }
      c.close();
    }
  });

  it('unknown mechanisms are refused; a bare AUTH lists the mechanisms offered here', async () => {
    const c = await Pop3Client.open(t.port('pop3', STLS));
    expect((await c.cmd('AUTH CRAM-MD5')).line).toMatch(/^-ERR Unrecognized/);
    expect((await c.cmdMulti('AUTH')).lines).toEqual(['SCRAM-SHA-256']);
    c.close();
  });
});

describe('EXTERNAL (R5.4, RFC 5034)', () => {
  it('STLS with a client certificate from the local CA, then AUTH EXTERNAL = logs in', async () => {
    const c = await Pop3Client.open(t.port('pop3', STLS));
    expect((await capaOf(c)).some((l) => l.includes('EXTERNAL'))).toBe(false);
    await c.stls(clientCert);
    expect(await capaOf(c)).toContain('SASL EXTERNAL SCRAM-SHA-256 PLAIN LOGIN');
    expect((await c.cmd('AUTH EXTERNAL =')).line).toMatch(/^\+OK Logged in, \d+ messages/);
    expect((await c.cmd('AUTH EXTERNAL =')).line).toBe('-ERR Command not valid in this state');
    await c.cmd('QUIT');
    c.close();
  });

  it('a verified certificate alone logs nobody in, and EXTERNAL without one is refused', async () => {
    const c = await Pop3Client.open(t.port('pop3', POP3S), clientCert);
    expect((await c.cmd('STAT')).line).toBe('-ERR Command not valid in this state');
    c.close();
    const d = await Pop3Client.open(t.port('pop3', POP3S), {});
    expect((await d.cmd('AUTH EXTERNAL =')).line).toMatch(/^-ERR Unrecognized or unavailable/);
    d.close();
  });
});
