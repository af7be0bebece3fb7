// Issue 16 item 8 over real sockets (SPEC R10.4): mail removed by a user's command is logged with user, mailbox,
// command and count, and the UIDs when they are few: IMAP UID EXPUNGE, EXPUNGE, MOVE and CLOSE (imapflow and a raw
// CLOSE), DELETE of a mailbox with mail, and POP3 DELE applied at QUIT.
import { ImapFlow } from 'imapflow';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOGGED_UIDS } from '../../../src/log/mail-events.js';
import { Pop3Client } from '../../support/pop3-client.js';
import { PLAINTEXT_AUTH, startTestServer, type TestServer } from '../../support/server.js';

let t: TestServer;
beforeAll(async () => {
  t = await startTestServer({
    listeners: `listeners:
  - { protocol: imap, address: 127.0.0.1, port: 0, tls: none }
  - { protocol: pop3, address: 127.0.0.1, port: 0, tls: none }
`,
    auth: PLAINTEXT_AUTH,
  });
  await t.addUser('ada@example.org', 'pw-ada');
  await t.addUser('bob@example.org', 'pw-bob');
});
afterAll(async () => {
  await t.stop();
});

const note = (i: number): string => `From: a@example.org\r\nSubject: note ${i}\r\n\r\nbody ${i}\r\n`;

async function imap(user: string): Promise<ImapFlow> {
  const flow = new ImapFlow({ host: '127.0.0.1', port: t.port('imap'), secure: false, auth: { user, pass: user === 'ada@example.org' ? 'pw-ada' : 'pw-bob' }, logger: false });
  await flow.connect();
  return flow;
}

const expunges = (): Array<Record<string, unknown>> => t.logs.filter((l) => l.event === 'expunge');

describe('expunge and deletion lines (issue 16 item 8)', () => {
  it('IMAP UID EXPUNGE, MOVE, CLOSE and DELETE: user, mailbox, command, count and UIDs', async () => {
    const flow = await imap('ada@example.org');
    await flow.mailboxCreate('Work');
    for (let i = 1; i <= 6; i++) await flow.append('Work', note(i));
    await flow.mailboxCreate('Old');
    await flow.append('Old', note(7));
    await flow.append('Old', note(8));
    await flow.mailboxOpen('Work');
    expect(await flow.messageDelete('1:2', { uid: true })).toBe(true);
    expect(await flow.messageMove('3', 'INBOX', { uid: true })).toBeTruthy();
    await flow.messageFlagsAdd('4', ['\\Deleted'], { uid: true });
    await flow.mailboxClose();
    await flow.mailboxDelete('Old');
    await flow.logout();

    const lines = expunges().filter((l) => l.user === 'ada@example.org');
    expect(lines.map((l) => [l.command, l.mailbox, l.count, l.uids])).toEqual([
      ['UID EXPUNGE', 'Work', 2, [1, 2]],
      ['UID MOVE', 'Work', 1, [3]],
      ['CLOSE', 'Work', 1, [4]],
    ]);
    expect(lines[1]).toMatchObject({ to: 'INBOX' });
    for (const l of lines) expect(l).toMatchObject({ protocol: 'imap', session: expect.any(String), remote: '127.0.0.1' });
    expect(t.logs.find((l) => l.event === 'mailbox-delete')).toMatchObject({ user: 'ada@example.org', mailbox: 'Old', messages: 2, protocol: 'imap' });
  });

  it(`many UIDs: the count, not the list (over ${LOGGED_UIDS})`, async () => {
    const flow = await imap('bob@example.org');
    const n = LOGGED_UIDS + 5;
    for (let i = 1; i <= n; i++) await flow.append('INBOX', note(i), ['\\Deleted']);
    await flow.mailboxOpen('INBOX');
    await flow.messageDelete('1:*');
    await flow.logout();
    const line = expunges().find((l) => l.user === 'bob@example.org');
    expect(line).toMatchObject({ mailbox: 'INBOX', count: n });
    expect(line).not.toHaveProperty('uids');
  });

  it('POP3 DELE takes effect at QUIT, and is logged then', async () => {
    const flow = await imap('ada@example.org');
    const status = await flow.status('INBOX', { messages: true, uidNext: true });
    const before = (status && status.messages) || 0;
    await flow.append('INBOX', note(9));
    await flow.append('INBOX', note(10));
    await flow.logout();
    const pop = await Pop3Client.open(t.port('pop3'));
    expect((await pop.login('ada@example.org', 'pw-ada')).ok).toBe(true);
    expect((await pop.cmd(`DELE ${before + 1}`)).ok).toBe(true);
    expect((await pop.cmd(`DELE ${before + 2}`)).ok).toBe(true);
    expect(expunges().some((l) => l.protocol === 'pop3')).toBe(false);
    await pop.cmd('QUIT');
    pop.close();
    const line = expunges().find((l) => l.protocol === 'pop3');
    expect(line).toMatchObject({ user: 'ada@example.org', mailbox: 'INBOX', command: 'QUIT', count: 2, marked: 2 });
    expect((line?.uids as number[]).length).toBe(2);
  });
});
