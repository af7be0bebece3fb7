// Issue 16 items 2 and 3: `postern export maildir` read back by a real Debian Dovecot — the same UIDVALIDITY,
// UIDs, UIDNEXT, flags, keywords, INTERNALDATE, bytes, subscriptions and POP3 UIDLs, checked over IMAP and POP3.
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ImapFlow } from 'imapflow';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Pop3Client } from '../../support/pop3-client.js';
import { findDovecot, startPrivateDovecot } from '../../support/private-dovecot.js';
import { PLAINTEXT_AUTH, startTestServer, type TestServer } from '../../support/server.js';
import { tempHome, type TempHome } from '../../support/cli.js';

const DOVECOT = findDovecot();
if (DOVECOT === null) console.warn('export.test.ts: Dovecot is not installed (apt-get install dovecot-imapd dovecot-pop3d); skipped');

const USER = 'alice@example.org';
const PASSWORD = 'export-test-password';
const BOXES = ['INBOX', 'Lists/Work', 'Entwürfe', 'Entwürfe/Ölpreis & Co', 'Trash'];

interface Seen {
  uidValidity: bigint;
  uidNext: number;
  messages: Array<{ uid: number; flags: string[]; date: number; size: number; source: string }>;
}

function imap(port: number, user: string, pass: string): ImapFlow {
  return new ImapFlow({ host: '127.0.0.1', port, secure: false, doSTARTTLS: false, auth: { user, pass }, logger: false });
}

/** Every mailbox as an IMAP client sees it: status, and each message's UID, flags, date, size and bytes. */
async function observe(client: ImapFlow): Promise<{ boxes: Map<string, Seen>; subscribed: string[] }> {
  const boxes = new Map<string, Seen>();
  const list = await client.list();
  for (const name of BOXES) {
    const lock = await client.getMailboxLock(name, { readOnly: true });
    try {
      const mb = client.mailbox as { uidValidity: bigint; uidNext: number };
      const messages: Seen['messages'] = [];
      if ((client.mailbox as { exists: number }).exists > 0) {
        for await (const m of client.fetch('1:*', { uid: true, flags: true, internalDate: true, size: true, source: true })) {
          messages.push({
            uid: m.uid,
            flags: [...(m.flags ?? [])].filter((f) => f !== '\\Recent').sort(),
            date: new Date(m.internalDate as Date).getTime(),
            size: m.size ?? -1,
            source: m.source?.toString('latin1') ?? '',
          });
        }
      }
      boxes.set(name, { uidValidity: mb.uidValidity, uidNext: mb.uidNext, messages });
    } finally {
      lock.release();
    }
  }
  return { boxes, subscribed: list.filter((l) => l.subscribed).map((l) => l.path).sort() };
}

async function pop3Uidl(port: number, user: string, pass: string): Promise<string[]> {
  const pop = await Pop3Client.open(port);
  try {
    expect((await pop.login(user, pass)).ok).toBe(true);
    const uidl = await pop.cmdMulti('UIDL');
    expect(uidl.ok).toBe(true);
    return uidl.lines;
  } finally {
    await pop.cmd('QUIT');
    pop.close();
  }
}

const message = (i: number, extra = ''): string =>
  `From: Bob <bob@example.org>\r\nTo: alice@example.org\r\nSubject: test ${i} ${extra}\r\nMessage-ID: <m${i}@example.org>\r\n\r\nbody ${i}\r\n${'x'.repeat(i * 37)}\r\n`;

describe.skipIf(DOVECOT === null)('postern export maildir, read back by Dovecot', () => {
  let srv: TestServer;
  let home: TempHome;
  let parent: string;
  let before: { boxes: Map<string, Seen>; subscribed: string[] };
  let uidlBefore: string[];

  beforeAll(async () => {
    srv = await startTestServer({
      auth: PLAINTEXT_AUTH,
      listeners: `listeners:
  - { protocol: imap, address: 127.0.0.1, port: 0, tls: starttls }
  - { protocol: pop3, address: 127.0.0.1, port: 0, tls: starttls }
`,
    });
    await srv.addUser(USER, PASSWORD);
    const c = imap(srv.port('imap'), USER, PASSWORD);
    await c.connect();
    await c.mailboxCreate('Lists/Work');
    await c.mailboxCreate('Entwürfe/Ölpreis & Co');
    await c.mailboxSubscribe('Lists/Work');
    await c.mailboxSubscribe('Entwürfe/Ölpreis & Co');
    await c.mailboxUnsubscribe('Junk');
    const flagSets = [
      ['\\Seen'],
      ['\\Seen', '$Label1', 'Work'],
      [],
      ['\\Answered', '\\Flagged', '$Forwarded'],
      ['\\Draft', '\\Deleted', 'NonJunk', 'Work'],
      ['\\Seen', '\\Answered'],
    ];
    for (let i = 0; i < 6; i++) {
      await c.append('INBOX', message(i), flagSets[i], new Date(Date.UTC(2019, 4, 1 + i, 8, 30, 15 + i)));
    }
    for (let i = 0; i < 4; i++) {
      await c.append('Lists/Work', message(10 + i, 'Äpfel'), i % 2 ? ['\\Seen', 'Project-X'] : ['$MDNSent'], new Date(Date.UTC(2022, 0, 2, 3, 4, i)));
    }
    await c.append('Entwürfe/Ölpreis & Co', message(20), ['\\Draft'], new Date(Date.UTC(2023, 6, 7, 8, 9, 10)));
    // UID gaps: expunge the second and third INBOX messages and the first of Lists/Work (UID EXPUNGE: the
    // \Deleted flag of INBOX's fifth message stays).
    let lock = await c.getMailboxLock('INBOX');
    await c.messageDelete('2:3', { uid: true });
    lock.release();
    lock = await c.getMailboxLock('Lists/Work');
    await c.messageDelete('1', { uid: true });
    lock.release();
    // A last one, expunged too: UIDNEXT (8) is then above the highest UID plus one, which Dovecot must keep.
    await c.append('INBOX', message(7), ['Work'], new Date(Date.UTC(2020, 11, 31, 23, 59, 59)));
    lock = await c.getMailboxLock('INBOX');
    await c.messageDelete('7', { uid: true });
    lock.release();
    before = await observe(c);
    await c.logout();
    uidlBefore = await pop3Uidl(srv.port('pop3'), USER, PASSWORD);

    home = tempHome(`hostname: export.test.example\nlisteners: []\nstore: { path: ${join(srv.dir, 'data/postern.sqlite')} }\n`);
    parent = mkdtempSync(join(tmpdir(), 'postern-export-'));
    chmodSync(parent, 0o755); // Dovecot's mail process (another uid when run as root) must reach the tree
  }, 120_000);

  afterAll(async () => {
    await srv?.stop();
    home?.cleanup();
    if (parent) rmSync(parent, { recursive: true, force: true });
  });

  it('the Postern side holds what the test set up: gaps, flags, keywords, subscriptions', () => {
    const inbox = before.boxes.get('INBOX')!;
    expect(inbox.messages.map((m) => m.uid)).toEqual([1, 4, 5, 6]);
    expect(inbox.uidNext).toBe(8);
    expect(inbox.messages[2]!.flags).toEqual(['NonJunk', 'Work', '\\Deleted', '\\Draft']);
    expect(before.boxes.get('Lists/Work')!.messages.map((m) => m.uid)).toEqual([2, 3, 4]);
    expect(before.subscribed).toContain('Lists/Work');
    expect(before.subscribed).not.toContain('Junk');
    expect(uidlBefore).toHaveLength(4);
  });

  it('writes a Maildir++ tree with dovecot-uidlist, dovecot-keywords and subscriptions', async () => {
    const target = join(parent, 'Maildir');
    const run = await home.run(['export', 'maildir', USER, target]);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^exported 8 messages .* in 10 mailboxes of alice@example.org/m);
    const inbox = before.boxes.get('INBOX')!;
    const uidlist = readFileSync(join(target, 'dovecot-uidlist'), 'utf8').split('\n');
    expect(uidlist[0]).toMatch(new RegExp(`^3 V${inbox.uidValidity} N8 G[0-9a-f]{32}$`));
    expect(uidlist[1]).toMatch(new RegExp(`^1 P${inbox.uidValidity}\\.1 :\\d+\\.P\\d+Q\\d+R[0-9a-f]+\\.export\\.test\\.example,S=\\d+,W=\\d+$`));
    expect(readdirSync(target).sort()).toEqual(
      ['.Archive', '.Drafts', '.Entw&APw-rfe', '.Entw&APw-rfe.&ANY-lpreis &- Co', '.Junk', '.Lists', '.Lists.Work', '.Sent', '.Trash',
        'cur', 'dovecot-keywords', 'dovecot-uidlist', 'new', 'subscriptions', 'tmp'].sort(),
    );
    expect(readFileSync(join(target, 'subscriptions'), 'utf8')).toMatch(/^V\t2\n\n/);
    expect(readFileSync(join(target, 'subscriptions'), 'utf8')).toMatch(/^Entw&APw-rfe\t&ANY-lpreis &- Co$/m);
    const files = readdirSync(join(target, 'cur')).sort();
    expect(files).toHaveLength(4);
    for (const f of files) expect(f).toMatch(/,S=\d+,W=\d+:2,[A-Z]*[a-z]*$/);
    // INTERNALDATE is the file's mtime for Dovecot.
    const first = files.find((f) => readFileSync(join(target, 'dovecot-uidlist'), 'utf8').includes(`1 P${inbox.uidValidity}.1 :${f.split(':')[0]}`))!;
    expect(statSync(join(target, 'cur', first)).mtimeMs).toBe(inbox.messages[0]!.date);
    expect(readdirSync(join(target, 'tmp'))).toEqual([]);
    expect(statSync(join(target, '.Lists.Work', 'maildirfolder')).isFile()).toBe(true);
  }, 120_000);

  it('refuses a PATH that is not empty, and writes nothing into it', async () => {
    const target = join(parent, 'busy');
    mkdirSync(target);
    writeFileSync(join(target, 'keep'), 'x');
    const run = await home.run(['export', 'maildir', USER, target]);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/is not empty/);
    expect(readdirSync(target)).toEqual(['keep']);
  }, 120_000);

  it('Dovecot serves the export with the same UIDVALIDITY, UIDs, UIDNEXT, flags, dates, bytes and POP3 UIDLs', async () => {
    const dovecot = await startPrivateDovecot({ user: 'alice', password: 'dovecot-side', dir: join(parent, 'Maildir') });
    try {
      const c = imap(dovecot.imapPort, dovecot.user, dovecot.password);
      await c.connect();
      let after: { boxes: Map<string, Seen>; subscribed: string[] };
      try {
        after = await observe(c);
      } finally {
        await c.logout();
      }
      for (const name of BOXES) {
        const want = before.boxes.get(name)!;
        const got = after.boxes.get(name)!;
        expect({ name, ...got }).toEqual({ name, ...want });
      }
      expect(after.subscribed).toEqual(before.subscribed);
      expect(await pop3Uidl(dovecot.pop3Port, dovecot.user, dovecot.password)).toEqual(uidlBefore);

      // New mail in Dovecot takes UIDNEXT (8: UID 7 is never reused), and Dovecot's rewrite of dovecot-uidlist
      // keeps the POP3 UIDLs of the exported messages.
      const d = imap(dovecot.imapPort, dovecot.user, dovecot.password);
      await d.connect();
      try {
        const added = await d.append('INBOX', message(30), []);
        expect(added && added.uid).toBe(8);
      } finally {
        await d.logout();
      }
      const uidlAfter = await pop3Uidl(dovecot.pop3Port, dovecot.user, dovecot.password);
      expect(uidlAfter.slice(0, uidlBefore.length)).toEqual(uidlBefore);
      expect(uidlAfter).toHaveLength(uidlBefore.length + 1);
    } finally {
      await dovecot.stop();
    }
  }, 120_000);
});
