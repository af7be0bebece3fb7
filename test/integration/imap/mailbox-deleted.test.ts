// Issue 13 item 5: a selected mailbox deleted by another session, by `postern mailbox delete` or by another
// process on the same database ends the session with `* BYE` at the next moment it may hear of it (after a
// command, at once during IDLE), as Dovecot does; a rename is followed by mailbox id, and so is the DELETE guard;
// changes committed by another process (another SqliteStore on the same file; on PostgreSQL the other front end)
// reach IDLE sessions.
import { PassThrough } from 'node:stream';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { main as cli } from '../../../src/cli/main.js';
import { openSqliteStore } from '../../../src/store/sqlite/sqlite-store.js';
import type { Store } from '../../../src/store/store.js';
import { useTwoSessions } from '../../support/two-sessions.js';

const BYE = '* BYE Selected mailbox was deleted, have to disconnect.';

const s = useTwoSessions();

/** Enters IDLE on A and waits for the continuation. */
async function idle(): Promise<string> {
  const tag = s.a.nextTag();
  s.a.write(`${tag} IDLE\r\n`);
  expect((await s.a.untilLine((l) => l.startsWith('+ '))).line).toMatch(/^\+ /);
  return tag;
}

/** Waits for the BYE and then the end of the connection: A is told and nothing else follows. */
async function expectBye(): Promise<void> {
  const bye = await s.a.untilLine((l) => l.startsWith('* BYE'));
  expect(bye.line).toBe(BYE);
  await s.a.untilLine(() => false);
  expect(s.a.isClosed).toBe(true);
}

describe('the selected mailbox deleted by another session', () => {
  it('BYE after the next command', async () => {
    expect((await s.b.cmd('SELECT INBOX')).tagged).toMatch(/OK/);
    expect((await s.b.cmd(`DELETE ${s.box}`)).tagged).toMatch(/OK/);
    const tag = s.a.nextTag();
    s.a.write(`${tag} NOOP\r\n`);
    await expectBye();
    expect(s.a.received).not.toContain(`${tag} NO`);
  });

  it('BYE at once during IDLE', async () => {
    await idle();
    expect((await s.b.cmd('SELECT INBOX')).tagged).toMatch(/OK/);
    expect((await s.b.cmd(`DELETE ${s.box}`)).tagged).toMatch(/OK/);
    await expectBye();
  });

  it('a rename is followed by id: the view keeps working, and a delete of the new name still ends the session', async () => {
    expect((await s.b.cmd('SELECT INBOX')).tagged).toMatch(/OK/);
    expect((await s.b.cmd(`RENAME ${s.box} ${s.box}-renamed`)).tagged).toMatch(/OK/);
    const fetch = await s.a.cmd('FETCH 1:* (UID FLAGS)');
    expect(fetch.tagged).toMatch(/OK/);
    expect(fetch.untagged.match(/FETCH/g)).toHaveLength(4);
    expect((await s.a.cmd('STORE 1 +FLAGS (\\Flagged)')).tagged).toMatch(/OK/);
    expect((await s.b.cmd(`DELETE ${s.box}-renamed`)).tagged).toMatch(/OK/);
    s.a.write(`${s.a.nextTag()} NOOP\r\n`);
    await expectBye();
  });

  it('the DELETE guard follows a rename of the selected mailbox by the session itself', async () => {
    expect((await s.a.cmd(`RENAME ${s.box} ${s.box}-mine`)).tagged).toMatch(/OK/);
    expect((await s.a.cmd(`DELETE ${s.box}-mine`)).tagged).toMatch(/^\S+ NO \[INUSE\]/);
    const fetch = await s.a.cmd('FETCH 1:* (UID)');
    expect(fetch.tagged).toMatch(/OK/);
    expect(fetch.untagged.match(/FETCH/g)).toHaveLength(4);
  });

  it('and a rename by another session: the old name is free to delete, the new one is guarded', async () => {
    expect((await s.b.cmd('SELECT INBOX')).tagged).toMatch(/OK/);
    expect((await s.b.cmd(`RENAME ${s.box} ${s.box}-moved`)).tagged).toMatch(/OK/);
    expect((await s.a.cmd(`CREATE ${s.box}`)).tagged).toMatch(/OK/);
    expect((await s.a.cmd(`DELETE ${s.box}`)).tagged).toMatch(/OK/);
    expect((await s.a.cmd(`DELETE ${s.box}-moved`)).tagged).toMatch(/^\S+ NO \[INUSE\]/);
  });
});

describe('changes made by another process reach the session', () => {
  // On PostgreSQL the other process is the peer front end (server.ts), with a pool and a feed of its own.
  let other: Store;
  let mailboxId: number;
  beforeEach(async () => {
    other = s.t.peer?.store ?? (await openSqliteStore({ path: s.t.config.store.path }));
    mailboxId = (await other.getMailbox(s.userId, s.box)).id;
  });
  afterEach(async () => {
    if (other !== s.t.peer?.store) await other.close();
  });

  it('IDLE sees a delivery, a flag change, an expunge and the delete', async () => {
    await idle();
    const msg = Buffer.from('Subject: from afar\r\n\r\nhello\r\n');
    const { uid } = await other.append(s.userId, mailboxId, { raw: msg });
    expect((await s.a.untilLine((l) => l === '* 5 EXISTS')).line).toBe('* 5 EXISTS');
    await other.setFlags(s.userId, mailboxId, [uid], 'add', ['\\Flagged']);
    expect((await s.a.untilLine((l) => l.startsWith('* 5 FETCH'))).line).toMatch(/FLAGS \(\\Flagged/);
    await other.expunge(s.userId, mailboxId, { uids: [2], force: true });
    expect((await s.a.untilLine((l) => l.startsWith('* 2 EXPUNGE'))).line).toBe('* 2 EXPUNGE');
    await other.deleteMailbox(s.userId, s.box);
    await expectBye();
  });

  it('a rename by another process is followed; the CLI `postern mailbox delete` of the new name ends the session', async () => {
    await other.renameMailbox(s.userId, s.box, `${s.box}-cli`);
    expect((await s.a.cmd('NOOP')).tagged).toMatch(/OK/);
    await idle();
    const config = join(s.t.dir, 'cli.yaml');
    const store = s.t.peer !== null ? { backend: 'postgres', url: s.t.config.store.url } : { path: s.t.config.store.path };
    writeFileSync(config, `hostname: cli.test.example\nstore: ${JSON.stringify(store)}\nlisteners: []\n`);
    const out = new PassThrough();
    const err = new PassThrough();
    const io = { stdin: new PassThrough(), stdout: out, stderr: err, env: { ...process.env, POSTERN_HOME: s.t.dir } };
    const code = await cli(['mailbox', '--config', config, 'delete', 'alice@example.org', `${s.box}-cli`, '--yes'], io);
    expect(code, String(err.read() ?? '')).toBe(0);
    await expectBye();
  });
});
