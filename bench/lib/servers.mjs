// Benchmark server launchers: a private Postern (child process, temp home) and a private Dovecot (own config, temp dirs).
import { spawn, execFileSync } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { sleep } from './clients.mjs';

export const ROOT = new URL('../../', import.meta.url).pathname;

/** Every server this process started, stopped on exit or signal. @type {Set<{stop(): Promise<void>}>} */
export const running = new Set();

/** A free loopback TCP port (bind to 0, close). */
async function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const a = s.address();
      s.close(() => resolve(typeof a === 'object' && a ? a.port : 0));
    });
  });
}

/** @param {number} pid @returns {{rssKb: number, pssKb: number}} */
export function memOf(pid) {
  let rssKb = 0;
  let pssKb = 0;
  try {
    const m = /VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    rssKb = m ? Number(m[1]) : 0;
  } catch { /* exited */ }
  try {
    const m = /^Pss:\s+(\d+)/m.exec(readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8'));
    pssKb = m ? Number(m[1]) : 0;
  } catch { /* unavailable */ }
  return { rssKb, pssKb };
}

/** Descendants of pid (from /proc), with their command names. @param {number} root */
export function descendants(root) {
  /** @type {Map<number, {ppid: number, comm: string}>} */
  const all = new Map();
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const st = readFileSync(`/proc/${d}/stat`, 'utf8');
      const close = st.lastIndexOf(')');
      const comm = st.slice(st.indexOf('(') + 1, close);
      const ppid = Number(st.slice(close + 2).split(' ')[1]);
      all.set(Number(d), { ppid, comm });
    } catch { /* gone */ }
  }
  /** @type {{pid: number, comm: string}[]} */
  const out = [];
  const queue = [root];
  for (let guard = 0; queue.length && guard < 100_000; guard++) {
    const p = /** @type {number} */ (queue.shift());
    for (const [pid, v] of all) if (v.ppid === p) { out.push({ pid, comm: v.comm }); queue.push(pid); }
  }
  return out;
}

/**
 * @typedef {object} Server
 * @property {string} name
 * @property {string} version
 * @property {string} host
 * @property {{lmtp: number, imap: number, imaps: number, pop3: number}} ports
 * @property {() => {rssKb: number, pssKb: number, processes: number, imapRssKb: number, imapProcesses: number}} memory
 * @property {() => Promise<void>} stop
 * @property {() => Promise<void>} restart  stop and start again on the same data (ports may change)
 * @property {string} dir
 * @property {() => number} [pid]  the server process (Postern only), for /proc readings
 * @property {{ports: {lmtp: number, imap: number, imaps: number, pop3: number}}} [second]  postern-pg: front end B
 *   (the ingest spreads its LMTP connections over both front ends; the IDLE connections are on B)
 * @property {Record<string, unknown>} [details]  what the `server` line says besides version and ports
 */

/** @param {string} cmd @param {string[]} args @param {NodeJS.ProcessEnv} env @param {string} [input] */
export function run(cmd, args, env, input) {
  return execFileSync(cmd, args, { env, input: input ?? '', stdio: ['pipe', 'pipe', 'pipe'], timeout: 60_000 }).toString();
}

/**
 * Writes a self-signed certificate and key for bench.local into dir (Dovecot's IMAPS; Postern makes its own).
 * @param {string} dir @returns {Promise<{cert: string, key: string}>}
 */
async function benchCertificate(dir) {
  const { generateSelfSigned } = await import(join(ROOT, 'dist/tls/certificates.js'));
  const pair = generateSelfSigned({ hostName: 'bench.local' });
  const cert = join(dir, 'bench-cert.pem');
  const key = join(dir, 'bench-key.pem');
  writeFileSync(cert, pair.certPem);
  writeFileSync(key, pair.keyPem, { mode: 0o600 });
  return { cert, key };
}

/**
 * Accounts for the login workloads (issue 17 item 1), written straight into Postern's store: one set of
 * credentials made at the configured cost, shared by all (a check costs the same whatever the salt, and the
 * login cache is per account), so that a thousand accounts take one hash to set up, not a thousand.
 * @param {() => Promise<{createUser(name: string, c: unknown): Promise<unknown>, close(): Promise<void>}>} open the store
 * @param {string[]} names @param {string} password
 */
export async function addLoginUsers(open, names, password) {
  if (names.length === 0) return;
  const { hashPassword, DEFAULT_SCRAM_ITERATIONS } = await import(join(ROOT, 'dist/sasl/passwords.js'));
  const credentials = await hashPassword(password, { scramIterations: DEFAULT_SCRAM_ITERATIONS });
  const store = await open();
  try {
    for (const name of names) await store.createUser(name, credentials);
  } finally {
    await store.close();
  }
}

/**
 * Postern's bench configuration (postern.yaml): loopback listeners on port 0, the limits for K connections,
 * and any further lines (postern-pg: the `store:` block).
 * @param {{maxConns: number, logLevel?: string}} o @param {string[]} [extra]
 */
export function posternConfig(o, extra = []) {
  const lim = o.maxConns;
  return [
    '# Benchmark config written by bench/lib/servers.mjs',
    'hostname: bench.local',
    'listeners:',
    '  - { protocol: imap, address: 127.0.0.1, port: 0, tls: none }',
    '  - { protocol: imap, address: 127.0.0.1, port: 0, tls: implicit }',
    '  - { protocol: pop3, address: 127.0.0.1, port: 0, tls: none }',
    '  - { protocol: lmtp, address: 127.0.0.1, port: 0, tls: none }',
    'lmtp: { verify: false }',
    'auth: { failureDelayMs: 0, allowPlaintextWithoutTls: true, maxFailuresPerIp: 100000, maxFailuresPerUser: 100000 }',
    `limits: { maxConnections: ${lim}, maxConnectionsPerIp: ${lim}, maxConnectionsPerUser: ${lim} }`,
    `log: { level: ${o.logLevel ?? 'info'} }`,
    ...extra,
    '',
  ].join('\n');
}

/** The environment of a Postern with home `dir` (its postern.yaml there). @param {string} dir */
export function posternEnv(dir) {
  const env = { ...process.env, POSTERN_HOME: dir, POSTERN_CONFIG: join(dir, 'postern.yaml') };
  delete env.NODE_OPTIONS;
  return env;
}

export const POSTERN_BIN = join(ROOT, 'bin/postern.js');

/**
 * Starts `postern serve` and waits for its `ready` log line; the ports come from its `listening` lines.
 * @param {NodeJS.ProcessEnv} env @param {string} cwd @param {string[]} [nodeArgs]
 * @returns {Promise<{proc: Proc, ports: {lmtp: number, imap: number, imaps: number, pop3: number}}>}
 */
export async function launchPostern(env, cwd, nodeArgs) {
  /** @type {Record<string, number>} */ const ports = {};
  let ready = false;
  let partial = '';
  const proc = new Proc(process.execPath, [...(nodeArgs ?? []), POSTERN_BIN, 'serve'], { env, cwd }, (d) => {
    if (ready) return; // after start-up the log is read and dropped
    partial += d.toString();
    const lines = partial.split('\n');
    partial = lines.pop() ?? '';
    for (const l of lines) {
      try {
        const j = JSON.parse(l);
        if (j.msg === 'listening' && typeof j.listener === 'string' && typeof j.port === 'number') {
          const [protocol] = j.listener.split(' ');
          ports[j.listener.endsWith('(implicit)') ? `${protocol}s` : protocol] = j.port;
        }
        if (j.msg === 'ready') ready = true;
      } catch { /* not JSON */ }
    }
  });
  const deadline = Date.now() + 30_000;
  while (!ready) {
    if (proc.exited || Date.now() > deadline) { await proc.stop(10_000); throw new Error(`postern did not start: ${proc.out.slice(0, 2000)}`); }
    await sleep(20);
  }
  return { proc, ports: { lmtp: ports.lmtp ?? 0, imap: ports.imap ?? 0, imaps: ports.imaps ?? 0, pop3: ports.pop3 ?? 0 } };
}

/**
 * Starts Postern from this checkout (dist/) with a temp POSTERN_HOME and the given users.
 * @param {{users: string[], loginUsers?: string[], password: string, maxConns: number, nodeArgs?: string[], logLevel?: string}} o
 * @returns {Promise<Server>}
 */
export async function startPostern(o) {
  if (!existsSync(join(ROOT, 'dist/cli/main.js'))) throw new Error('dist/ is missing: run `npm run build` first');
  const dir = mkdtempSync(join(tmpdir(), 'bench-postern-'));
  writeFileSync(join(dir, 'postern.yaml'), posternConfig(o));
  const env = posternEnv(dir);
  // Until the server is registered below, a failure or a signal still removes the directory.
  const setup = { stop: async () => { running.delete(setup); if (!process.env.BENCH_KEEP) rmSync(dir, { recursive: true, force: true }); } };
  running.add(setup);
  try {
    for (const u of o.users) run(process.execPath, [POSTERN_BIN, 'user', 'add', u], env, `${o.password}\n`);
    await addLoginUsers(async () => {
      const { openSqliteStore } = await import(join(ROOT, 'dist/store/sqlite/sqlite-store.js'));
      return openSqliteStore({ path: join(dir, 'data', 'postern.sqlite') });
    }, o.loginUsers ?? [], o.password);
  } catch (e) {
    await setup.stop();
    throw e;
  }
  running.delete(setup);
  /** @type {Proc} */ let proc;
  const launch = async () => {
    const started = await launchPostern(env, dir, o.nodeArgs);
    proc = started.proc;
    srv.ports = started.ports;
  };
  /** @type {Server} */
  const srv = {
    name: 'postern',
    version: posternVersion(),
    host: '127.0.0.1',
    ports: { lmtp: 0, imap: 0, imaps: 0, pop3: 0 },
    dir,
    pid: () => proc.pid,
    memory: () => {
      const m = memOf(proc.pid);
      return { ...m, processes: 1, imapRssKb: m.rssKb, imapProcesses: 1 };
    },
    restart: async () => { await proc.stop(10_000); await launch(); },
    stop: async () => {
      running.delete(srv);
      await proc?.stop(10_000);
      if (!process.env.BENCH_KEEP) rmSync(dir, { recursive: true, force: true });
    },
  };
  running.add(srv);
  try { await launch(); } catch (e) { await srv.stop(); throw e; }
  return srv;
}

/** A server child process: output kept (bounded), stopped with SIGTERM then SIGKILL, its descendants too. */
export class Proc {
  /** @param {string} cmd @param {string[]} args @param {{env?: NodeJS.ProcessEnv, cwd?: string}} o @param {(d: Buffer) => void} [onStdout] */
  constructor(cmd, args, o, onStdout) {
    this.child = spawn(cmd, args, { ...o, stdio: ['ignore', 'pipe', 'pipe'] });
    this.pid = this.child.pid ?? -1;
    this.out = '';
    this.exited = false;
    this.exit = new Promise((r) => {
      this.child.on('exit', () => { this.exited = true; r(undefined); });
      this.child.on('error', (e) => { this.exited = true; this.out += String(e); r(undefined); });
    });
    this.child.stdout?.on('data', (d) => { if (onStdout) onStdout(d); else if (this.out.length < 20_000) this.out += d.toString(); });
    this.child.stderr?.on('data', (d) => { if (this.out.length < 20_000) this.out += d.toString(); });
  }
  /** @param {number} graceMs */
  async stop(graceMs) {
    const kids = this.exited ? [] : descendants(this.pid);
    if (!this.exited) this.child.kill('SIGTERM');
    await Promise.race([this.exit, sleep(graceMs)]);
    if (!this.exited) { this.child.kill('SIGKILL'); await Promise.race([this.exit, sleep(5000)]); }
    for (const kid of kids) { try { process.kill(kid.pid, 0); process.kill(kid.pid, 'SIGKILL'); } catch { /* gone */ } }
  }
}

export function posternVersion() {
  let commit = 'unknown';
  try {
    commit = execFileSync('git', ['-C', ROOT, 'rev-parse', '--short', 'HEAD'], { stdio: ['ignore', 'pipe', 'ignore'] }).toString().trim();
    const dirty = execFileSync('git', ['-C', ROOT, 'status', '--porcelain', '--', 'src'], { stdio: ['ignore', 'pipe', 'ignore'] }).toString().trim();
    if (dirty) commit += '+dirty';
  } catch { /* not a git checkout */ }
  const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
  return `${pkg.version} (${commit}) node ${process.version}`;
}

/** The dovecot binary, or null when Dovecot is not installed. */
export function findDovecot() {
  const env = process.env.BENCH_DOVECOT; // a path, or "none" to run Postern only
  if (env) return env === 'none' || !existsSync(env) ? null : env;
  for (const p of ['/usr/sbin/dovecot', '/usr/local/sbin/dovecot', '/usr/bin/dovecot']) if (existsSync(p)) return p;
  return null;
}

/**
 * Starts a private Dovecot: its own config, base_dir and maildirs under a temp dir, loopback ports, passwd-file.
 * @param {{bin: string, users: string[], loginUsers?: string[], password: string, maxConns: number}} o
 * @returns {Promise<Server>}
 */
export async function startDovecot(o) {
  const dir = mkdtempSync(join(tmpdir(), 'bench-dovecot-'));
  chmodSync(dir, 0o755);
  const root = process.getuid?.() === 0;
  // Mail is owned by an unprivileged uid (Dovecot refuses root); running unprivileged, by ourselves.
  let uid = process.getuid?.() ?? 1000;
  let gid = process.getgid?.() ?? 1000;
  if (root) {
    const nobody = /^nobody:[^:]*:(\d+):(\d+):/m.exec(readFileSync('/etc/passwd', 'utf8'));
    uid = nobody ? Number(nobody[1]) : 65534;
    gid = nobody ? Number(nobody[2]) : 65534;
  }
  const mail = join(dir, 'mail');
  mkdirSync(mail);
  if (root) chownSync(mail, uid, gid);
  let scheme = `{PLAIN}${o.password}`;
  try { scheme = run(o.bin.replace(/dovecot$/, 'doveadm'), ['pw', '-s', 'SHA512-CRYPT', '-p', o.password], process.env).trim(); } catch { /* PLAIN then */ }
  const everyone = [...o.users, ...(o.loginUsers ?? [])];
  writeFileSync(join(dir, 'passwd'), everyone.map((u) => `${u}:${scheme}:${uid}:${gid}::${join(mail, u)}::\n`).join(''));
  const [imap, imaps, pop3, lmtp] = [await freePort(), await freePort(), await freePort(), await freePort()];
  const cert = await benchCertificate(dir);
  const k = o.maxConns;
  const me = userInfo().username;
  const conf = [
    '# Benchmark config written by bench/lib/servers.mjs: private instance, loopback only',
    `base_dir = ${join(dir, 'run')}`,
    `state_dir = ${join(dir, 'state')}`,
    `log_path = ${join(dir, 'dovecot.log')}`,
    `info_log_path = ${join(dir, 'dovecot-info.log')}`,
    'protocols = imap pop3 lmtp',
    'listen = 127.0.0.1',
    'ssl = yes',
    `ssl_cert = <${cert.cert}`,
    `ssl_key = <${cert.key}`,
    'disable_plaintext_auth = no',
    'auth_mechanisms = plain login',
    // Like Postern's auth.cacheSeconds: successful checks remembered (issue 17: compare like with like).
    'auth_cache_size = 10M',
    'auth_cache_ttl = 5 mins',
    'auth_failure_delay = 0', // as Postern's bench config (failureDelayMs: 0): the burst measures the checks' cost
    ...(root ? [] : [`default_login_user = ${me}`, `default_internal_user = ${me}`, 'login_chroot = no']),
    `first_valid_uid = ${Math.min(uid, 500)}`,
    `passdb {\n  driver = passwd-file\n  args = ${join(dir, 'passwd')}\n}`,
    `userdb {\n  driver = passwd-file\n  args = ${join(dir, 'passwd')}\n}`,
    'mail_location = maildir:~/Maildir',
    `default_process_limit = ${k + 256}`,
    `default_client_limit = ${2 * k + 512}`,
    `service imap-login {\n  inet_listener imap {\n    address = 127.0.0.1\n    port = ${imap}\n  }\n  inet_listener imaps {\n    address = 127.0.0.1\n    port = ${imaps}\n    ssl = yes\n  }\n  process_limit = ${k + 256}\n}`,
    `service pop3-login {\n  inet_listener pop3 {\n    address = 127.0.0.1\n    port = ${pop3}\n  }\n  inet_listener pop3s {\n    port = 0\n  }\n}`,
    `service lmtp {\n  inet_listener lmtp {\n    address = 127.0.0.1\n    port = ${lmtp}\n  }\n}`,
    `service imap {\n  process_limit = ${k + 256}\n}`,
    `protocol imap {\n  mail_max_userip_connections = ${k + 256}\n}`,
    `protocol pop3 {\n  mail_max_userip_connections = 16\n}`,
    '',
  ].join('\n');
  const confPath = join(dir, 'dovecot.conf');
  writeFileSync(confPath, conf);
  let version = 'dovecot';
  try { version = `dovecot ${run(o.bin, ['--version'], process.env).trim()}`; } catch { /* keep */ }
  /** @type {Proc} */ let proc;
  const launch = async () => {
    proc = new Proc(o.bin, ['-F', '-c', confPath], {});
    // Ready when all three ports accept connections.
    const deadline = Date.now() + 20_000;
    for (const port of [imap, imaps, pop3, lmtp]) {
      for (;;) {
        if (proc.exited) { await proc.stop(15_000); throw new Error(`dovecot exited: ${proc.out}`); }
        if (Date.now() > deadline) { await proc.stop(15_000); throw new Error(`dovecot did not start: ${proc.out}`); }
        const ok = await new Promise((r) => {
          const s = net.connect({ host: '127.0.0.1', port }, () => { s.destroy(); r(true); });
          s.on('error', () => r(false));
        });
        if (ok) break;
        await sleep(50);
      }
    }
  };
  /** @type {Server} */
  const srv = {
    name: 'dovecot',
    version,
    host: '127.0.0.1',
    ports: { imap, imaps, pop3, lmtp },
    dir,
    memory: () => {
      let rssKb = 0, pssKb = 0, imapRssKb = 0, imapProcesses = 0;
      const procs = [{ pid: proc.pid, comm: 'dovecot' }, ...descendants(proc.pid)];
      for (const p of procs) {
        const m = memOf(p.pid);
        rssKb += m.rssKb;
        pssKb += m.pssKb;
        if (p.comm === 'imap') { imapRssKb += m.rssKb; imapProcesses++; }
      }
      return { rssKb, pssKb, processes: procs.length, imapRssKb, imapProcesses };
    },
    restart: async () => { await proc.stop(15_000); await launch(); },
    stop: async () => {
      running.delete(srv);
      await proc?.stop(15_000);
      if (!process.env.BENCH_KEEP) rmSync(dir, { recursive: true, force: true });
    },
  };
  running.add(srv);
  try { await launch(); } catch (e) { await srv.stop(); throw e; }
  return srv;
}
