// Issue 16 item 8 over real sockets (SPEC R10.4, R1.3): the delivery line names the handing MTA's queue id
// (mtaQueueId) from XFORWARD IDENT, else from the topmost Received field's `id` clause; an IDENT names one
// message only; an untrusted client's Received field is not believed.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../../support/server.js';
import { dotStuffed, SmtpClient } from '../../support/smtp-client.js';

let t: TestServer;
beforeAll(async () => {
  t = await startTestServer();
  await t.addUser('ada@example.org', 'pw-ada');
});
afterAll(async () => {
  await t.stop();
});

const POSTFIX_RECEIVED =
  'Received: from mail.sender.example (mail.sender.example [192.0.2.1])\r\n\tby mx.example.org (Postfix) with ESMTPS id 4Xyz1234AbcDz\r\n\tfor <ada@example.org>; Mon,  7 Dec 2026 16:06:09 +0000 (UTC)\r\n';
const message = (subject: string, received = ''): string => `${received}From: x@sender.example\r\nSubject: ${subject}\r\n\r\nhello\r\n`;

async function deliver(c: SmtpClient, body: string): Promise<void> {
  expect((await c.cmd('MAIL FROM:<x@sender.example>')).code).toBe(250);
  expect((await c.cmd('RCPT TO:<ada@example.org>')).code).toBe(250);
  expect((await c.cmd('DATA')).code).toBe(354);
  c.write(dotStuffed(body));
  expect((await c.reply()).code).toBe(250);
}

const deliveryOf = async (subject: string): Promise<Record<string, unknown>> => {
  const byId = (): Record<string, unknown> | undefined =>
    t.logs.find((l) => l.event === 'delivery' && typeof l.messageId === 'string' && l.messageId.includes(subject));
  for (let i = 0; i < 200 && byId() === undefined; i++) await new Promise((r) => setTimeout(r, 25));
  const line = byId();
  if (line === undefined) throw new Error(`no delivery line for ${subject}`);
  return line;
};

const withId = (subject: string, received = ''): string => `${received}Message-ID: <${subject}@sender.example>\r\n${message(subject)}`;

describe('the MTA queue id on delivery lines (issue 16 item 8)', () => {
  it('a trusted client: XFORWARD IDENT, for that message only; then the Received id; then none', async () => {
    const c = await SmtpClient.connect({ path: t.unixPath('lmtp') });
    expect((await c.reply()).code).toBe(220);
    expect((await c.cmd('LHLO mx.example.org')).lines.join('\n')).toMatch(/XFORWARD .*IDENT/);
    expect((await c.cmd('XFORWARD IDENT=5QrSt678 ADDR=192.0.2.1')).code).toBe(250);
    await deliver(c, withId('one', POSTFIX_RECEIVED));
    await deliver(c, withId('two', POSTFIX_RECEIVED));
    await deliver(c, withId('three'));
    await c.cmd('QUIT');
    c.close();
    expect(await deliveryOf('one')).toMatchObject({ mtaQueueId: '5QrSt678', protocol: 'lmtp', remote: 'unix' });
    expect(await deliveryOf('two')).toMatchObject({ mtaQueueId: '4Xyz1234AbcDz' });
    expect(await deliveryOf('three')).toMatchObject({ mtaQueueId: null });
  });

  it('an untrusted client: its Received field is not believed', async () => {
    const c = await SmtpClient.connect({ port: t.port('lmtp') });
    expect((await c.reply()).code).toBe(220);
    expect((await c.cmd('LHLO client.test')).lines.join('\n')).not.toMatch(/XFORWARD/);
    await deliver(c, withId('four', POSTFIX_RECEIVED));
    await c.cmd('QUIT');
    c.close();
    expect(await deliveryOf('four')).toMatchObject({ mtaQueueId: null });
  });
});
