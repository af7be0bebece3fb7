// R7 with a real client: imapflow over STARTTLS and IMAPS against an in-process Postern — mailboxes with
// special-use, APPEND, FETCH (envelope, bodystructure, source, sections), SEARCH, STORE, COPY/MOVE with
// UIDPLUS, EXPUNGE, RENAME of INBOX, two sessions on one mailbox, IDLE woken by an LMTP delivery.
import { ImapFlow } from 'imapflow';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../../support/server.js';
import { dotStuffed, SmtpClient } from '../../support/smtp-client.js';

const LISTENERS = `listeners:
  - { protocol: imap, address: 127.0.0.1, port: 0, tls: starttls }
  - { protocol: imap, address: 127.0.0.1, port: 0, tls: implicit }
  - { protocol: lmtp, path: lmtp.sock, tls: none }
`;

let t: TestServer;
beforeAll(async () => {
  t = await startTestServer({ listeners: LISTENERS });
  await t.addUser('alice@example.org', 'pw-alice');
  await t.addUser('bob@example.org', 'pw-bob');
});
afterAll(() => t.stop());

function client(user = 'alice@example.org', pass = 'pw-alice', implicit = false): ImapFlow {
  return new ImapFlow({
    host: '127.0.0.1',
    port: t.port('imap', implicit ? 1 : 0),
    secure: implicit,
    doSTARTTLS: implicit ? undefined : true,
    auth: { user, pass },
    tls: { rejectUnauthorized: false },
    logger: false,
  });
}

/** Delivers over the LMTP Unix socket, as Postfix's lmtp:unix: would. */
async function deliver(to: string, raw: string): Promise<void> {
  const c = await SmtpClient.connect({ path: t.unixPath('lmtp') });
  try {
    await c.reply();
    await c.cmd('LHLO mta.test');
    await c.cmd('MAIL FROM:<sender@example.net>');
    expect((await c.cmd(`RCPT TO:<${to}>`)).code).toBe(250);
    await c.cmd('DATA');
    c.write(dotStuffed(raw));
    expect((await c.reply()).code).toBe(250);
  } finally {
    c.close();
  }
}

const MULTIPART = [
  'From: "Sender Person" <sender@example.net>',
  'To: Alice <alice@example.org>',
  'Subject: =?UTF-8?Q?Gr=C3=BC=C3=9Fe?= and a report',
  'Date: Mon, 23 Nov 2026 10:00:00 +0000',
  'Message-ID: <multi@example.net>',
  'MIME-Version: 1.0',
  'Content-Type: multipart/mixed; boundary="BOUND"',
  '',
  '--BOUND',
  'Content-Type: text/plain; charset=utf-8',
  '',
  'The quarterly zebrafish report is attached.',
  '--BOUND',
  'Content-Type: application/pdf; name="report.pdf"',
  'Content-Disposition: attachment; filename="report.pdf"',
  'Content-Transfer-Encoding: base64',
  '',
  'JVBERi0xLjQK',
  '--BOUND--',
  '',
].join('\r\n');

describe('imapflow against Postern', () => {
  it('logs in over STARTTLS and lists the default mailboxes with special-use attributes', async () => {
    const c = client();
    await c.connect();
    try {
      const boxes = await c.list();
      const byPath = new Map(boxes.map((b) => [b.path, b]));
      expect([...byPath.keys()].sort()).toEqual(['Archive', 'Drafts', 'INBOX', 'Junk', 'Sent', 'Trash']);
      expect(byPath.get('Sent')?.specialUse).toBe('\\Sent');
      expect(byPath.get('Trash')?.specialUse).toBe('\\Trash');
      expect(byPath.get('Junk')?.specialUse).toBe('\\Junk');
    } finally {
      await c.logout();
    }
  });

  it('APPEND, FETCH envelope/bodystructure/source, SEARCH, STORE, COPY and MOVE with UIDPLUS', async () => {
    await deliver('alice@example.org', MULTIPART);
    const c = client('alice@example.org', 'pw-alice', true);
    await c.connect();
    try {
      const appended = await c.append('Drafts', 'Subject: draft\r\n\r\nunfinished\r\n', ['\\Draft']);
      expect(appended && appended.uid).toBe(1);

      const box = await c.mailboxOpen('INBOX');
      expect(box.exists).toBe(1);
      const msg = await c.fetchOne('1', { envelope: true, bodyStructure: true, source: true, flags: true, size: true, uid: true });
      expect(msg && msg.envelope?.subject).toBe('Grüße and a report');
      expect(msg && msg.envelope?.from?.[0]).toMatchObject({ name: 'Sender Person', address: 'sender@example.net' });
      expect(msg && msg.bodyStructure?.type).toBe('multipart/mixed');
      expect(msg && msg.bodyStructure?.childNodes?.[1]?.type).toBe('application/pdf');
      expect(msg && msg.bodyStructure?.childNodes?.[1]?.disposition).toBe('attachment');
      expect(msg && msg.source?.toString()).toContain('The quarterly zebrafish report');
      expect(msg && msg.size).toBe(msg && msg.source?.length);

      const part = await c.fetchOne('1', { bodyParts: ['1'] });
      expect(part && part.bodyParts?.get('1')?.toString()).toBe('The quarterly zebrafish report is attached.');

      expect(await c.search({ body: 'zebrafish' })).toEqual([1]);
      expect(await c.search({ body: 'giraffe' })).toEqual([]);
      expect(await c.search({ subject: 'grüße' })).toEqual([1]);
      expect(await c.search({ from: 'sender@example.net' })).toEqual([1]);
      expect(await c.search({ seen: false })).toEqual([1]);

      await c.messageFlagsAdd('1', ['\\Flagged', '$Important']);
      const flagged = await c.fetchOne('1', { flags: true });
      // imapflow enables IMAP4rev2 when it is advertised: no \Recent then (RFC 9051 Appendix E), and the SEARCHes
      // above were answered in ESEARCH form.
      expect(c.enabled.has('IMAP4REV2')).toBe(true);
      expect(flagged && [...(flagged.flags ?? [])].sort()).toEqual(['$Important', '\\Flagged']);

      const copied = await c.messageCopy('1', 'Archive');
      expect(copied && copied.uidMap?.size).toBe(1);
      const moved = await c.messageMove('1', 'Trash');
      expect(moved && moved.destination).toBe('Trash');
      const after = await c.status('INBOX', { messages: true });
      expect(after && after.messages).toBe(0);
      const trash = await c.status('Trash', { messages: true, unseen: true });
      expect(trash && trash.messages).toBe(1);
    } finally {
      await c.logout();
    }
  });

  it('two sessions on one mailbox see each other’s flag changes and expunges', async () => {
    await deliver('bob@example.org', 'Subject: one\r\n\r\n1\r\n');
    await deliver('bob@example.org', 'Subject: two\r\n\r\n2\r\n');
    const a = client('bob@example.org', 'pw-bob');
    const b = client('bob@example.org', 'pw-bob');
    await a.connect();
    await b.connect();
    try {
      await a.mailboxOpen('INBOX');
      await b.mailboxOpen('INBOX');
      const expunged = new Promise<number>((resolve) => b.on('expunge', (e: { seq: number }) => resolve(e.seq)));
      await a.messageFlagsAdd('1', ['\\Seen']);
      await a.messageDelete('1');
      await b.noop();
      expect(await expunged).toBe(1);
      const left = await b.fetchAll('1:*', { envelope: true });
      expect(left.map((m) => m.envelope?.subject)).toEqual(['two']);
    } finally {
      await a.logout();
      await b.logout();
    }
  });

  it('IDLE is woken by an LMTP delivery', async () => {
    const c = client();
    await c.connect();
    try {
      await c.mailboxOpen('INBOX');
      const before = c.mailbox && typeof c.mailbox === 'object' ? c.mailbox.exists : 0;
      const exists = new Promise<number>((resolve) => c.on('exists', (e: { count: number }) => resolve(e.count)));
      const idling = c.idle();
      await new Promise((r) => setTimeout(r, 100));
      await deliver('alice@example.org', 'Subject: wake up\r\n\r\nnew mail\r\n');
      expect(await exists).toBe(before + 1);
      await c.noop();
      await idling;
    } finally {
      await c.logout();
    }
  });

  it('CREATE, RENAME (INBOX too) and DELETE', async () => {
    await deliver('bob@example.org', 'Subject: keep\r\n\r\nkept\r\n');
    const c = client('bob@example.org', 'pw-bob');
    await c.connect();
    try {
      await c.mailboxCreate('Projects/Postern');
      await c.mailboxRename('Projects', 'Work');
      const paths = (await c.list()).map((b) => b.path);
      expect(paths).toContain('Work/Postern');
      expect(paths).not.toContain('Projects');
      const inboxBefore = await c.status('INBOX', { messages: true });
      await c.mailboxRename('INBOX', 'Old-Inbox');
      const old = await c.status('Old-Inbox', { messages: true });
      const inbox = await c.status('INBOX', { messages: true });
      expect(old && old.messages).toBe(inboxBefore && inboxBefore.messages);
      expect(inbox && inbox.messages).toBe(0);
      await c.mailboxDelete('Work/Postern');
      expect((await c.list()).map((b) => b.path)).not.toContain('Work/Postern');
    } finally {
      await c.logout();
    }
  });

  it('refuses a wrong password', async () => {
    const c = client('alice@example.org', 'wrong');
    await expect(c.connect()).rejects.toThrow();
  });
});
