// R1.4, issue 4 item 7: user+detail@ is delivered to the user; with lmtp.detailMailbox into the mailbox
// the detail names when it exists, otherwise INBOX; and the quota reply is 452 4.2.2 when configured so.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../../support/server.js';
import { dotStuffed, SmtpClient } from '../../support/smtp-client.js';

let t: TestServer;
let alice: number;
beforeAll(async () => {
  t = await startTestServer({ yaml: 'lmtp: { detailMailbox: true, quotaFullTempfail: true, verify: false }\n' });
  alice = await t.addUser('alice@example.org', 'pw');
  await t.server.store.createMailbox(alice, 'lists');
  await t.addUser('full@example.org', 'pw', 29); // exactly the size of the message that fills it
});
afterAll(() => t.stop());

async function send(rcpt: string): Promise<string[]> {
  const c = await SmtpClient.connect({ path: t.unixPath('lmtp') });
  await c.reply();
  await c.cmd('LHLO mta.test');
  await c.cmd('MAIL FROM:<s@x.example>');
  const r = await c.cmd(`RCPT TO:<${rcpt}>`);
  if (r.code !== 250) {
    c.close();
    return [r.text];
  }
  await c.cmd('DATA');
  c.write(dotStuffed('Subject: sub\r\n\r\nbody\r\n'));
  const done = await c.reply();
  c.close();
  return [r.text, done.text];
}

describe('subaddresses', () => {
  it('delivers +detail into the mailbox of that name when it exists', async () => {
    await send('alice+lists@example.org');
    expect((await t.server.store.getMailbox(alice, 'lists')).messages).toBe(1);
    expect((await t.server.store.getMailbox(alice, 'INBOX')).messages).toBe(0);
  });

  it('falls back to INBOX when the detail names no mailbox', async () => {
    await send('alice+nothing@example.org');
    expect((await t.server.store.getMailbox(alice, 'INBOX')).messages).toBe(1);
  });

  it('over quota: 452 4.2.2 naming the recipient when quotaFullTempfail is set', async () => {
    await t.server.store.deliver({
      body: Buffer.from('Subject: fill\r\n\r\n0123456789\r\n'),
      recipients: [{ userId: (await t.server.store.findUser('full@example.org'))!.id, prefix: Buffer.alloc(0) }],
      internalDate: new Date(),
      requireTls: false,
      tlsRequiredNo: false,
      forgedFields: 0,
    });
    const [rcpt] = await send('full@example.org');
    expect(rcpt).toMatch(/^452 4\.2\.2 <full@example\.org>/);
  });
});
