// R3.4 (seed 004) over real sockets: a maildrop holding REQUIRETLS mail (delivered over the LMTP Unix socket)
// is refused at the end of authentication without TLS, with -ERR [SYS/PERM] naming STLS and POP3S, revealing
// nothing and taking no lock; over STLS and POP3S it is served normally.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Pop3Client } from '../../support/pop3-client.js';
import { dotStuffed, SmtpClient } from '../../support/smtp-client.js';
import { ScramClient } from '../../unit/sasl/scram-client.js';
import { deliver, inboxOf, message, POP3S, startPop3Server, STLS, type Pop3TestServer } from './helpers.js';

let t: Pop3TestServer;
let carol: number;

/** SCRAM-SHA-256 (allowed without TLS: R5.3); returns the final response line. */
async function scramLogin(c: Pop3Client, user: string, password: string): Promise<string> {
  const scram = new ScramClient(user, password);
  const first = await c.cmd(`AUTH SCRAM-SHA-256 ${scram.first().toString('base64')}`);
  const second = await c.cmd((await scram.final(Buffer.from(first.text, 'base64'))).toString('base64'));
  if (!second.line.startsWith('+ ')) return second.line;
  return (await c.cmd('')).line;
}

beforeAll(async () => {
  t = await startPop3Server();
  carol = await t.addUser('carol@example.org', 'pw-carol');
  await deliver(t, carol, message('plain one', 'hello'));
  const lmtp = await SmtpClient.connect({ path: t.unixPath('lmtp') });
  await lmtp.reply();
  await lmtp.cmd('LHLO mta.test');
  expect((await lmtp.cmd('MAIL FROM:<s@sender.example> REQUIRETLS')).code).toBe(250);
  expect((await lmtp.cmd('RCPT TO:<carol@example.org>')).code).toBe(250);
  await lmtp.cmd('DATA');
  lmtp.write(dotStuffed('From: s@sender.example\r\nSubject: secret\r\n\r\nfor TLS eyes only\r\n'));
  expect((await lmtp.reply()).code).toBe(250);
  lmtp.close();
  expect((await inboxOf(t, carol)).requireTlsMessages).toBe(1);
});
afterAll(async () => {
  await t.cleanup();
});

describe('REQUIRETLS maildrop (R3.4)', () => {
  it('without TLS: -ERR [SYS/PERM] naming STLS and POP3S, nothing revealed, no lock taken', async () => {
    const c = await Pop3Client.open(t.port('pop3', STLS));
    const refused = await scramLogin(c, 'carol@example.org', 'pw-carol');
    expect(refused).toMatch(/^-ERR \[SYS\/PERM\] .*STLS.*POP3S/);
    expect(refused).not.toMatch(/\d+ messages|octets/);
    expect((await c.cmd('STAT')).line).toBe('-ERR Command not valid in this state');
    expect((await c.cmd('LIST')).line).toBe('-ERR Command not valid in this state');
    // No lock: a POP3S session logs in while the refused session is still connected.
    const s = await Pop3Client.open(t.port('pop3', POP3S), {});
    expect((await s.login('carol@example.org', 'pw-carol')).line).toMatch(/^\+OK Logged in, 2 messages/);
    await s.cmd('QUIT');
    s.close();
    // The same connection is served once it has upgraded (state forgotten, then a new login).
    await c.stls();
    expect((await c.login('carol@example.org', 'pw-carol')).line).toMatch(/^\+OK Logged in, 2 messages/);
    const list = await c.cmdMulti('LIST');
    expect(list.lines).toHaveLength(2);
    expect((await c.cmdMulti('RETR 2')).lines).toContain('for TLS eyes only');
    await c.cmd('QUIT');
    c.close();
  });

  it('over POP3S the whole maildrop is served, REQUIRETLS mail included', async () => {
    const c = await Pop3Client.open(t.port('pop3', POP3S), {});
    expect((await c.login('carol@example.org', 'pw-carol')).ok).toBe(true);
    expect((await c.cmdMulti('RETR 1')).ok).toBe(true);
    expect((await c.cmdMulti('RETR 2')).lines).toContain('for TLS eyes only');
    c.close();
  });

  it('a user without REQUIRETLS mail is served in cleartext (SCRAM)', async () => {
    const dave = await t.addUser('dave@example.org', 'pw-dave');
    await deliver(t, dave, message('ordinary', 'hi'));
    const c = await Pop3Client.open(t.port('pop3', STLS));
    expect(await scramLogin(c, 'dave@example.org', 'pw-dave')).toMatch(/^\+OK Logged in, 1 messages/);
    c.close();
    // ...until REQUIRETLS mail arrives: then the next cleartext login is refused.
    await deliver(t, dave, message('secret', 'x'), { requireTls: true });
    await new Promise((r) => setTimeout(r, 50));
    const d = await Pop3Client.open(t.port('pop3', STLS));
    expect(await scramLogin(d, 'dave@example.org', 'pw-dave')).toMatch(/^-ERR \[SYS\/PERM\]/);
    d.close();
  });
});
