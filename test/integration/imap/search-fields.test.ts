// R7.4 with a real client: imapflow's SEARCH FROM, TO, SUBJECT (RFC 2047 encoded-words, sent by imapflow as
// UTF-8), SENTSINCE / SENTBEFORE / SENTON and their combinations, over messages delivered by LMTP (with a trace
// prefix) and APPENDed (without), answered from the search fields the store keeps per body.
import { ImapFlow } from 'imapflow';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../../support/server.js';
import { dotStuffed, SmtpClient } from '../../support/smtp-client.js';

const LISTENERS = `listeners:
  - { protocol: imap, address: 127.0.0.1, port: 0, tls: implicit }
  - { protocol: lmtp, path: lmtp.sock, tls: none }
`;
const USER = 'seeker@example.org';
const PASS = 'pw-seeker';

let t: TestServer;
beforeAll(async () => {
  t = await startTestServer({ listeners: LISTENERS });
  await t.addUser(USER, PASS);
});
afterAll(() => t.stop());

async function deliver(raw: string): Promise<void> {
  const c = await SmtpClient.connect({ path: t.unixPath('lmtp') });
  try {
    await c.reply();
    await c.cmd('LHLO mta.test');
    await c.cmd('MAIL FROM:<sender@example.net>');
    expect((await c.cmd(`RCPT TO:<${USER}>`)).code).toBe(250);
    await c.cmd('DATA');
    c.write(dotStuffed(raw));
    expect((await c.reply()).code).toBe(250);
  } finally {
    c.close();
  }
}

const message = (headers: string[]) => [...headers, '', 'text', ''].join('\r\n');

describe('SEARCH on header fields and sent dates (imapflow)', () => {
  it('matches decoded From/To/Subject and Date days of delivered and appended messages', async () => {
    // UIDs 1-3 by LMTP, 4-5 by APPEND.
    await deliver(
      message([
        'From: =?UTF-8?Q?Ren=C3=A9e_Dupont?= <renee@example.fr>',
        'To: alice@example.org',
        'Subject: =?UTF-8?Q?Gr=C3=BC=C3=9Fe?= aus =?ISO-8859-1?Q?K=F6ln?=',
        'Date: Mon, 23 Nov 2026 10:00:00 +0000',
      ]),
    );
    await deliver(message(['From: sender00@example.net', 'To: a@example.org', 'To: b@example.org', 'Subject: weekly', 'Date: 2 Jan 2025 23:30 -0800']));
    await deliver(message(['From: sender01@example.net', 'Subject: no date']));
    const c = new ImapFlow({ host: '127.0.0.1', port: t.port('imap', 0), secure: true, auth: { user: USER, pass: PASS }, tls: { rejectUnauthorized: false }, logger: false });
    await c.connect();
    try {
      await c.append('INBOX', message(['From: Sender00 <SENDER00@example.net>', 'Subject: appended', 'Date: 1 Jun 2025 00:00 +0000']));
      await c.append('INBOX', message(['From: other@example.com', 'Subject: old', 'Date: 31 Dec 1999 23:59 -1200']), [], new Date('2025-06-01T00:00:00Z'));
      const lock = await c.getMailboxLock('INBOX');
      try {
        const search = async (query: Record<string, unknown>) => (await c.search(query, { uid: true })) || [];
        expect(await search({ from: 'sender00@' })).toEqual([2, 4]);
        expect(await search({ from: 'renée dupont' })).toEqual([1]);
        expect(await search({ subject: 'GRÜSSE' })).toEqual([1]); // full case folding: ß and SS compare equal (issue 14 item 3)
        expect(await search({ subject: 'grüße aus köln' })).toEqual([1]);
        expect(await search({ to: 'b@example' })).toEqual([2]);
        expect(await search({ header: { 'return-path': 'sender@example.net' } })).toEqual([1, 2, 3]);
        // Message 3 has no Date: its INTERNALDATE (the delivery, today) stands in.
        expect(await search({ sentSince: new Date('2025-06-01T00:00:00Z') })).toEqual([1, 3, 4]);
        expect(await search({ sentBefore: new Date('2025-01-03T00:00:00Z') })).toEqual([2, 5]);
        expect(await search({ sentOn: new Date('1999-12-31T00:00:00Z') })).toEqual([5]);
        expect(await search({ from: 'sender0', sentSince: new Date('2025-01-01T00:00:00Z'), sentBefore: new Date('2025-06-02T00:00:00Z') })).toEqual([2, 4]);
        expect(await search({ or: [{ subject: 'weekly' }, { from: 'other@' }] })).toEqual([2, 5]);
      } finally {
        lock.release();
      }
    } finally {
      await c.logout();
    }
  });
});
