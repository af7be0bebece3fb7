// `postern export maildir` in process (issue 16 item 2): more than 26 keywords in a mailbox (the 26 most used keep
// their letters, the rest are reported), a mailbox name Maildir++ cannot hold (refused before anything is
// written), a message expunged during the export (skipped), and the progress line on a terminal.
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { main } from '../../../src/cli/main.js';
import { ExportRefused, exportMaildir } from '../../../src/export/maildir-export.js';
import type { User } from '../../../src/store/types.js';
import { CREDENTIALS, openFixture, type Fixture } from '../store/store-fixture.js';

const raw = (n: number): Buffer => Buffer.from(`Subject: ${n}\r\n\r\nbody ${n}\r\n`);

let fx: Fixture;
let user: User;
let out: string;

beforeEach(async () => {
  fx = await openFixture();
  user = await fx.store.createUser('alice@example.org', CREDENTIALS);
  out = mkdtempSync(join(tmpdir(), 'postern-export-unit-'));
});
afterEach(async () => {
  await fx.cleanup();
  rmSync(out, { recursive: true, force: true });
});

describe('exportMaildir', () => {
  it('writes only into a directory nobody else may write to, never through a symbolic link', async () => {
    const inbox = await fx.store.getMailbox(user.id, 'INBOX');
    await fx.store.append(user.id, inbox.id, { raw: raw(1), flags: [] });
    const victim = join(out, 'victim');
    writeFileSync(victim, 'precious');
    // A PATH that is a symbolic link, or an empty directory others may write to (a link could be planted in it).
    symlinkSync(join(out, 'elsewhere'), join(out, 'link'));
    await expect(exportMaildir(fx.store, user, join(out, 'link'), { host: 'h' })).rejects.toThrow(/symbolic link/);
    mkdirSync(join(out, 'shared'));
    chmodSync(join(out, 'shared'), 0o777);
    await expect(exportMaildir(fx.store, user, join(out, 'shared'), { host: 'h' })).rejects.toThrow(ExportRefused);
    expect(readdirSync(join(out, 'shared'))).toEqual([]);
    // Every file is created anew: one planted meanwhile is never written through.
    mkdirSync(join(out, 'mine'), { mode: 0o700 });
    symlinkSync(victim, join(out, 'mine', 'subscriptions'));
    await expect(exportMaildir(fx.store, user, join(out, 'mine'), { host: 'h' })).rejects.toThrow(ExportRefused); // not empty
    rmSync(join(out, 'mine', 'subscriptions'));
    const planted = exportMaildir(fx.store, user, join(out, 'mine'), { host: 'h' });
    symlinkSync(victim, join(out, 'mine', 'subscriptions'));
    await expect(planted).rejects.toThrow(/EEXIST/);
    expect(readFileSync(victim, 'utf8')).toBe('precious');
  });

  it('gives the 26 most used keywords letters and reports the others with the messages that lose them', async () => {
    const inbox = await fx.store.getMailbox(user.id, 'INBOX');
    // k00..k29: kNN is on 30-NN messages, so k26..k29 are the least used (on messages 0–3); the last
    // message carries only k29 and \Seen: five messages lose a keyword.
    for (let m = 0; m < 30; m++) {
      const flags = Array.from({ length: 30 }, (_, k) => `k${String(k).padStart(2, '0')}`).filter((_, k) => m < 30 - k);
      await fx.store.append(user.id, inbox.id, { raw: raw(m), flags: m === 29 ? ['k29', '\\Seen'] : flags });
    }
    const summary = await exportMaildir(fx.store, user, join(out, 'Maildir'), { host: 'h' });
    expect(summary.messages).toBe(30);
    const keywords = readFileSync(join(out, 'Maildir/dovecot-keywords'), 'utf8').trim().split('\n');
    expect(keywords).toHaveLength(26);
    expect(keywords[0]).toBe('0 k00');
    expect(keywords[25]).toBe('25 k25');
    expect(summary.dropped).toEqual([{ mailbox: 'INBOX', keywords: ['k26', 'k27', 'k28', 'k29'], messages: 5 }]);
    const infos = readdirSync(join(out, 'Maildir/cur')).map((f) => f.split(':2,')[1]);
    expect(infos).toContain('abcdefghijklmnopqrstuvwxyz');
    expect(infos).toContain('S');
  });

  it('refuses a name level with a "." before writing anything', async () => {
    await fx.store.createMailbox(user.id, 'v1.2/notes');
    await expect(exportMaildir(fx.store, user, join(out, 'Maildir'), { host: 'h' })).rejects.toThrow(ExportRefused);
    expect(readdirSync(out)).toEqual([]);
  });

  it('skips a message expunged after the snapshot; its UID stays out of the uidlist', async () => {
    const inbox = await fx.store.getMailbox(user.id, 'INBOX');
    for (let m = 0; m < 3; m++) await fx.store.append(user.id, inbox.id, { raw: raw(m) });
    // The second metadata read (the writing pass) comes after an expunge of UID 2.
    let lists = 0;
    const store = Object.create(fx.store) as typeof fx.store;
    store.listMessages = async (...args: Parameters<typeof fx.store.listMessages>) => {
      lists += 1;
      if (lists === 2) await fx.store.expunge(user.id, inbox.id, { uids: [2], force: true });
      return fx.store.listMessages(...args);
    };
    const summary = await exportMaildir(store, user, join(out, 'Maildir'), { host: 'h' });
    expect(summary.messages).toBe(2);
    const records = readFileSync(join(out, 'Maildir/dovecot-uidlist'), 'utf8').trim().split('\n').slice(1);
    expect(records.map((r) => r.split(' ')[0])).toEqual(['1', '3']);
    expect(readFileSync(join(out, 'Maildir/dovecot-uidlist'), 'utf8')).toMatch(/^3 V\d+ N4 G/);
  });
});

describe('postern export maildir on a terminal', () => {
  it('shows a progress line on stderr and the summary on stdout', async () => {
    const inbox = await fx.store.getMailbox(user.id, 'INBOX');
    for (let m = 0; m < 3; m++) await fx.store.append(user.id, inbox.id, { raw: raw(m) });
    writeFileSync(join(out, 'postern.yaml'), `hostname: t.example\nlisteners: []\nstore: { path: ${fx.path} }\n`);
    const stdout = new PassThrough();
    const stderr = Object.assign(new PassThrough(), { isTTY: true });
    let o = '';
    let e = '';
    stdout.on('data', (d: Buffer) => (o += d.toString()));
    stderr.on('data', (d: Buffer) => (e += d.toString()));
    const env = { POSTERN_HOME: out, POSTERN_CONFIG: join(out, 'postern.yaml') };
    const code = await main(['export', 'maildir', 'alice@example.org', join(out, 'Maildir')], { stdin: new PassThrough(), stdout, stderr, env });
    expect(code).toBe(0);
    expect(e).toMatch(/\r3\/3 messages {2}INBOX/);
    expect(o).toMatch(/^exported 3 messages .* in 6 mailboxes of alice@example.org/);
  });
});
