// Issue 16 items 5 and 6 against a running `postern serve`: the admin socket (0600), `postern who` with an
// imapflow session over TLS, a raw IMAP session and a cleartext POP3 session, `postern kick` ending them with
// BYE / -ERR, `postern reload` and SIGHUP applying a live setting without dropping a session and naming a
// restart-only change, an invalid configuration refused while the server keeps running.
import { statSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { ImapFlow } from 'imapflow';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { tempHome } from '../../support/cli.js';
import { RawImap } from '../../support/imap-raw.js';
import { Pop3Client } from '../../support/pop3-client.js';
import { startServeProcess, type ServeProcess } from '../../support/serve-process.js';

const CONFIG = `hostname: sessions.test.example
auth: { allowPlaintextWithoutTls: true, failureDelayMs: 0 }
listeners:
  - { protocol: imap, port: 0, tls: implicit }
  - { protocol: pop3, port: 0, tls: none }
  - { protocol: lmtp, path: data/lmtp.sock }
log: { level: info }
`;

const home = tempHome(CONFIG);
const USER = 'alice@example.org';
let server: ServeProcess;
let imapPort: number;
let pop3Port: number;
/** Each test runs several `postern` processes: on a loaded machine each takes seconds to start. */
const SLOW = 240_000;

interface WhoRow {
  sid: string;
  protocol: string;
  user: string;
  remoteAddress: string;
  tls: boolean;
  since: string;
}

async function who(): Promise<WhoRow[]> {
  const r = await home.run(['who', '--json']);
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
  return JSON.parse(r.stdout) as WhoRow[];
}

/** One LMTP session on the Unix socket: sends each command after the previous reply; the replies' last lines. */
async function lmtp(commands: string[]): Promise<string[]> {
  const sock = connect(join(home.dir, 'data/lmtp.sock'));
  let got = '';
  sock.on('data', (d: Buffer) => (got += d.toString()));
  const replies: string[] = [];
  const reply = async (): Promise<void> => {
    for (let i = 0; i < 1500; i++) {
      const m = /^(\d{3}) [^\r\n]*\r\n/m.exec(got);
      if (m) {
        replies.push(m[0].trim());
        got = got.slice(m.index + m[0].length);
        return;
      }
      await new Promise((r) => setTimeout(r, 20));
    }
    throw new Error(`no LMTP reply; got ${got}`);
  };
  await reply();
  for (const c of commands) {
    sock.write(`${c}\r\n`);
    await reply();
  }
  sock.end('QUIT\r\n');
  return replies;
}

function imapflow(): ImapFlow {
  return new ImapFlow({
    host: '127.0.0.1',
    port: imapPort,
    secure: true,
    tls: { rejectUnauthorized: false },
    auth: { user: USER, pass: 'pw' },
    logger: false,
  });
}

vi.setConfig({ testTimeout: SLOW, hookTimeout: SLOW });

beforeAll(async () => {
  const added = await home.run(['user', 'add', USER], 'pw\n');
  expect(added.code).toBe(0);
  server = await startServeProcess(home.env);
  imapPort = await server.port('imap');
  pop3Port = await server.port('pop3');
});

afterAll(async () => {
  await server?.dispose();
  home.cleanup();
});

describe('the admin socket', () => {
  it('is a socket of mode 0600 under the data directory', () => {
    const st = statSync(join(home.dir, 'data/admin.sock'));
    expect(st.isSocket()).toBe(true);
    expect(st.mode & 0o777).toBe(0o600);
  });
});

describe('postern who and postern kick', () => {
  it('lists an IMAP session over TLS and a POP3 session without, then kick ends both with BYE and -ERR', async () => {
    const flow = imapflow();
    await flow.connect();
    const flowClosed = new Promise<void>((resolve) => flow.on('close', () => resolve()));
    const raw = await RawImap.open(imapPort, true);
    expect((await raw.cmd(`LOGIN ${USER} pw`)).tagged).toMatch(/OK/);
    const pop = await Pop3Client.open(pop3Port);
    expect((await pop.login(USER, 'pw')).ok).toBe(true);
    try {
      const rows = await who();
      expect(rows).toHaveLength(3);
      expect(rows.filter((r) => r.protocol === 'imap').map((r) => r.tls)).toEqual([true, true]);
      const pop3 = rows.find((r) => r.protocol === 'pop3');
      expect(pop3).toMatchObject({ user: USER, tls: false, remoteAddress: '127.0.0.1' });
      for (const r of rows) {
        expect(r.user).toBe(USER);
        expect(r.sid).toMatch(/^[0-9a-f]+$/);
        expect(new Date(r.since).toISOString()).toBe(r.since);
      }
      const table = await home.run(['who']);
      expect(table.stdout).toMatch(/^USER\s+PROTO\s+ADDRESS\s+TLS\s+SINCE\s+SESSION$/m);
      expect(table.stdout).toMatch(new RegExp(`^${USER}\\s+pop3\\s+127\\.0\\.0\\.1\\s+no\\s`, 'm'));

      const kicked = await home.run(['kick', USER.toUpperCase()]); // login names compare without case
      expect(kicked.stderr).toBe('');
      expect(kicked.code).toBe(0);
      expect(kicked.stdout).toBe(`3 sessions of ${USER.toUpperCase()} ended\n`);

      await flowClosed;
      const bye = await raw.untilLine((l) => l.startsWith('* BYE'));
      expect(bye.line).toBe('* BYE [UNAVAILABLE] Session ended by the administrator');
      expect((await pop.reply()).line).toBe('-ERR [SYS/TEMP] Session ended by the administrator');
      expect(await pop.waitClosed()).toBe(true);
      expect(await who()).toEqual([]);
      // Each ended session's last log line names why (issue 16 item 8).
      await server.waitFor(() => server.lines.filter((l) => l.event === 'session-end' && l.reason === 'kicked').length === 3);
      // The POP3 maildrop lock went with the session: the user logs in again at once.
      const again = await Pop3Client.open(pop3Port);
      expect((await again.login(USER, 'pw')).ok).toBe(true);
      again.close();
    } finally {
      flow.close();
      pop.close();
    }
  });

  it('kick of a user without sessions ends none', async () => {
    const r = await home.run(['kick', 'nobody@example.org']);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('0 sessions of nobody@example.org ended\n');
  });
});

describe('postern reload and SIGHUP', () => {
  it('applies a live setting, names a restart-only change, and keeps an open session', async () => {
    const flow = imapflow();
    await flow.connect();
    let closed = false;
    flow.on('close', () => (closed = true));
    try {
      writeFileSync(
        join(home.dir, 'postern.yaml'),
        CONFIG.replace('log: { level: info }', 'log: { level: debug }\nlimits: { maxConnectionsPerUser: 7 }').replace(
          '  - { protocol: pop3, port: 0, tls: none }',
          '  - { protocol: pop3, port: 0, tls: none }\n  - { protocol: imap, port: 0, tls: none }',
        ),
      );
      const r = await home.run(['reload']);
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
      expect(r.stdout).toBe('configuration reloaded; applied: limits.maxConnectionsPerUser, log.level\nneeds a restart: listeners\n');
      const line = await server.waitFor((l) => typeof l.msg === 'string' && l.msg.startsWith('needs a restart:'));
      expect(line.msg).toBe('needs a restart: listeners');
      // The log level is live: a new LMTP session's LHLO is now logged at debug level.
      expect(server.lines.some((l) => l.msg === 'LHLO')).toBe(false);
      await lmtp(['LHLO client.example']);
      await server.waitFor((l) => l.msg === 'LHLO' && l.level === 'debug');
      // ... and the open session goes on.
      await flow.noop();
      expect((await flow.mailboxOpen('INBOX')).path).toBe('INBOX');
      expect(closed).toBe(false);

      const before = server.lines.filter((l) => l.msg === 'configuration reloaded').length;
      server.kill('SIGHUP');
      await server.waitFor(() => server.lines.filter((l) => l.msg === 'configuration reloaded').length > before);
      await flow.noop();
      expect(closed).toBe(false);
    } finally {
      writeFileSync(join(home.dir, 'postern.yaml'), CONFIG);
      await flow.logout().catch(() => undefined);
    }
  });

  it('refuses an invalid configuration with the reason; the server keeps running on the old one', async () => {
    writeFileSync(join(home.dir, 'postern.yaml'), `${CONFIG}limits: { maxBadCommands: -1 }\n`);
    try {
      // `postern reload` reads the file first (it names the admin socket): refused before the server is asked.
      const r = await home.run(['reload']);
      expect(r.code).toBe(78);
      expect(r.stderr).toMatch(/invalid configuration/);
      expect(r.stderr).toMatch(/limits\.maxBadCommands/);
      // SIGHUP: the server itself refuses it, says why, and goes on with the configuration it runs.
      server.kill('SIGHUP');
      const refused = await server.waitFor((l) => l.msg === 'configuration reload refused; keeping the running configuration');
      expect(String(refused.err)).toMatch(/limits\.maxBadCommands/);
      writeFileSync(join(home.dir, 'postern.yaml'), CONFIG);
      const flow = imapflow();
      await flow.connect();
      expect(await who()).toHaveLength(1);
      await flow.logout();
    } finally {
      writeFileSync(join(home.dir, 'postern.yaml'), CONFIG);
    }
  });
});

describe('without a running server', () => {
  it('who, kick and reload say so and exit 69', async () => {
    const idle = tempHome(CONFIG);
    try {
      for (const args of [['who'], ['kick', USER], ['reload']]) {
        const r = await idle.run(args);
        expect(r.code).toBe(69);
        expect(r.stderr).toMatch(/the server is not running/);
      }
    } finally {
      idle.cleanup();
    }
  });
});

describe('postern user disable, enable and delete', () => {
  it('disable ends the sessions, refuses login as a wrong password does, still delivers; enable undoes it', async () => {
    const raw = await RawImap.open(imapPort, true);
    expect((await raw.cmd(`LOGIN ${USER} pw`)).tagged).toMatch(/OK/);
    const pop = await Pop3Client.open(pop3Port);
    expect((await pop.login(USER, 'pw')).ok).toBe(true);
    try {
      const r = await home.run(['user', 'disable', USER]);
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
      expect(r.stdout).toBe(`user ${USER} disabled: no login; mail is still delivered\n2 open sessions ended\n`);
      expect((await raw.untilLine((l) => l.startsWith('* BYE'))).line).toBe('* BYE [CONTACTADMIN] Account disabled by the administrator');
      expect((await pop.reply()).line).toBe('-ERR [SYS/PERM] Account disabled by the administrator');
      expect((await home.run(['user', 'list'])).stdout).toMatch(new RegExp(`^${USER}\\t.*\\tdisabled$`, 'm'));

      // The same answers as a wrong password.
      const again = await RawImap.open(imapPort, true);
      const refused = (await again.cmd(`LOGIN ${USER} pw`)).tagged;
      const wrong = (await again.cmd(`LOGIN ${USER} wrong`)).tagged;
      expect(refused?.replace(/^\S+ /, '')).toBe(wrong?.replace(/^\S+ /, ''));
      expect(refused).toMatch(/NO \[AUTHENTICATIONFAILED\]/);
      again.close();
      const pop2 = await Pop3Client.open(pop3Port);
      expect((await pop2.login(USER, 'pw')).line).toBe('-ERR [AUTH] Authentication failed');
      pop2.close();
      // Mail is still delivered, as Dovecot delivers to a nologin account.
      const replies = await lmtp(['LHLO client.example', 'MAIL FROM:<a@example.net>', `RCPT TO:<${USER}>`]);
      expect(replies[3]).toMatch(/^250 /);

      expect((await home.run(['user', 'enable', USER])).stdout).toBe(`user ${USER} enabled\n`);
      expect((await home.run(['user', 'list'])).stdout).not.toMatch(/disabled/);
      const back = await RawImap.open(imapPort, true);
      expect((await back.cmd(`LOGIN ${USER} pw`)).tagged).toMatch(/OK/);
      back.close();
    } finally {
      raw.close();
      pop.close();
    }
  });

  it("delete ends the user's open sessions", async () => {
    const BOB = 'bob@example.org';
    expect((await home.run(['user', 'add', BOB], 'pw\n')).code).toBe(0);
    const raw = await RawImap.open(imapPort, true);
    expect((await raw.cmd(`LOGIN ${BOB} pw`)).tagged).toMatch(/OK/);
    try {
      const r = await home.run(['user', 'delete', BOB, '--yes']);
      expect(r.code).toBe(0);
      expect(r.stdout).toMatch(/^1 open session ended$/m);
      expect((await raw.untilLine((l) => l.startsWith('* BYE'))).line).toBe('* BYE [CONTACTADMIN] Account removed by the administrator');
      expect((await who()).filter((s) => s.user === BOB)).toEqual([]);
    } finally {
      raw.close();
    }
  });
});
