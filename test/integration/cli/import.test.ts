// Issue 16 items 1 and 3: `postern import dovecot|maildir|mbox` against a Maildir that Debian's Dovecot itself
// wrote (a private Dovecot, test/support/private-dovecot.ts), checked over IMAP (imapflow) and POP3 against both
// servers: UIDVALIDITY, UIDs, UIDNEXT, flags, keywords, INTERNALDATE, bytes, POP3 UIDLs, subscriptions. Also:
// a round trip back to Dovecot through `postern export maildir`; idempotent (run twice), resumable (SIGKILL halfway, run again), verify failing on a corrupted or dropped message,
// and mbox.
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { ImapFlow } from 'imapflow';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openSqliteStore } from '../../../src/store/sqlite/sqlite-store.js';
import { BIN, tempHome, type TempHome } from '../../support/cli.js';
import { Pop3Client } from '../../support/pop3-client.js';
import { findDovecot, startPrivateDovecot } from '../../support/private-dovecot.js';
import { startServeProcess } from '../../support/serve-process.js';

const CONFIG =
  'hostname: import.test.example\nlisteners:\n  - { protocol: imap, port: 0, tls: none }\n  - { protocol: pop3, port: 0, tls: none }\n' +
  'auth: { failureDelayMs: 0, allowPlaintextWithoutTls: true, scramIterations: 4096 }\n';
const PASSWORD = 'import-secret';

interface Seen {
  uid: number;
  flags: string[];
  internalDate: number;
  source: string;
}

interface BoxState {
  uidValidity: number;
  uidNext: number;
  messages: Seen[];
}

function imap(port: number, user: string, pass: string): ImapFlow {
  return new ImapFlow({ host: '127.0.0.1', port, secure: false, auth: { user, pass }, logger: false, disableAutoIdle: true });
}

async function readBox(client: ImapFlow, name: string): Promise<BoxState> {
  const box = await client.mailboxOpen(name, { readOnly: true });
  const messages: Seen[] = [];
  if (box.exists > 0) {
    for await (const m of client.fetch('1:*', { uid: true, flags: true, internalDate: true, source: true })) {
      messages.push({
        uid: m.uid,
        flags: [...(m.flags ?? [])].filter((f) => f !== '\\Recent').sort(),
        internalDate: new Date(m.internalDate ?? 0).getTime(),
        source: m.source?.toString('latin1') ?? '',
      });
    }
  }
  await client.mailboxClose();
  return { uidValidity: Number(box.uidValidity), uidNext: box.uidNext, messages: messages.sort((a, b) => a.uid - b.uid) };
}

async function pop3Uidls(port: number, user: string, pass: string): Promise<string[]> {
  const c = await Pop3Client.open(port);
  try {
    expect((await c.login(user, pass)).ok).toBe(true);
    const list = await c.cmdMulti('UIDL');
    expect(list.ok).toBe(true);
    await c.cmd('QUIT');
    return list.lines;
  } finally {
    c.close();
  }
}

const msg = (subject: string, body: string): string =>
  `From: someone@example.org\r\nTo: alice@example.org\r\nSubject: ${subject}\r\nMessage-ID: <${subject.replace(/\W/g, '')}@example.org>\r\n\r\n${body}\r\n`;

const dovecot = findDovecot();
if (dovecot === null) console.warn('import.test.ts: Dovecot is not installed (apt-get install dovecot-imapd dovecot-pop3d); the Dovecot tests are skipped');

describe.skipIf(dovecot === null)('postern import dovecot, from a Maildir Dovecot wrote', () => {
  let home: TempHome;
  let maildir: string;
  let workDir: string;
  const before = new Map<string, BoxState>();
  let uidlsBefore: string[] = [];

  beforeAll(async () => {
    workDir = mkdtempSync(join(tmpdir(), 'postern-import-'));
    const d = await startPrivateDovecot({ dir: workDir, password: 'dv' });
    maildir = d.maildir;
    try {
      const c = imap(d.imapPort, d.user, d.password);
      await c.connect();
      await c.mailboxCreate('Lists/Work');
      await c.mailboxSubscribe('Lists/Work');
      const days = ['2019-03-04T05:06:07Z', '2020-01-02T03:04:05Z', '2021-06-30T23:59:59Z', '2022-02-02T12:00:00Z', '2023-07-08T09:10:11Z', '2024-12-31T00:00:01Z'];
      const inboxFlags = [['\\Seen'], ['\\Seen', '$Forwarded', 'Custom'], ['\\Flagged'], ['\\Answered', '\\Draft', 'Custom'], [], ['\\Seen', '\\Deleted']];
      for (let i = 0; i < 6; i++) await c.append('INBOX', msg(`inbox ${i}`, `body ${i}\r\nFrom here\r\n>From there`), inboxFlags[i]!, new Date(days[i]!));
      for (let i = 0; i < 3; i++) await c.append('Lists/Work', msg(`work ${i}`, `work body ${i}`), i === 0 ? ['work', '\\Seen'] : ['\\Flagged'], new Date(days[i]!));
      // UID gaps: expunge INBOX UIDs 2 and 6 (the last, so UIDNEXT is above the highest UID).
      await c.mailboxOpen('INBOX');
      await c.messageFlagsAdd('2,6', ['\\Deleted'], { uid: true });
      await c.messageDelete('2,6', { uid: true });
      await c.mailboxClose();
      before.set('INBOX', await readBox(c, 'INBOX'));
      before.set('Lists/Work', await readBox(c, 'Lists/Work'));
      await c.logout();
      uidlsBefore = await pop3Uidls(d.pop3Port, d.user, d.password);
    } finally {
      await d.stop();
    }
    home = tempHome(CONFIG);
    expect((await home.run(['user', 'add', 'alice'], `${PASSWORD}\n`)).code).toBe(0);
  }, 60_000);
  afterAll(() => {
    home?.cleanup();
    rmSync(workDir, { recursive: true, force: true });
  });

  it('keeps UIDVALIDITY, UIDs, UIDNEXT, flags, keywords, INTERNALDATE, bytes, POP3 UIDLs and subscriptions', async () => {
    expect(before.get('INBOX')!.messages.map((m) => m.uid)).toEqual([1, 3, 4, 5]);
    expect(before.get('INBOX')!.uidNext).toBe(7);
    const res = await home.run(['import', 'dovecot', 'alice', maildir]);
    expect(res.stderr).toMatch(/INBOX: 4 imported, 0 already there/);
    expect(res.stdout).toMatch(/imported 7 messages/);
    expect(res.stdout).toMatch(/verify: 7 messages .* match the source/);
    expect(res.code).toBe(0);
    const check = await home.run(['check']);
    expect(check.stdout).toMatch(/no problems/);
    expect(check.code).toBe(0);

    const serve = await startServeProcess(home.env);
    try {
      const c = imap(await serve.port('imap'), 'alice', PASSWORD);
      await c.connect();
      for (const name of ['INBOX', 'Lists/Work']) expect(await readBox(c, name)).toEqual(before.get(name));
      const subscribed = (await c.list({ statusQuery: {} })).filter((b) => b.subscribed).map((b) => b.path);
      expect(subscribed).toContain('Lists/Work');
      await c.logout();
      expect(await pop3Uidls(await serve.port('pop3'), 'alice', PASSWORD)).toEqual(uidlsBefore);
    } finally {
      await serve.dispose();
    }
  }, 120_000);

  it('is idempotent: a second run imports nothing and verifies the same', async () => {
    const res = await home.run(['import', 'dovecot', 'alice', maildir]);
    expect(res.stdout).toMatch(/imported 0 messages .*; 7 were there already/);
    expect(res.stdout).toMatch(/verify: 7 messages/);
    expect(res.code).toBe(0);
  }, 120_000);

  it('round trip Dovecot → Postern → Dovecot: the export of the import serves the same UIDs, flags, dates, bytes and UIDLs', async () => {
    const back = join(workDir, 'back');
    mkdirSync(back);
    const res = await home.run(['export', 'maildir', 'alice', join(back, 'Maildir')]);
    expect(res.stderr).not.toMatch(/error/i);
    expect(res.code).toBe(0);
    const d = await startPrivateDovecot({ password: 'dv', dir: join(back, 'Maildir') });
    try {
      const c = imap(d.imapPort, d.user, d.password);
      await c.connect();
      for (const name of ['INBOX', 'Lists/Work']) expect(await readBox(c, name)).toEqual(before.get(name));
      const subscribed = (await c.list({ statusQuery: {} })).filter((b) => b.subscribed).map((b) => b.path);
      expect(subscribed).toContain('Lists/Work');
      await c.logout();
      expect(await pop3Uidls(d.pop3Port, d.user, d.password)).toEqual(uidlsBefore);
    } finally {
      await d.stop();
    }
  }, 180_000);

  it('verify fails, naming the message, when a stored message is corrupted or dropped', async () => {
    const dbPath = join(home.dir, 'data/postern.sqlite');
    const db = new Database(dbPath);
    try {
      const row = db
        .prepare<[], { body_id: number }>("SELECT m.body_id FROM messages m JOIN mailboxes b ON b.id = m.mailbox_id WHERE b.name = 'INBOX' AND m.uid = 3")
        .get()!;
      db.prepare("UPDATE bodies SET bytes = CAST(replace(CAST(bytes AS TEXT), 'body 2', 'bodx 2') AS BLOB) WHERE id = ?").run(row.body_id);
    } finally {
      db.close();
    }
    const store = await openSqliteStore({ path: dbPath });
    try {
      const user = (await store.findUser('alice'))!;
      const work = await store.getMailbox(user.id, 'Lists/Work');
      await store.expunge(user.id, work.id, { uids: [2], force: true });
    } finally {
      await store.close();
    }
    const res = await home.run(['import', 'dovecot', 'alice', maildir]);
    expect(res.stdout).toMatch(/^differs: INBOX UID 3: content differs/m);
    expect(res.stdout).toMatch(/^differs: Lists\/Work UID 2: missing in Postern/m);
    expect(res.stdout).toMatch(/verify: FAILED/);
    expect(res.code).toBe(1);
  }, 120_000);
});

/** A Maildir in Dovecot's layout with `n` messages, written directly (for the kill test: big enough to kill halfway). */
function writeMaildir(root: string, n: number): void {
  for (const sub of ['cur', 'new', 'tmp']) mkdirSync(join(root, sub), { recursive: true });
  const lines = ['3 V1700000000 N' + String(n + 5) + ' Gabc'];
  for (let i = 1; i <= n; i++) {
    const base = `1700000000.M${i}P1.test`;
    writeFileSync(join(root, 'cur', `${base}:2,${i % 3 === 0 ? 'S' : ''}`), msg(`bulk ${i}`, `bulk body ${i} ${'x'.repeat(i % 200)}`).replace(/\r\n/g, '\n'));
    lines.push(`${i} :${base}`);
  }
  writeFileSync(join(root, 'dovecot-uidlist'), `${lines.join('\n')}\n`);
}

describe('postern import: resumable, and mbox', () => {
  let home: TempHome;
  let dir: string;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'postern-import-src-'));
    home = tempHome(CONFIG);
    expect((await home.run(['user', 'add', 'bob'], 'x\n')).code).toBe(0);
  }, 60_000);
  afterAll(() => {
    home.cleanup();
    rmSync(dir, { recursive: true, force: true });
  });

  it('reads nothing through a symbolic link: a linked message, subscriptions file or cur/ is refused and said', async () => {
    const secret = join(dir, 'secret.txt');
    writeFileSync(secret, 'Subject: not mail\n\nroot:$6$secret-hash:19000:0:99999:7:::\n');
    const other = join(dir, 'other-user');
    writeMaildir(other, 2);
    const root = join(dir, 'Linked');
    writeMaildir(root, 3);
    const base2 = '1700000000.M2P1.test';
    rmSync(join(root, 'cur', `${base2}:2,`));
    symlinkSync(secret, join(root, 'cur', `${base2}:2,`));
    symlinkSync(secret, join(root, 'subscriptions'));
    mkdirSync(join(root, '.Stolen'));
    symlinkSync(join(other, 'cur'), join(root, '.Stolen', 'cur'));
    const res = await home.run(['import', 'dovecot', 'bob', root, '--mailbox', 'Linked']);
    expect(res.stdout + res.stderr, res.stdout + res.stderr).toMatch(/UID 2 .*symbolic link/);
    expect(res.code).not.toBe(0);
    const store = await openSqliteStore({ path: join(home.dir, 'data/postern.sqlite') });
    try {
      const user = (await store.findUser('bob'))!;
      const box = await store.getMailbox(user.id, 'Linked');
      expect(await store.listUids(user.id, box.id)).toEqual([1, 3]);
      for (const uid of [1, 3]) expect((await store.readMessage(user.id, box.id, uid)).toString()).not.toContain('secret-hash');
      expect((await store.listMailboxes(user.id)).map((b) => b.name)).not.toContain('Linked/Stolen');
      expect(await store.listSubscriptions(user.id)).not.toContain('Subject: not mail');
    } finally {
      await store.close();
    }
  }, 120_000);

  it('killed halfway (SIGKILL) and run again: the same result, nothing doubled', async () => {
    const total = 2000;
    const root = join(dir, 'Maildir');
    writeMaildir(root, total);
    const child = spawn(process.execPath, [BIN, 'import', 'dovecot', 'bob', root, '--mailbox', 'Old'], { env: home.env, stdio: 'ignore' });
    const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
    const dbPath = join(home.dir, 'data/postern.sqlite');
    let seen = 0;
    const deadline = Date.now() + 60_000;
    while (Date.now() < deadline && child.exitCode === null) {
      try {
        const db = new Database(dbPath, { readonly: true, fileMustExist: true });
        try {
          seen = (db.prepare("SELECT count(*) AS n FROM messages m JOIN mailboxes b ON b.id = m.mailbox_id WHERE b.name = 'Old'").get() as { n: number }).n;
        } finally {
          db.close();
        }
      } catch {
        // not created yet
      }
      if (seen >= 300) break;
      await new Promise((r) => setTimeout(r, 20));
    }
    child.kill('SIGKILL');
    await exited;
    expect(seen).toBeGreaterThanOrEqual(300);
    expect(seen).toBeLessThan(total);

    const res = await home.run(['import', 'dovecot', 'bob', root, '--mailbox', 'Old']);
    expect(res.stdout).toMatch(/verify: 2000 messages/);
    expect(res.code).toBe(0);
    const store = await openSqliteStore({ path: dbPath });
    try {
      const user = (await store.findUser('bob'))!;
      const box = await store.getMailbox(user.id, 'Old');
      expect(box.messages).toBe(total);
      expect(box.uidValidity).toBe(1700000000);
      expect(box.uidNext).toBe(total + 5);
      const uids = await store.listUids(user.id, box.id);
      expect(uids).toEqual(Array.from({ length: total }, (_, i) => i + 1));
    } finally {
      await store.close();
    }
    expect((await home.run(['check'])).stdout).toMatch(/no problems/);
  }, 120_000);

  it('imports an mbox: separators, >From unquoting, Status/X-Status/X-Keywords, the From-line date; twice is once', async () => {
    const path = join(dir, 'saved.mbox');
    writeFileSync(
      path,
      'From a@example.org Mon Jan  2 03:04:05 2023\nSubject: one\nStatus: RO\nX-Status: AF\nX-Keywords: Work, $Label1\n\nline\n>From quoted\n>>From twice\n\n' +
        'From b@example.org Tue Feb 14 10:00:00 2023\nSubject: two\n\nhello\nFrom is not a separator here\n\n',
    );
    const res = await home.run(['import', 'mbox', 'bob', path, '--mailbox', 'Saved']);
    expect(res.stdout).toMatch(/imported 2 messages/);
    expect(res.code).toBe(0);
    const again = await home.run(['import', 'mbox', 'bob', path, '--mailbox', 'Saved']);
    expect(again.stdout).toMatch(/imported 0 messages .*; 2 were there already/);
    expect(again.code).toBe(0);
    const store = await openSqliteStore({ path: join(home.dir, 'data/postern.sqlite') });
    try {
      const user = (await store.findUser('bob'))!;
      const box = await store.getMailbox(user.id, 'Saved');
      const [one, two] = await store.listMessages(user.id, box.id);
      expect(one!.flags).toEqual(['$Label1', 'Work', '\\Answered', '\\Flagged', '\\Seen'].sort());
      expect(one!.internalDate.getTime()).toBe(new Date(2023, 0, 2, 3, 4, 5).getTime());
      expect((await store.readMessage(user.id, box.id, one!.uid)).toString()).toBe(
        'Subject: one\r\nStatus: RO\r\nX-Status: AF\r\nX-Keywords: Work, $Label1\r\n\r\nline\r\nFrom quoted\r\n>From twice\r\n',
      );
      expect((await store.readMessage(user.id, box.id, two!.uid)).toString()).toBe('Subject: two\r\n\r\nhello\r\nFrom is not a separator here\r\n');
    } finally {
      await store.close();
    }
  }, 120_000);
});
