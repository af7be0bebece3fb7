// R8.2, RFC 1939 §5–§8 over real sockets: a full download-and-delete cycle seen afterwards by the store and
// by the change feed IMAP sessions listen to; octet counts equal to what RETR sends (byte-stuffing undone);
// TOP; UIDL stable across sessions; DELE/RSET; a dropped connection deletes nothing; one session per
// maildrop ([IN-USE]); PIPELINING; the maildrop is INBOX as of login.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MailboxChange } from '../../../src/store/changes.js';
import { Pop3Client } from '../../support/pop3-client.js';
import { deliver, inboxOf, message, POP3S, startPop3Server, type Pop3TestServer } from './helpers.js';

let t: Pop3TestServer;

beforeAll(async () => {
  t = await startPop3Server();
});
afterAll(async () => {
  await t.cleanup();
});

let n = 0;
/** A fresh user with `count` messages; returns its id, name and UIDs. */
async function userWith(bodies: Buffer[]): Promise<{ id: number; name: string; uids: number[] }> {
  n += 1;
  const name = `u${n}@example.org`;
  const id = await t.addUser(name, 'pw');
  const uids: number[] = [];
  for (const b of bodies) uids.push(await deliver(t, id, b));
  return { id, name, uids };
}

async function session(name: string): Promise<Pop3Client> {
  const c = await Pop3Client.open(t.port('pop3', POP3S), {});
  const r = await c.login(name, 'pw');
  if (!r.ok) throw new Error(r.line);
  return c;
}

describe('downloaded mail reads as read (as with Dovecot)', () => {
  it('QUIT sets \\Seen on messages fetched with RETR, not on those only listed or fetched with TOP', async () => {
    const u = await userWith([message('a', 'one'), message('b', 'two'), message('c', 'three')]);
    const box = await inboxOf(t, u.id);
    const c = await session(u.name);
    await c.cmdMulti('RETR 1');
    await c.cmdMulti('TOP 2 0');
    expect((await c.cmd('QUIT')).ok).toBe(true);
    const flags = (await t.server.store.listMessages(u.id, box.id)).map((m) => m.flags.includes('\\Seen'));
    expect(flags).toEqual([true, false, false]);
  });

  it('a dropped connection marks nothing read', async () => {
    const u = await userWith([message('a', 'one')]);
    const box = await inboxOf(t, u.id);
    const c = await session(u.name);
    await c.cmdMulti('RETR 1');
    c.close();
    await new Promise((r) => setTimeout(r, 200));
    expect((await t.server.store.listMessages(u.id, box.id))[0]!.flags).not.toContain('\\Seen');
  });
});

describe('download and delete (R8.2)', () => {
  it('RETR sends exactly LIST octets; DELE + QUIT expunges in one transaction, published to IMAP sessions', async () => {
    const tricky = message('dots', '.leading dot', '..two dots', '.', 'end');
    const u = await userWith([message('one', 'hello'), tricky, message('three', 'x'.repeat(300_000))]);
    const box = await inboxOf(t, u.id);
    const seen: MailboxChange[] = [];
    const stop = t.server.store.changes.subscribe(box.id, (ch) => seen.push(ch));

    const c = await session(u.name);
    const stored = await Promise.all(u.uids.map((uid) => t.server.store.readMessage(u.id, box.id, uid)));
    const total = stored.reduce((s, b) => s + b.length, 0);
    expect((await c.cmd('STAT')).line).toBe(`+OK 3 ${total}`);
    const list = await c.cmdMulti('LIST');
    expect(list.lines).toEqual(stored.map((b, i) => `${i + 1} ${b.length}`));
    for (let i = 0; i < 3; i++) {
      const r = await c.cmdMulti(`RETR ${i + 1}`);
      expect(r.line).toBe(`+OK ${stored[i]!.length} octets`);
      expect(r.body.equals(stored[i]!)).toBe(true);
      expect(r.body.length).toBe(Number(list.lines[i]!.split(' ')[1]));
    }
    for (const i of [1, 2, 3]) expect((await c.cmd(`DELE ${i}`)).ok).toBe(true);
    expect((await c.cmd('STAT')).line).toBe('+OK 0 0');
    expect(seen).toEqual([]); // nothing happens before QUIT
    expect((await c.cmd('QUIT')).line).toMatch(/^\+OK .*\(3 messages deleted\)/);
    expect(await c.waitClosed()).toBe(true);
    stop();

    expect(await t.server.store.listMessages(u.id, box.id)).toEqual([]);
    expect((await inboxOf(t, u.id)).messages).toBe(0);
    expect(seen).toHaveLength(1); // one transaction, one EXPUNGE notification
    expect(seen[0]).toMatchObject({ kind: 'expunge', uids: u.uids });
  });

  it('a dropped connection deletes nothing and releases the maildrop', async () => {
    const u = await userWith([message('a', '1'), message('b', '2')]);
    const c = await session(u.name);
    expect((await c.cmd('DELE 1')).ok).toBe(true);
    expect((await c.cmd('DELE 2')).ok).toBe(true);
    c.close();
    await new Promise((r) => setTimeout(r, 100));
    const d = await session(u.name);
    expect((await d.cmd('STAT')).line).toMatch(/^\+OK 2 /);
    await d.cmd('QUIT');
    d.close();
  });

  it('RSET unmarks; DELE of a marked message and RETR of it are refused; numbers stay fixed', async () => {
    const u = await userWith([message('a', '1'), message('b', '2'), message('c', '3')]);
    const c = await session(u.name);
    await c.cmd('DELE 2');
    expect((await c.cmd('DELE 2')).line).toBe('-ERR Message already deleted');
    expect((await c.cmd('RETR 2')).line).toBe('-ERR Message already deleted');
    expect((await c.cmd('LIST 2')).ok).toBe(false);
    expect((await c.cmdMulti('LIST')).lines.map((l) => l.split(' ')[0])).toEqual(['1', '3']);
    expect((await c.cmd('RETR 4')).line).toBe('-ERR No such message');
    expect((await c.cmd('RETR 0')).ok).toBe(false);
    expect((await c.cmd('RSET')).line).toMatch(/^\+OK Maildrop has 3 messages/);
    expect((await c.cmdMulti('UIDL')).lines).toHaveLength(3);
    await c.cmd('QUIT');
    expect(await t.server.store.listUids(u.id, (await inboxOf(t, u.id)).id)).toEqual(u.uids);
    c.close();
  });

  it('the maildrop is INBOX as of login: mail arriving later waits for the next session', async () => {
    const u = await userWith([message('a', '1')]);
    const c = await session(u.name);
    await deliver(t, u.id, message('late', '2'));
    expect((await c.cmd('STAT')).line).toMatch(/^\+OK 1 /);
    expect((await c.cmd('RETR 2')).line).toBe('-ERR No such message');
    await c.cmd('QUIT');
    const d = await session(u.name);
    expect((await d.cmd('STAT')).line).toMatch(/^\+OK 2 /);
    d.close();
  });

  it('a message expunged through another protocol meanwhile: -ERR, and QUIT still removes the rest', async () => {
    const u = await userWith([message('a', '1'), message('b', '2')]);
    const box = await inboxOf(t, u.id);
    const c = await session(u.name);
    await t.server.store.expunge(u.id, box.id, { uids: [u.uids[0]!], force: true });
    expect((await c.cmd('RETR 1')).line).toBe('-ERR Message was removed by another session');
    expect((await c.cmd('TOP 1 0')).ok).toBe(false);
    await c.cmd('DELE 1');
    await c.cmd('DELE 2');
    expect((await c.cmd('QUIT')).line).toMatch(/\(1 messages deleted\)/);
    expect(await t.server.store.listUids(u.id, box.id)).toEqual([]);
    c.close();
  });
});

describe('TOP and UIDL (RFC 1939 §7)', () => {
  it('TOP sends the header, the blank line and n body lines, byte-stuffed', async () => {
    const u = await userWith([message('top', 'line 1', '.line 2', 'line 3')]);
    const c = await session(u.name);
    const top1 = await c.cmdMulti('TOP 1 2');
    expect(top1.lines.slice(-4)).toEqual(['Subject: top', '', 'line 1', '.line 2']);
    expect(top1.lines[0]).toBe('Return-Path: <sender@example.net>');
    const top0 = await c.cmdMulti('TOP 1 0');
    expect(top0.lines[top0.lines.length - 1]).toBe('');
    const all = await c.cmdMulti('TOP 1 999999999999');
    expect(all.body.equals((await c.cmdMulti('RETR 1')).body)).toBe(true);
    expect((await c.cmd('TOP 1')).line).toMatch(/^-ERR Syntax/);
    c.close();
  });

  it('TOP of a message larger than one store read stops at the cut, and TOP n 99999999 is the whole message', async () => {
    const u = await userWith([message('big', 'first', ...Array.from({ length: 20_000 }, (_, i) => `.line ${i} ${'y'.repeat(40)}`))]);
    const c = await session(u.name);
    const top = await c.cmdMulti('TOP 1 2');
    expect(top.lines.slice(-3)).toEqual(['', 'first', `.line 0 ${'y'.repeat(40)}`]);
    const whole = await c.cmdMulti('TOP 1 99999999');
    const retr = await c.cmdMulti('RETR 1');
    expect(whole.body.length).toBeGreaterThan(600_000);
    expect(whole.body.equals(retr.body)).toBe(true);
    c.close();
  });

  it('UIDL is stable across sessions and differs between users and messages', async () => {
    const u = await userWith([message('a', '1'), message('b', '2')]);
    const v = await userWith([message('a', '1')]);
    const c = await session(u.name);
    const first = (await c.cmdMulti('UIDL')).lines;
    expect(first).toHaveLength(2);
    for (const l of first) expect(l).toMatch(/^\d+ [\x21-\x7e]{1,70}$/);
    expect((await c.cmd('UIDL 2')).line).toBe(`+OK ${first[1]}`);
    await c.cmd('DELE 1');
    await c.cmd('QUIT');
    c.close();
    const d = await session(u.name);
    const second = (await d.cmdMulti('UIDL')).lines;
    expect(second).toEqual([`1 ${first[1]!.split(' ')[1]}`]); // same id, renumbered message
    d.close();
    const e = await session(v.name);
    const other = (await e.cmdMulti('UIDL')).lines.map((l) => l.split(' ')[1]);
    expect(first.map((l) => l.split(' ')[1])).not.toContain(other[0]);
    e.close();
  });
});

describe('one session per maildrop (R8.2, RFC 2449 [IN-USE])', () => {
  it('a second session gets -ERR [IN-USE] and sees nothing; after QUIT the maildrop is free again', async () => {
    const u = await userWith([message('a', '1')]);
    const first = await session(u.name);
    const second = await Pop3Client.open(t.port('pop3', POP3S), {});
    expect((await second.login(u.name, 'pw')).line).toMatch(/^-ERR \[IN-USE\] /);
    expect((await second.cmd('STAT')).line).toBe('-ERR Command not valid in this state');
    await first.cmd('QUIT');
    await first.waitClosed();
    expect((await second.login(u.name, 'pw')).line).toMatch(/^\+OK Logged in, 1 messages/);
    second.close();
  });
});

describe('PIPELINING (RFC 2449 §6.6)', () => {
  it('a whole session in one packet is answered in order', async () => {
    const u = await userWith([message('a', 'one'), message('b', 'two')]);
    const c = await Pop3Client.open(t.port('pop3', POP3S), {});
    c.write(`USER ${u.name}\r\nPASS pw\r\nSTAT\r\nLIST\r\nRETR 1\r\nUIDL 2\r\nDELE 1\r\nNOOP\r\nQUIT\r\n`);
    expect((await c.reply()).ok).toBe(true);
    expect((await c.reply()).text).toMatch(/^Logged in, 2 messages/);
    expect((await c.reply()).text).toMatch(/^2 \d+$/);
    expect((await c.multi()).lines).toHaveLength(2);
    expect((await c.multi()).lines).toContain('one');
    expect((await c.reply()).text).toMatch(/^2 \d+\.\d+$/);
    expect((await c.reply()).text).toBe('Message 1 deleted');
    expect((await c.reply()).line).toBe('+OK');
    expect((await c.reply()).text).toMatch(/1 messages deleted/);
    expect(await c.waitClosed()).toBe(true);
    expect(await t.server.store.listUids(u.id, (await inboxOf(t, u.id)).id)).toEqual([u.uids[1]]);
  });
});
