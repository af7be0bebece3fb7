// A private Debian Dovecot for tests (issue 16 item 3): one passwd-file user, mail_location maildir:~/Maildir
// (Dovecot's default Maildir++ layout), IMAP and POP3 on loopback ports, no TLS. Modelled on
// bench/lib/servers.mjs startDovecot. With `dir`, Dovecot serves that existing Maildir tree as the user's.
import { spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, chownSync, existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import { join, resolve } from 'node:path';

export interface PrivateDovecot {
  imapPort: number;
  pop3Port: number;
  user: string;
  password: string;
  maildir: string /* the user's Maildir root */;
  stop(): Promise<void>;
}

/** The dovecot binary, or null when Dovecot is not installed (POSTERN_DOVECOT may name one, or "none"). */
export function findDovecot(): string | null {
  const env = process.env.POSTERN_DOVECOT;
  if (env) return env === 'none' || !existsSync(env) ? null : env;
  for (const p of ['/usr/sbin/dovecot', '/usr/local/sbin/dovecot', '/usr/bin/dovecot']) if (existsSync(p)) return p;
  return null;
}

function freePort(): Promise<number> {
  return new Promise((res, rej) => {
    const s = createServer();
    s.once('error', rej);
    s.listen(0, '127.0.0.1', () => {
      const a = s.address();
      s.close(() => res(typeof a === 'object' && a ? a.port : 0));
    });
  });
}

function accepts(port: number): Promise<boolean> {
  return new Promise((res) => {
    const s = connect({ host: '127.0.0.1', port }, () => {
      s.destroy();
      res(true);
    });
    s.on('error', () => res(false));
  });
}

/** Gives a whole tree to the mail uid (Dovecot refuses to access mail as root). */
function chownTree(path: string, uid: number, gid: number): void {
  chownSync(path, uid, gid);
  if (!lstatSync(path).isDirectory()) return;
  for (const entry of readdirSync(path)) chownTree(join(path, entry), uid, gid);
}

export async function startPrivateDovecot(o: { user?: string; password?: string; dir?: string } = {}): Promise<PrivateDovecot> {
  const bin = findDovecot();
  if (bin === null) throw new Error('Dovecot is not installed (apt-get install dovecot-imapd dovecot-pop3d)');
  const user = o.user ?? 'tester';
  const password = o.password ?? 'dovecot-test-password';
  const root = mkdtempSync(join(tmpdir(), 'postern-dovecot-'));
  chmodSync(root, 0o755); // Dovecot's auth and mail processes run under their own uids
  const asRoot = process.getuid?.() === 0;
  let uid = process.getuid?.() ?? 1000;
  let gid = process.getgid?.() ?? 1000;
  if (asRoot) {
    const nobody = /^nobody:[^:]*:(\d+):(\d+):/m.exec(readFileSync('/etc/passwd', 'utf8'));
    uid = nobody ? Number(nobody[1]) : 65534;
    gid = nobody ? Number(nobody[2]) : 65534;
    chownSync(root, 0, 0);
  }
  const home = join(root, 'home');
  mkdirSync(home, { mode: 0o700 });
  const maildir = o.dir === undefined ? join(home, 'Maildir') : resolve(o.dir);
  if (asRoot) {
    chownSync(home, uid, gid);
    if (o.dir !== undefined) chownTree(maildir, uid, gid);
  }
  // The userdb's mail field points Dovecot at an existing tree; otherwise mail_location's ~/Maildir applies.
  const extra = o.dir === undefined ? '' : `userdb_mail=maildir:${maildir}`;
  writeFileSync(join(root, 'passwd'), `${user}:{PLAIN}${password}:${uid}:${gid}::${home}::${extra}\n`);
  const [imapPort, pop3Port] = [await freePort(), await freePort()];
  const me = userInfo().username;
  const conf = [
    '# A private test instance written by test/support/private-dovecot.ts: loopback only',
    `base_dir = ${join(root, 'run')}`,
    `state_dir = ${join(root, 'state')}`,
    `log_path = ${join(root, 'dovecot.log')}`,
    `info_log_path = ${join(root, 'dovecot-info.log')}`,
    'protocols = imap pop3',
    'listen = 127.0.0.1',
    'ssl = no',
    'disable_plaintext_auth = no',
    'auth_mechanisms = plain login',
    ...(asRoot ? [] : [`default_login_user = ${me}`, `default_internal_user = ${me}`, 'login_chroot = no']),
    `first_valid_uid = ${Math.min(uid, 500)}`,
    `passdb {\n  driver = passwd-file\n  args = ${join(root, 'passwd')}\n}`,
    `userdb {\n  driver = passwd-file\n  args = ${join(root, 'passwd')}\n}`,
    'mail_location = maildir:~/Maildir',
    // Hierarchy delimiter "/" as Postern's (on disk Maildir++ still uses ".Sub.Folder").
    'namespace inbox {\n  inbox = yes\n  separator = /\n}',
    `service imap-login {\n  inet_listener imap {\n    address = 127.0.0.1\n    port = ${imapPort}\n  }\n  inet_listener imaps {\n    port = 0\n  }\n}`,
    `service pop3-login {\n  inet_listener pop3 {\n    address = 127.0.0.1\n    port = ${pop3Port}\n  }\n  inet_listener pop3s {\n    port = 0\n  }\n}`,
    '',
  ].join('\n');
  const confPath = join(root, 'dovecot.conf');
  writeFileSync(confPath, conf);

  const child: ChildProcess = spawn(bin, ['-F', '-c', confPath], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let exited = false;
  const exit = new Promise<void>((res) => {
    child.on('exit', () => {
      exited = true;
      res();
    });
    child.on('error', (e) => {
      exited = true;
      out += String(e);
      res();
    });
  });
  child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (out += d.toString()));

  const stop = async (): Promise<void> => {
    if (!exited) child.kill('SIGTERM');
    await Promise.race([exit, new Promise((r) => setTimeout(r, 15_000))]);
    if (!exited) {
      child.kill('SIGKILL');
      await Promise.race([exit, new Promise((r) => setTimeout(r, 5_000))]);
    }
    rmSync(root, { recursive: true, force: true });
  };

  // Ready when both ports accept connections; bounded at 20 s.
  const deadline = Date.now() + 20_000;
  for (const port of [imapPort, pop3Port]) {
    for (;;) {
      if (exited || Date.now() > deadline) {
        const log = existsSync(join(root, 'dovecot.log')) ? readFileSync(join(root, 'dovecot.log'), 'utf8') : '';
        await stop();
        throw new Error(`dovecot did not start: ${out}${log}`);
      }
      if (await accepts(port)) break;
      await new Promise((r) => setTimeout(r, 50));
    }
  }
  return { imapPort, pop3Port, user, password, maildir, stop };
}

