// Test helper: a private Dovecot (Debian's dovecot-imapd and dovecot-pop3d) with its own configuration, IMAP and
// POP3 on loopback ports, one user whose mail is a Maildir in Dovecot's default Maildir++ layout
// (mail_location maildir:~/Maildir), for the migration tests of issue 16 items 1 and 3. Modelled on
// bench/lib/servers.mjs startDovecot. `dir` starts a second Dovecot on an existing instance directory (its mail).
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';

export interface PrivateDovecot {
  imapPort: number;
  pop3Port: number;
  user: string;
  password: string;
  maildir: string /* the user's Maildir root */;
  stop(): Promise<void>;
}

/** The dovecot binary, or null when Dovecot is not installed. */
export function findDovecot(): string | null {
  for (const p of ['/usr/sbin/dovecot', '/usr/local/sbin/dovecot', '/usr/bin/dovecot']) if (existsSync(p)) return p;
  return null;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const a = s.address();
      s.close(() => resolve(typeof a === 'object' && a ? a.port : 0));
    });
  });
}

async function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.connect({ host: '127.0.0.1', port }, () => {
      s.destroy();
      resolve(true);
    });
    s.on('error', () => resolve(false));
  });
}

/** The uid and gid that own the mail: ourselves, or nobody when we are root (Dovecot refuses root). */
function mailOwner(): { uid: number; gid: number; root: boolean } {
  const root = process.getuid?.() === 0;
  if (!root) return { uid: process.getuid?.() ?? 1000, gid: process.getgid?.() ?? 1000, root };
  const nobody = /^nobody:[^:]*:(\d+):(\d+):/m.exec(readFileSync('/etc/passwd', 'utf8'));
  return { uid: nobody ? Number(nobody[1]) : 65534, gid: nobody ? Number(nobody[2]) : 65534, root };
}

export async function startPrivateDovecot(o: { user?: string; password?: string; dir?: string } = {}): Promise<PrivateDovecot> {
  const bin = findDovecot();
  if (bin === null) throw new Error('Dovecot is not installed (apt-get install dovecot-imapd dovecot-pop3d)');
  const user = o.user ?? 'alice';
  const password = o.password ?? 'dovecot-secret';
  const owned = o.dir === undefined;
  const dir = o.dir ?? mkdtempSync(join(tmpdir(), 'postern-dovecot-'));
  chmodSync(dir, 0o755);
  const { uid, gid, root } = mailOwner();
  const home = join(dir, 'mail', user);
  mkdirSync(home, { recursive: true });
  if (root) {
    chownSync(join(dir, 'mail'), uid, gid);
    chownSync(home, uid, gid);
  }
  writeFileSync(join(dir, 'passwd'), `${user}:{PLAIN}${password}:${uid}:${gid}::${home}::\n`);
  const [imapPort, pop3Port] = [await freePort(), await freePort()];
  const me = userInfo().username;
  const conf = [
    '# Written by test/support/private-dovecot.ts: a private instance, loopback only',
    `base_dir = ${join(dir, 'run')}`,
    `state_dir = ${join(dir, 'state')}`,
    `log_path = ${join(dir, 'dovecot.log')}`,
    `info_log_path = ${join(dir, 'dovecot-info.log')}`,
    'protocols = imap pop3',
    'listen = 127.0.0.1',
    'ssl = no',
    'disable_plaintext_auth = no',
    'auth_mechanisms = plain login',
    ...(root ? [] : [`default_login_user = ${me}`, `default_internal_user = ${me}`, 'login_chroot = no']),
    `first_valid_uid = ${Math.min(uid, 500)}`,
    `passdb {\n  driver = passwd-file\n  args = ${join(dir, 'passwd')}\n}`,
    `userdb {\n  driver = passwd-file\n  args = ${join(dir, 'passwd')}\n}`,
    'mail_location = maildir:~/Maildir',
    // Postern's hierarchy separator; on disk the Maildir++ layout stays ".Lists.Work".
    'namespace inbox {\n  inbox = yes\n  separator = /\n}',
    `service imap-login {\n  inet_listener imap {\n    address = 127.0.0.1\n    port = ${imapPort}\n  }\n  inet_listener imaps {\n    port = 0\n  }\n}`,
    `service pop3-login {\n  inet_listener pop3 {\n    address = 127.0.0.1\n    port = ${pop3Port}\n  }\n  inet_listener pop3s {\n    port = 0\n  }\n}`,
    '',
  ].join('\n');
  const confPath = join(dir, 'dovecot.conf');
  writeFileSync(confPath, conf);
  const child: ChildProcess = spawn(bin, ['-F', '-c', confPath], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let exited = false;
  const exit = new Promise<void>((resolve) => {
    child.on('exit', () => {
      exited = true;
      resolve();
    });
    child.on('error', (e) => {
      exited = true;
      out += String(e);
      resolve();
    });
  });
  const collect = (d: Buffer): void => {
    if (out.length < 20_000) out += d.toString();
  };
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);

  const stopProcess = async (): Promise<void> => {
    if (!exited) child.kill('SIGTERM');
    await Promise.race([exit, new Promise((r) => setTimeout(r, 10_000))]);
    if (!exited) {
      child.kill('SIGKILL');
      await Promise.race([exit, new Promise((r) => setTimeout(r, 5_000))]);
    }
    // Dovecot's own children (imap, pop3, auth...) end when the master does; `doveadm stop` is not needed.
  };
  const deadline = Date.now() + 20_000;
  for (const port of [imapPort, pop3Port]) {
    while (!(await accepts(port))) {
      if (exited || Date.now() > deadline) {
        await stopProcess();
        let log = '';
        try {
          log = readFileSync(join(dir, 'dovecot.log'), 'utf8');
        } catch {
          // no log written
        }
        throw new Error(`private Dovecot did not start: ${out}${log}`);
      }
      await new Promise((r) => setTimeout(r, 50));
    }
  }
  return {
    imapPort,
    pop3Port,
    user,
    password,
    maildir: join(home, 'Maildir'),
    async stop() {
      await stopProcess();
      if (owned && !process.env.POSTERN_KEEP_DOVECOT) rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** The version string of the installed Dovecot, for skip messages and reports. */
export function dovecotVersion(): string {
  const bin = findDovecot();
  if (bin === null) return 'not installed';
  return execFileSync(bin, ['--version']).toString().trim();
}
