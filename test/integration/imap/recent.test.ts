// \Recent over real sockets (RFC 3501 §2.3.2, §6.3.1, §6.3.2, §6.3.10, §6.4.4; issue 13 item 1): mail that
// arrived while nobody had the mailbox open is \Recent to the first read-write SELECT only, a message arriving
// while several sessions have it selected is \Recent in exactly one, EXAMINE shows without claiming, STATUS
// counts the unclaimed, SEARCH RECENT/NEW/OLD follow the session, and the state survives a restart.
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../../src/log/logger.js';
import { startServer, type RunningServer } from '../../../src/main.js';
import { RawImap } from '../../support/imap-raw.js';
import { PLAINTEXT_AUTH, emptyResolver, startTestServer, type TestServer } from '../../support/server.js';
import { dotStuffed, SmtpClient } from '../../support/smtp-client.js';
import { fetches } from '../../support/two-sessions.js';

const LISTENERS = `listeners:
  - { protocol: imap, address: 127.0.0.1, port: 0, tls: none }
  - { protocol: lmtp, path: lmtp.sock, tls: none }
`;
const AUTH = PLAINTEXT_AUTH;

let t: TestServer;
/** The running server: restarted by one test on the same directory and configuration. */
let server: RunningServer;
let userN = 0;
const open: RawImap[] = [];

beforeAll(async () => {
  t = await startTestServer({ listeners: LISTENERS, auth: AUTH });
  server = t.server;
}, 60_000);
afterAll(async () => {
  for (const c of open) c.close();
  await server.close(0);
  await t.stop();
});

function imapPort(): number {
  const port = server.listeners.find((l) => l.config.protocol === 'imap')?.listener.port;
  if (typeof port !== 'number') throw new Error('no IMAP listener');
  return port;
}

async function newUser(): Promise<string> {
  const name = `recent${++userN}@example.org`;
  await t.addUser(name, 'pw');
  return name;
}

async function login(user: string): Promise<RawImap> {
  const c = await RawImap.open(imapPort());
  open.push(c);
  expect((await c.cmd(`LOGIN ${user} pw`)).tagged).toMatch(/OK/);
  return c;
}

/** Delivers over the LMTP Unix socket, as Postfix's lmtp:unix: would. */
async function deliver(to: string, subject: string): Promise<void> {
  const c = await SmtpClient.connect({ path: t.unixPath('lmtp') });
  try {
    await c.reply();
    await c.cmd('LHLO mta.test');
    await c.cmd('MAIL FROM:<sender@example.net>');
    expect((await c.cmd(`RCPT TO:<${to}>`)).code).toBe(250);
    await c.cmd('DATA');
    c.write(dotStuffed(`From: sender@example.net\r\nTo: ${to}\r\nSubject: ${subject}\r\n\r\nbody\r\n`));
    expect((await c.reply()).code).toBe(250);
  } finally {
    c.close();
  }
}

function recentLine(untagged: string): number | null {
  const m = /^\* (\d+) RECENT\r?$/m.exec(untagged);
  return m ? Number(m[1]) : null;
}

function statusRecent(untagged: string): number {
  const m = /^\* STATUS \S+ \(.*RECENT (\d+).*\)/m.exec(untagged);
  if (!m) throw new Error(`no STATUS RECENT in ${untagged}`);
  return Number(m[1]);
}

function searched(untagged: string): number[] {
  const m = /^\* SEARCH([ \d]*)\r?$/m.exec(untagged);
  if (!m) throw new Error(`no SEARCH in ${untagged}`);
  return m[1]!.trim() === '' ? [] : m[1]!.trim().split(' ').map(Number);
}

/** NOOPs (bounded) until the session has learned of `exists` messages; returns everything it was told. */
async function noopUntilExists(c: RawImap, exists: number): Promise<string> {
  let told = '';
  for (let i = 0; i < 50; i++) {
    told += (await c.cmd('NOOP')).untagged;
    const all = [...told.matchAll(/^\* (\d+) EXISTS\r?$/gm)];
    if (Number(all[all.length - 1]?.[1] ?? -1) === exists) return told;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`never saw ${exists} EXISTS: ${told}`);
}

describe('\\Recent (RFC 3501 §2.3.2, issue 13 item 1)', () => {
  it('mail delivered while nobody had the mailbox selected is \\Recent to the first SELECT only', async () => {
    const user = await newUser();
    await deliver(user, 'one');
    await deliver(user, 'two');
    const a = await login(user);
    expect(statusRecent((await a.cmd('STATUS INBOX (MESSAGES RECENT)')).untagged)).toBe(2);

    const sel = await a.cmd('SELECT INBOX');
    expect(sel.tagged).toMatch(/OK/);
    expect(recentLine(sel.untagged)).toBe(2);
    const flags = fetches((await a.cmd('FETCH 1:* FLAGS')).untagged);
    expect(flags.map((f) => f.flags)).toEqual([['\\Recent'], ['\\Recent']]);
    expect(searched((await a.cmd('SEARCH RECENT')).untagged)).toEqual([1, 2]);
    expect(searched((await a.cmd('SEARCH NEW')).untagged)).toEqual([1, 2]);
    expect(searched((await a.cmd('SEARCH OLD')).untagged)).toEqual([]);
    expect((await a.cmd('STORE 1 +FLAGS (\\Seen)')).tagged).toMatch(/OK/);
    expect(searched((await a.cmd('SEARCH NEW')).untagged)).toEqual([2]);
    // Claimed: nobody else gets them, and STATUS counts none.
    expect(statusRecent((await a.cmd('STATUS INBOX (RECENT)')).untagged)).toBe(0);

    const b = await login(user);
    const again = await b.cmd('SELECT INBOX');
    expect(recentLine(again.untagged)).toBe(0);
    expect(fetches((await b.cmd('FETCH 1:* FLAGS')).untagged).map((f) => f.flags)).toEqual([['\\Seen'], []]);
    expect(searched((await b.cmd('SEARCH RECENT')).untagged)).toEqual([]);
    expect(searched((await b.cmd('SEARCH OLD')).untagged)).toEqual([1, 2]);
    // The first session keeps them for as long as it has the mailbox selected.
    expect(searched((await a.cmd('SEARCH RECENT')).untagged)).toEqual([1, 2]);
  });

  it('a message arriving while several sessions have the mailbox selected is \\Recent in exactly one', async () => {
    const user = await newUser();
    const sessions = [await login(user), await login(user), await login(user)];
    for (const c of sessions) expect(recentLine((await c.cmd('SELECT INBOX')).untagged)).toBe(0);
    const ROUNDS = 6;
    const owners = new Map<number, number>();
    for (let n = 1; n <= ROUNDS; n++) {
      await deliver(user, `m${n}`);
      // The sessions learn of it in turn, each racing the others for the claim.
      for (const c of sessions) await noopUntilExists(c, n);
    }
    for (const [i, c] of sessions.entries()) {
      const got = fetches((await c.cmd('FETCH 1:* FLAGS')).untagged);
      expect(got).toHaveLength(ROUNDS);
      const mine = got.filter((f) => f.flags?.includes('\\Recent')).map((f) => f.seq);
      expect(searched((await c.cmd('SEARCH RECENT')).untagged)).toEqual(mine);
      for (const seq of mine) {
        expect(owners.has(seq), `message ${seq} \\Recent in two sessions`).toBe(false);
        owners.set(seq, i);
      }
    }
    expect([...owners.keys()].sort((x, y) => x - y)).toEqual([1, 2, 3, 4, 5, 6]);
    const late = await login(user);
    expect(statusRecent((await late.cmd('STATUS INBOX (RECENT)')).untagged)).toBe(0);
    expect(recentLine((await late.cmd('SELECT INBOX')).untagged)).toBe(0);
  });

  it('EXAMINE shows \\Recent without claiming it; the next SELECT claims it', async () => {
    const user = await newUser();
    await deliver(user, 'one');
    const a = await login(user);
    const ex = await a.cmd('EXAMINE INBOX');
    expect(ex.tagged).toMatch(/READ-ONLY/);
    expect(recentLine(ex.untagged)).toBe(1);
    expect(fetches((await a.cmd('FETCH 1 FLAGS')).untagged)[0]!.flags).toEqual(['\\Recent']);
    expect(searched((await a.cmd('SEARCH RECENT')).untagged)).toEqual([1]);
    // An arrival seen by the read-only session is shown \Recent too, and still unclaimed.
    await deliver(user, 'two');
    const told = await noopUntilExists(a, 2);
    expect(recentLine(told)).toBe(2);
    expect(statusRecent((await a.cmd('STATUS INBOX (RECENT)')).untagged)).toBe(2);

    const b = await login(user);
    expect(recentLine((await b.cmd('SELECT INBOX')).untagged)).toBe(2);
    expect(recentLine((await b.cmd('EXAMINE INBOX')).untagged)).toBe(0);
    expect(statusRecent((await b.cmd('STATUS INBOX (RECENT)')).untagged)).toBe(0);
  });

  it('the first recent UID survives a restart', async () => {
    const user = await newUser();
    await deliver(user, 'one');
    await deliver(user, 'two');
    const restart = async (): Promise<void> => {
      for (const c of open.splice(0)) c.close();
      await server.close(0);
      const quiet = createLogger({ level: 'error', destination: new Writable({ write: (_c, _e, cb) => cb() }) });
      server = await startServer(t.config, quiet, { resolver: emptyResolver });
    };
    await restart();
    const a = await login(user);
    expect(statusRecent((await a.cmd('STATUS INBOX (RECENT)')).untagged)).toBe(2);
    expect(recentLine((await a.cmd('SELECT INBOX')).untagged)).toBe(2);
    await restart();
    const b = await login(user);
    expect(statusRecent((await b.cmd('STATUS INBOX (RECENT)')).untagged)).toBe(0);
    expect(recentLine((await b.cmd('SELECT INBOX')).untagged)).toBe(0);
    expect(fetches((await b.cmd('FETCH 1:* FLAGS')).untagged).map((f) => f.flags)).toEqual([[], []]);
  }, 60_000);
});
