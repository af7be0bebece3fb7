// R11.2, R1.4: the message size limit — announced in SIZE, enforced at MAIL FROM SIZE=, and enforced on
// the actual octets when the client lied (DATA and BDAT), with the session still in step afterwards.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../../support/server.js';
import { dotStuffed, SmtpClient } from '../../support/smtp-client.js';

let t: TestServer;
let alice: number;
beforeAll(async () => {
  t = await startTestServer({ yaml: 'limits: { maxMessageBytes: 2000, maxRecipients: 2 }\n' });
  alice = await t.addUser('alice@example.org', 'pw');
});
afterAll(() => t.stop());

async function session(): Promise<SmtpClient> {
  const c = await SmtpClient.connect({ port: t.port('lmtp') });
  await c.reply();
  const lhlo = await c.cmd('LHLO client.test');
  expect(lhlo.text).toMatch(/^250-SIZE 2000$/m);
  return c;
}

describe('message size', () => {
  it('refuses MAIL FROM with SIZE above the maximum', async () => {
    const c = await session();
    expect((await c.cmd('MAIL FROM:<s@x.example> SIZE=2001')).text).toMatch(/^552 5\.3\.4/);
    expect((await c.cmd('MAIL FROM:<s@x.example> SIZE=1999')).code).toBe(250);
    c.close();
  });

  it('refuses a DATA body larger than announced, per recipient, and the session goes on', async () => {
    const c = await session();
    await c.cmd('MAIL FROM:<s@x.example> SIZE=100');
    await c.cmd('RCPT TO:<alice@example.org>');
    await c.cmd('DATA');
    c.write(dotStuffed(`Subject: big\r\n\r\n${'y'.repeat(5000)}\r\n`));
    expect((await c.reply()).text).toMatch(/^552 5\.3\.4/);
    expect((await c.cmd('NOOP')).code).toBe(250);
    expect((await c.cmd('MAIL FROM:<s@x.example>')).code).toBe(250);
    c.close();
    expect((await t.server.store.getMailbox(alice, 'INBOX')).messages).toBe(0);
  });

  it('refuses BDAT chunks that add up past the maximum, reading them so the next command is understood', async () => {
    const c = await session();
    await c.cmd('MAIL FROM:<s@x.example>');
    await c.cmd('RCPT TO:<alice@example.org>');
    c.write(`BDAT 1500\r\n${'a'.repeat(1500)}`);
    expect((await c.reply()).code).toBe(250);
    c.write(`BDAT 1500 LAST\r\n${'b'.repeat(1500)}`);
    expect((await c.reply()).text).toMatch(/^552 5\.3\.4/);
    expect((await c.cmd('RSET')).code).toBe(250);
    c.close();
    expect((await t.server.store.getMailbox(alice, 'INBOX')).messages).toBe(0);
  });

  it('stores a message sent in BDAT chunks, byte-exact', async () => {
    const c = await session();
    await c.cmd('MAIL FROM:<s@x.example> BODY=BINARYMIME');
    await c.cmd('RCPT TO:<alice@example.org>');
    const part1 = 'Subject: chunks\r\n\r\n.leading dot\r\n';
    const part2 = 'second\r\n';
    c.write(`BDAT ${part1.length}\r\n${part1}BDAT ${part2.length} LAST\r\n${part2}`);
    expect((await c.reply()).code).toBe(250);
    expect((await c.reply()).text).toMatch(/^250 2\.0\.0 <alice@example\.org>/);
    c.close();
    const box = await t.server.store.getMailbox(alice, 'INBOX');
    const [m] = await t.server.store.listMessages(alice, box.id);
    const text = (await t.server.store.readMessage(alice, box.id, m!.uid)).toString();
    expect(text.endsWith(part1 + part2)).toBe(true);
  });

  it('limits recipients per transaction with 452 4.5.3', async () => {
    const c = await session();
    await c.cmd('MAIL FROM:<s@x.example>');
    expect((await c.cmd('RCPT TO:<alice@example.org>')).code).toBe(250);
    expect((await c.cmd('RCPT TO:<alice@example.org>')).code).toBe(250);
    expect((await c.cmd('RCPT TO:<alice@example.org>')).text).toMatch(/^452 4\.5\.3/);
    c.close();
  });

  it('hangs up on a BDAT larger than any message may be', async () => {
    const c = await session();
    await c.cmd('MAIL FROM:<s@x.example>');
    await c.cmd('RCPT TO:<alice@example.org>');
    expect((await c.cmd('BDAT 999999999')).text).toMatch(/^552 5\.3\.4/);
    expect(await c.waitClosed()).toBe(true);
  });
});
