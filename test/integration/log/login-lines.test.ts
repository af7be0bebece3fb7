// Issue 16 item 8 over real sockets (SPEC R10.4, R6.4): failed IMAP and POP3 logins (imapflow, raw LOGIN,
// POP3 USER/PASS and AUTH PLAIN) are matched by the one fail2ban regex of docs/logging.md, read from the doc
// so that doc and code cannot drift; the login lines carry the session's own fields; no password reaches the
// log; and every session's last line says how long it lasted and why it ended.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ImapFlow } from 'imapflow';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Pop3Client } from '../../support/pop3-client.js';
import { PLAINTEXT_AUTH, startTestServer, type TestServer } from '../../support/server.js';

const SECRET = 'Sekr1t-must-never-be-logged';
const DOC = new URL('../../../docs/logging.md', import.meta.url);

/** The failregex of docs/logging.md, with fail2ban's <HOST> as a named group. */
function documentedFailRegex(): RegExp {
  const line = readFileSync(DOC, 'utf8')
    .split('\n')
    .find((l) => l.startsWith('failregex = '));
  if (line === undefined) throw new Error('docs/logging.md has no failregex line');
  const source = line.slice('failregex = '.length).trim();
  expect(source).toContain('<HOST>');
  return new RegExp(source.replace('<HOST>', '(?<host>[0-9A-Fa-f.:]+)'));
}

/** The filter file of docs/logging.md: its [Definition] block. */
function documentedFilter(): string {
  const doc = readFileSync(DOC, 'utf8');
  const start = doc.indexOf('[Definition]');
  if (start < 0) throw new Error('docs/logging.md has no [Definition] block');
  return doc.slice(start, doc.indexOf('```', start));
}

/** fail2ban-regex (Debian's fail2ban; .ci/run installs it) checks the filter in fail2ban itself. */
const HAS_FAIL2BAN = spawnSync('fail2ban-regex', ['--version']).status === 0;

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
});
afterAll(async () => {
  await t.stop();
});

async function rawImap(lines: string[]): Promise<string[]> {
  const socket = await new Promise<ReturnType<typeof connect>>((resolve, reject) => {
    const s = connect({ host: '127.0.0.1', port: t.port('imap') }, () => resolve(s));
    s.once('error', reject);
  });
  const c = Pop3Client.wrap(socket);
  const replies: string[] = [];
  try {
    expect(await c.line()).toMatch(/^\* OK /);
    for (const l of lines) {
      c.send(l);
      replies.push(await c.line());
    }
    return replies;
  } finally {
    c.close();
  }
}

async function imapflowLogin(user: string, pass: string): Promise<boolean> {
  const flow = new ImapFlow({ host: '127.0.0.1', port: t.port('imap'), secure: false, auth: { user, pass }, logger: false });
  flow.on('error', () => undefined);
  try {
    await flow.connect();
    await flow.logout();
    return true;
  } catch {
    flow.close();
    return false;
  }
}

const waitFor = async (pred: () => boolean, what: string): Promise<void> => {
  for (let i = 0; i < 200 && !pred(); i++) await new Promise((r) => setTimeout(r, 25));
  if (!pred()) throw new Error(`timed out waiting for ${what}`);
};

describe('login lines and the fail2ban filter (issue 16 item 8)', () => {
  it('the documented regex matches every failed login of IMAP and POP3, with the client address as <HOST>, and nothing else', async () => {
    const re = documentedFailRegex();
    expect(await imapflowLogin('ada@example.org', SECRET)).toBe(false);
    expect(await imapflowLogin('nobody@example.org', SECRET)).toBe(false);
    const [loginReply, bye] = await rawImap([`a1 LOGIN ada@example.org ${SECRET}`, 'a2 LOGOUT']);
    expect(loginReply).toBe('a1 NO [AUTHENTICATIONFAILED] Authentication failed');
    expect(bye).toMatch(/^\* BYE /);
    // A login name made to look like the fields the filter reads.
    expect((await rawImap([`a1 LOGIN "x\\",\\"remote\\":\\"192.0.2.66\\",\\"event\\":\\"auth-failure\\"," ${SECRET}`]))[0]).toMatch(/^a1 NO /);
    const pop = await Pop3Client.open(t.port('pop3'));
    expect((await pop.login('ada@example.org', SECRET)).ok).toBe(false);
    expect((await pop.authPlain('ada@example.org', SECRET)).ok).toBe(false);
    await pop.cmd('QUIT');
    pop.close();
    // Successes, which must not match.
    expect(await imapflowLogin('ada@example.org', 'pw-ada')).toBe(true);
    const ok = await Pop3Client.open(t.port('pop3'));
    expect((await ok.login('ada@example.org', 'pw-ada')).ok).toBe(true);
    await ok.cmd('QUIT');
    ok.close();

    await waitFor(() => t.logs.filter((l) => l.event === 'auth-failure').length >= 6, 'six failures');
    await waitFor(() => t.logs.filter((l) => l.event === 'session-end').length >= 7, 'seven session ends');
    const failures = t.rawLogs.filter((l) => (JSON.parse(l) as Record<string, unknown>).event === 'auth-failure');
    expect(failures).toHaveLength(6);
    const matched = t.rawLogs.filter((l) => re.test(l));
    expect(matched).toEqual(failures);
    for (const l of matched) expect(re.exec(l)?.groups?.host).toBe('127.0.0.1');
    expect(new Set(failures.map((l) => (JSON.parse(l) as Record<string, unknown>).protocol))).toEqual(new Set(['imap', 'pop3']));
    expect(t.logs.filter((l) => l.event === 'auth-success')).toHaveLength(2);
  });

  it.skipIf(!HAS_FAIL2BAN)('fail2ban-regex with the filter file of docs/logging.md bans exactly the failures (needs fail2ban-regex, else skipped)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'postern-f2b-'));
    try {
      writeFileSync(join(dir, 'postern.log'), `${t.rawLogs.join('\n')}\n`);
      writeFileSync(join(dir, 'postern.conf'), documentedFilter());
      const run = spawnSync('fail2ban-regex', ['--out', 'ip', join(dir, 'postern.log'), join(dir, 'postern.conf')], { encoding: 'utf8', timeout: 60_000 });
      expect(run.status).toBe(0);
      const ips = run.stdout.trim().split('\n').filter(Boolean);
      const failures = t.logs.filter((l) => l.event === 'auth-failure').length;
      expect(failures).toBeGreaterThan(0);
      expect(ips).toEqual(Array.from({ length: failures }, () => '127.0.0.1'));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('login lines carry the session fields of their session: protocol, session, remote, user, mechanism, tls', () => {
    const starts = new Map(t.logs.filter((l) => l.event === 'session-start').map((l) => [l.session, l]));
    const logins = t.logs.filter((l) => l.event === 'auth-failure' || l.event === 'auth-success');
    expect(logins.length).toBeGreaterThan(0);
    for (const l of logins) {
      expect(Object.keys(l)).toEqual(expect.arrayContaining(['protocol', 'session', 'remote', 'user', 'mechanism', 'tls']));
      expect(Object.keys(l)).not.toContain('remoteAddress');
      const start = starts.get(l.session);
      expect(start).toMatchObject({ protocol: l.protocol, remote: l.remote });
    }
    expect(new Set(logins.map((l) => l.mechanism))).toEqual(new Set(['PLAIN', 'PASSWORD']));
  });

  it('no password reaches the log, in any form', () => {
    const text = t.rawLogs.join('\n');
    expect(text).not.toContain(SECRET);
    expect(text).not.toContain(Buffer.from(SECRET).toString('base64').slice(0, 12));
    expect(text).not.toContain(Buffer.from(`\u0000ada@example.org\u0000${SECRET}`).toString('base64'));
    expect(text).not.toContain('pw-ada');
  });

  it('every session ends with one line giving its duration and its reason', () => {
    const ends = t.logs.filter((l) => l.event === 'session-end');
    const starts = t.logs.filter((l) => l.event === 'session-start');
    expect(new Set(ends.map((l) => l.session))).toEqual(new Set(starts.map((l) => l.session)));
    for (const l of ends) {
      expect(typeof l.durationMs).toBe('number');
      expect(Number(l.durationMs)).toBeGreaterThanOrEqual(0);
    }
    const reasons = new Set(ends.map((l) => l.reason));
    expect(reasons.has('logout')).toBe(true); // IMAP LOGOUT and POP3 QUIT
    expect(reasons.has('disconnected')).toBe(true); // the raw client that hung up after LOGIN failed
    const popQuit = ends.find((l) => l.protocol === 'pop3' && l.user === 'ada@example.org');
    expect(popQuit).toMatchObject({ reason: 'logout', tls: false });
    const imapOk = ends.find((l) => l.protocol === 'imap' && l.user === 'ada@example.org');
    expect(imapOk).toMatchObject({ reason: 'logout' });
  });
});
