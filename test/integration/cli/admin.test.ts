// Issue 16 item 7 (SPEC R2.1, R2.2, R3, R10.3, R10.4): `postern message show` on a message delivered over LMTP with a
// forged Authentication-Results and REQUIRETLS; --json for every list; --help for each command and action;
// destructive commands refused without --yes when standard input is not a terminal, audited when done.
import { writeFileSync } from 'node:fs';
import { userInfo } from 'node:os';
import { join } from 'node:path';
import { PassThrough, Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../../src/cli/main.js';
import { runCli, type CliResult } from '../../support/cli.js';
import { startTestServer, type TestServer } from '../../support/server.js';
import { dotStuffed, SmtpClient } from '../../support/smtp-client.js';

let t: TestServer;
let env: NodeJS.ProcessEnv;
let alice: number;
/** The compiled command in a child process, as an administrator runs it (standard input a pipe, not a terminal). */
const run = (args: string[], input?: string): Promise<CliResult> => runCli(args, env, input);
/** A child process per run costs seconds on a loaded machine: where no process boundary matters, main() in-process. */
async function runHere(args: string[]): Promise<CliResult> {
  let stdout = '';
  let stderr = '';
  const sink = (add: (s: string) => void): Writable =>
    new Writable({
      write(chunk: Buffer, _enc, cb) {
        add(chunk.toString());
        cb();
      },
    });
  const stdin = new PassThrough();
  stdin.end();
  const code = await main(args, { stdin, stdout: sink((s) => (stdout += s)), stderr: sink((s) => (stderr += s)), env });
  return { code, stdout, stderr };
}
const SLOW = 180_000;

const FORGED = 'Authentication-Results: mx.test.example; dkim=pass header.d=bank.example';
const FOREIGN = 'Authentication-Results: other.example; spf=pass smtp.mailfrom=sender.example';
const MESSAGE = `${FORGED}\r\n${FOREIGN}\r\nFrom: x@sender.example\r\nSubject: forged\r\nMessage-ID: <f@x>\r\n\r\nBODY-SECRET-LINE\r\n`;

async function deliver(rcpts: string[], requireTls: boolean): Promise<void> {
  const c = await SmtpClient.connect({ path: t.unixPath('lmtp') });
  await c.reply();
  expect((await c.cmd('LHLO client.test')).code).toBe(250);
  expect((await c.cmd(`MAIL FROM:<s@sender.example>${requireTls ? ' REQUIRETLS' : ''}`)).code).toBe(250);
  for (const r of rcpts) expect((await c.cmd(`RCPT TO:<${r}>`)).code).toBe(250);
  expect((await c.cmd('DATA')).code).toBe(354);
  c.write(dotStuffed(MESSAGE));
  for (const _ of rcpts) expect((await c.reply()).code).toBe(250);
  c.close();
}

function auditLines(stderr: string): Array<Record<string, unknown>> {
  return stderr
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as Record<string, unknown>)
    .filter((l) => l.event === 'audit');
}

beforeAll(async () => {
  t = await startTestServer({ listeners: 'listeners:\n  - { protocol: lmtp, path: lmtp.sock, tls: none }\n' });
  alice = await t.addUser('alice@example.org', 'pw-alice-secret');
  await t.addUser('bob@example.org', 'pw-bob-secret');
  const file = join(t.dir, 'postern.yaml');
  writeFileSync(file, 'hostname: mx.test.example\nauthservId: mx.test.example\nstore: { path: data/postern.sqlite }\nlisteners: []\n');
  env = { ...process.env, POSTERN_HOME: t.dir, POSTERN_CONFIG: file };
  await deliver(['alice@example.org', 'bob@example.org'], true);
  const inbox = await t.server.store.getMailbox(alice, 'INBOX');
  await t.server.store.setFlags(alice, inbox.id, [1], 'add', ['\\Seen', '$Forwarded']);
}, SLOW);
afterAll(async () => {
  await t.stop();
});

describe('postern message show', () => {
  it('prints the stamped Authentication-Results, REQUIRETLS, the forged field removed, flags and the header, not the body', async () => {
    const res = await run(['message', 'show', 'alice@example.org', 'INBOX', '1']);
    expect(res.stderr).toBe('');
    expect(res.code).toBe(0);
    expect(res.stdout).toMatch(/^REQUIRETLS: yes$/m);
    expect(res.stdout).toMatch(/^authentication-results: mx\.test\.example;/m);
    expect(res.stdout).toMatch(/^forged fields removed: 1$/m);
    expect(res.stdout).toContain(`removed field (ours, claimed mx.test.example): ${FORGED}`);
    expect(res.stdout).toMatch(/^flags: \\Seen$/m);
    expect(res.stdout).toMatch(/^keywords: \$Forwarded$/m);
    expect(res.stdout).toMatch(/^internal date: \d{4}-\d\d-\d\dT.* \(zone [+-]\d{4}\)$/m);
    expect(res.stdout).toMatch(/^size: \d+ /m);
    expect(res.stdout).toMatch(/^Subject: forged$/m);
    expect(res.stdout).toMatch(/^Delivered-To: alice@example\.org$/m);
    expect(res.stdout).toContain(FOREIGN); // a foreign field is kept in the header (not removed by default)
    expect(res.stdout.split('\n').filter((l) => l.startsWith(`${FORGED}`))).toEqual([]); // the forgery is gone from the header
    expect(res.stdout).not.toContain('BODY-SECRET-LINE');
    expect(res.stdout).not.toMatch(/pw-alice-secret|scrypt\$/);

    const withBody = await runHere(['message', 'show', 'alice@example.org', 'INBOX', '1', '--body']);
    expect(withBody.code).toBe(0);
    expect(withBody.stdout).toMatch(/^body:\nBODY-SECRET-LINE\r?$/m);
  }, SLOW);

  it('--json is one document with the same facts', async () => {
    const res = await runHere(['message', 'show', 'alice@example.org', 'INBOX', '1', '--json']);
    expect(res.code).toBe(0);
    const doc = JSON.parse(res.stdout) as Record<string, unknown>;
    expect(doc).toMatchObject({
      user: 'alice@example.org',
      mailbox: 'INBOX',
      uid: 1,
      requireTls: true,
      tlsRequiredNo: false,
      flags: ['\\Seen'],
      keywords: ['$Forwarded'],
      forgedFieldsRemoved: 1,
      removedFields: [{ name: 'Authentication-Results', value: 'mx.test.example; dkim=pass header.d=bank.example', reason: 'ours', claimedId: 'mx.test.example' }],
    });
    expect((doc.authenticationResults as string[]).length).toBe(1);
    expect((doc.authenticationResults as string[])[0]).toMatch(/^mx\.test\.example;/);
    expect(doc.header).toMatch(/Subject: forged\r\n/);
    expect(doc.size).toBeGreaterThan(MESSAGE.length - FORGED.length);
    expect(Number.isNaN(Date.parse(String(doc.internalDate)))).toBe(false);
    expect(doc).not.toHaveProperty('body');
    const withBody = JSON.parse((await runHere(['message', 'show', 'alice@example.org', 'INBOX', '1', '--json', '--body'])).stdout) as { body: string };
    expect(withBody.body).toBe('BODY-SECRET-LINE\r\n');
  });

  it('names an unknown user (67), mailbox or UID (65); a bad UID is a usage error (2)', async () => {
    const user = await run(['message', 'show', 'nobody@example.org', 'INBOX', '1']);
    expect([user.code, user.stderr]).toEqual([67, 'postern message: no such user: nobody@example.org\n']);
    const box = await runHere(['message', 'show', 'alice@example.org', 'Nope', '1']);
    expect(box.code).toBe(65);
    expect(box.stderr).toMatch(/no mailbox Nope of alice@example\.org/);
    const uid = await runHere(['message', 'show', 'alice@example.org', 'INBOX', '99']);
    expect(uid.code).toBe(65);
    expect(uid.stderr).toMatch(/no message with UID 99 in INBOX of alice@example\.org/);
    for (const bad of ['0', 'x', '4294967296']) expect((await runHere(['message', 'show', 'alice@example.org', 'INBOX', bad])).code).toBe(2);
  }, SLOW);
});

describe('--json for every list', () => {
  it('user list, mailbox list and quota show each print one JSON document with stable field names', async () => {
    const users = JSON.parse((await runHere(['user', 'list', '--json'])).stdout) as { users: Array<Record<string, unknown>> };
    expect(users.users.map((u) => u.name)).toEqual(['alice@example.org', 'bob@example.org']);
    expect(Object.keys(users.users[0]!).sort()).toEqual(['createdAt', 'disabled', 'messages', 'name', 'quotaBytes', 'usedBytes']);
    expect(users.users[0]).toMatchObject({ messages: 1, quotaBytes: null, disabled: false });

    const boxes = JSON.parse((await runHere(['mailbox', 'list', 'alice@example.org', '--json'])).stdout) as {
      user: string;
      mailboxes: Array<Record<string, unknown>>;
    };
    expect(boxes.user).toBe('alice@example.org');
    expect(boxes.mailboxes[0]).toMatchObject({ name: 'INBOX', messages: 1, unseen: 0, requireTlsMessages: 1, subscribed: true, specialUse: null });
    expect(boxes.mailboxes.find((b) => b.name === 'Sent')).toMatchObject({ specialUse: '\\Sent' });

    const quota = JSON.parse((await runHere(['quota', 'show', 'alice@example.org', '--json'])).stdout) as Record<string, unknown>;
    expect(quota).toMatchObject({ user: 'alice@example.org', limitBytes: null, messages: 1 });
    expect(quota.usedBytes).toBeGreaterThan(0);

    const check = JSON.parse((await runHere(['check', '--json'])).stdout) as Record<string, unknown>;
    expect(check).toMatchObject({ problems: [], repaired: false });
    expect(check.messages).toBeGreaterThanOrEqual(2);
  });
});

describe('per-command --help', () => {
  it('prints the usage and options of each command and each action, exit 0', async () => {
    // Every command the main usage lists (whoever adds one), not a list kept here.
    const listed = [...new Set([...(await runHere(['--help'])).stdout.matchAll(/^ {2}postern (\S+)/gm)].map((m) => m[1]!))];
    expect(listed).toEqual(expect.arrayContaining(['serve', 'user', 'quota', 'mailbox', 'message', 'cert', 'check', 'backup', 'config']));
    for (const cmd of listed) {
      const res = await runHere([cmd, '--help']);
      expect(res.code, cmd).toBe(0);
      expect(res.stdout, cmd).toMatch(new RegExp(`^usage: postern ${cmd}`));
      expect(res.stdout, cmd).toMatch(/--config FILE/);
    }
    const add = await runHere(['user', 'add', '--help']);
    expect(add.code).toBe(0);
    expect(add.stdout).toMatch(/^usage: postern user add NAME \[--quota SIZE\]$/m);
    expect(add.stdout).toMatch(/--quota SIZE/);
    expect(add.stdout).not.toMatch(/--yes/);
    const del = await runHere(['user', 'delete', '-h']);
    expect(del.stdout).toMatch(/--yes/);
    expect(del.stdout).toMatch(/not a terminal/);
    const group = await runHere(['mailbox', '--help']);
    for (const action of ['list', 'create', 'delete', 'rename', 'subscribe', 'unsubscribe']) expect(group.stdout).toContain(`postern mailbox ${action}`);
    expect((await runHere(['help', 'message'])).stdout).toMatch(/^usage: postern message show/);
    expect((await runHere(['--help'])).stdout).toMatch(/COMMAND --help/);
  });
});

describe('destructive commands', () => {
  it('user delete without --yes on a non-terminal refuses and keeps the data; with --yes deletes and audits', async () => {
    const refused = await run(['user', 'delete', 'bob@example.org']);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/refusing to delete user bob@example\.org .*standard input is not a terminal \(add --yes/);
    expect(auditLines(refused.stderr)).toEqual([]);
    expect((await runHere(['user', 'list'])).stdout).toMatch(/^bob@example\.org\t1 messages/m);

    const done = await run(['user', 'delete', 'bob@example.org', '--yes']);
    expect(done.code).toBe(0);
    expect(done.stdout).toMatch(/bob@example\.org deleted/);
    const [line, ...more] = auditLines(done.stderr);
    expect(more).toEqual([]);
    expect(line).toMatchObject({ event: 'audit', who: userInfo().username, what: 'user delete', target: { user: 'bob@example.org', messages: 1 } });
    expect((await runHere(['user', 'list'])).stdout).not.toMatch(/^bob/m);
  }, SLOW);

  it('mailbox delete of a mailbox with mail refuses without --yes; an empty one needs none; both are audited', async () => {
    const inbox = await t.server.store.getMailbox(alice, 'INBOX');
    const old = await t.server.store.createMailbox(alice, 'Old');
    await t.server.store.copy(alice, inbox.id, [1], old.id);
    const refused = await run(['mailbox', 'delete', 'alice@example.org', 'Old']);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/refusing to delete mailbox Old of alice@example\.org with its 1 messages .*not a terminal/);
    expect((await t.server.store.getMailbox(alice, 'Old')).messages).toBe(1);

    const done = await run(['mailbox', 'delete', 'alice@example.org', 'Old', '--yes']);
    expect(done.code).toBe(0);
    expect(auditLines(done.stderr)).toMatchObject([{ what: 'mailbox delete', target: { user: 'alice@example.org', mailbox: 'Old', messages: 1 } }]);
    await expect(t.server.store.getMailbox(alice, 'Old')).rejects.toMatchObject({ kind: 'not-found' });

    await t.server.store.createMailbox(alice, 'Empty');
    const empty = await runHere(['mailbox', 'delete', 'alice@example.org', 'Empty']);
    expect(empty.code).toBe(0);
    expect(auditLines(empty.stderr)).toMatchObject([{ what: 'mailbox delete', target: { mailbox: 'Empty', messages: 0 } }]);
  }, SLOW);
});
