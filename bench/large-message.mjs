#!/usr/bin/env node
// Memory of one large message (issue 17 item 4, SPEC R12, R11.2): starts Postern from dist/ as a child process,
// then, one at a time, delivers a message of --mib MiB over LMTP, APPENDs it over IMAP, reads it back with POP3
// RETR and IMAP FETCH BODY.PEEK[], and prints per path the growth of the server's resident memory: the peak
// (VmHWM, reset through /proc/<pid>/clear_refs before each path) minus VmRSS before it. A warm-up delivery and
// APPEND go first (the allocator's arenas and V8's heaps grow once to their working size); with --gc the server
// collects its main heap before each path (bench/lib/gc-on-signal.mjs), so that garbage of the path before is not
// freed during the next and hides its growth. Raw loopback sockets; RETR and FETCH read back the APPENDed message,
// checked against the octets sent (SHA-256).
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { parseArgs } from 'node:util';
import { startPostern } from './lib/servers.mjs';

const { values: opt } = parseArgs({
  options: {
    mib: { type: 'string', default: '63' },
    repeat: { type: 'string', default: '1' },
    warmup: { type: 'string', default: '16' },
    gc: { type: 'boolean', default: false },
    paths: { type: 'string', default: 'lmtp,append,retr,fetch' },
    help: { type: 'boolean', default: false },
  },
});
if (opt.help) {
  console.log('node bench/large-message.mjs [--mib 63] [--repeat 1] [--warmup 16] [--gc] [--paths lmtp,append,retr,fetch]\n' +
    'Prints one JSON line per path: the server RSS before, the peak during, and the growth (MiB). --warmup 0 skips\n' +
    "the warm-up; --gc collects the server's main heap before each path. The default limits allow 64 MiB.");
  process.exit(0);
}
const USER = 'big@bench.local';
const PASSWORD = 'bench-pw-1';
const MIB = 1024 * 1024;

/** A text/plain message of about `bytes` octets: 76-octet lines that never start with a dot. */
function bigMessage(bytes) {
  const head = Buffer.from(`From: a@bench.local\r\nTo: ${USER}\r\nSubject: large\r\nMessage-ID: <large-${Date.now()}@bench.local>\r\nContent-Type: text/plain\r\n\r\n`);
  const line = Buffer.from(`${'abcdefghijklmnopqrstuvwxyz0123456789'.repeat(3).slice(0, 74)}\r\n`);
  const n = Math.floor((bytes - head.length) / line.length);
  const out = Buffer.allocUnsafe(head.length + n * line.length);
  head.copy(out, 0);
  for (let i = 0; i < n; i++) line.copy(out, head.length + i * line.length);
  return out;
}

/** @param {number} pid */
function status(pid) {
  const s = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (k) => Number(new RegExp(`${k}:\\s+(\\d+)`).exec(s)?.[1] ?? 0);
  return { rss: kb('VmRSS') / 1024, hwm: kb('VmHWM') / 1024 };
}

/** A socket with a byte queue: read lines or exact counts. */
class Conn {
  constructor(sock) {
    this.sock = sock;
    this.buf = Buffer.alloc(0);
    this.wake = null;
    this.closed = false;
    sock.on('data', (d) => { this.buf = this.buf.length === 0 ? d : Buffer.concat([this.buf, d]); this.wake?.(); });
    sock.on('close', () => { this.closed = true; this.wake?.(); });
    sock.on('error', () => {});
  }
  static open(port) {
    return new Promise((resolve, reject) => {
      const s = net.connect(port, '127.0.0.1', () => resolve(new Conn(s)));
      s.once('error', reject);
    });
  }
  async more() {
    if (this.closed) throw new Error('connection closed');
    await new Promise((r) => { this.wake = r; });
    this.wake = null;
  }
  async line() {
    for (;;) {
      const i = this.buf.indexOf('\r\n');
      if (i >= 0) { const l = this.buf.subarray(0, i).toString('latin1'); this.buf = this.buf.subarray(i + 2); return l; }
      await this.more();
    }
  }
  /** Feeds `n` octets to `sink` as they come. */
  async take(n, sink) {
    while (n > 0) {
      if (this.buf.length === 0) await this.more();
      const k = Math.min(n, this.buf.length);
      sink(this.buf.subarray(0, k));
      this.buf = this.buf.subarray(k);
      n -= k;
    }
  }
  write(b) { return new Promise((r) => this.sock.write(b, () => r(undefined))); }
  close() { this.sock.destroy(); }
}

async function expect(c, re) {
  for (;;) {
    const l = await c.line();
    if (re.test(l)) return l;
    if (/^(a\d+ (NO|BAD)|-ERR|[45]\d\d )/.test(l)) throw new Error(`unexpected: ${l}`);
  }
}

async function lmtp(srv, msg) {
  const c = await Conn.open(srv.ports.lmtp);
  await expect(c, /^220 /);
  await c.write('LHLO bench\r\n'); await expect(c, /^250 /);
  await c.write('MAIL FROM:<a@bench.local>\r\n'); await expect(c, /^250 /);
  await c.write(`RCPT TO:<${USER}>\r\n`); await expect(c, /^250 /);
  await c.write('DATA\r\n'); await expect(c, /^354 /);
  for (let o = 0; o < msg.length; o += MIB) await c.write(msg.subarray(o, o + MIB));
  await c.write('.\r\n'); await expect(c, /^250 /);
  c.close();
}

async function imapLogin(srv) {
  const c = await Conn.open(srv.ports.imap);
  await expect(c, /^\* OK/);
  await c.write(`a1 LOGIN ${USER} ${PASSWORD}\r\n`); await expect(c, /^a1 OK/);
  return c;
}

async function append(srv, msg) {
  const c = await imapLogin(srv);
  await c.write(`a2 APPEND INBOX {${msg.length}}\r\n`); await expect(c, /^\+/);
  for (let o = 0; o < msg.length; o += MIB) await c.write(msg.subarray(o, o + MIB));
  await c.write('\r\n'); await expect(c, /^a2 OK/);
  c.close();
}

async function fetch(srv, n) {
  const c = await imapLogin(srv);
  await c.write('a2 SELECT INBOX\r\n'); await expect(c, /^a2 OK/);
  await c.write(`a3 FETCH ${n} BODY.PEEK[]\r\n`);
  const head = await expect(c, /^\* \d+ FETCH .*\{(\d+)\}$/);
  const size = Number(/\{(\d+)\}$/.exec(head)[1]);
  const h = createHash('sha256');
  await c.take(size, (b) => h.update(b));
  await expect(c, /^a3 OK/);
  c.close();
  return { n: size, sha: h.digest('hex') };
}

async function retr(srv, n) {
  const c = await Conn.open(srv.ports.pop3);
  await expect(c, /^\+OK/);
  await c.write(`USER ${USER}\r\n`); await expect(c, /^\+OK/);
  await c.write(`PASS ${PASSWORD}\r\n`); await expect(c, /^\+OK/);
  await c.write(`RETR ${n}\r\n`); await expect(c, /^\+OK/);
  const h = createHash('sha256');
  let got = 0;
  for (;;) {
    const l = await c.line();
    if (l === '.') break;
    const b = Buffer.from(`${l.startsWith('.') ? l.slice(1) : l}\r\n`, 'latin1');
    got += b.length;
    h.update(b);
  }
  c.close();
  return { n: got, sha: h.digest('hex') };
}

/** Runs `fn` with the peak RSS of the server measured around it. */
async function measure(pid, name, fn) {
  if (opt.gc) process.kill(pid, 'SIGUSR2');
  await new Promise((r) => setTimeout(r, 300));
  writeFileSync(`/proc/${pid}/clear_refs`, '5'); // resets VmHWM to the current RSS
  const before = status(pid);
  const out = await fn();
  const after = status(pid);
  const row = { path: name, mib: Number(opt.mib), gc: opt.gc, rssBeforeMiB: +before.rss.toFixed(1), peakMiB: +after.hwm.toFixed(1), growthMiB: +(after.hwm - before.rss).toFixed(1) };
  console.log(JSON.stringify(row));
  return out;
}

const msg = bigMessage(Number(opt.mib) * MIB);
const sha = createHash('sha256').update(msg).digest('hex');
const paths = new Set(String(opt.paths).split(','));
const gcPreload = new URL('./lib/gc-on-signal.mjs', import.meta.url).pathname;
const srv = await startPostern({ users: [USER], password: PASSWORD, maxConns: 16, nodeArgs: opt.gc ? ['--expose-gc', '--import', gcPreload] : [] });
try {
  const pid = srv.pid();
  let stored = 0;
  if (Number(opt.warmup) > 0) {
    const warm = bigMessage(Number(opt.warmup) * MIB);
    await lmtp(srv, warm);
    await append(srv, warm);
    stored += 2;
  }
  for (let r = 0; r < Number(opt.repeat); r++) {
    if (paths.has('lmtp')) {
      await measure(pid, 'lmtp DATA', () => lmtp(srv, msg));
      stored++;
    }
    if (!paths.has('append')) continue;
    await measure(pid, 'imap APPEND', () => append(srv, msg));
    const appended = ++stored; // RETR and FETCH read it back: stored without a trace prefix, octet for octet
    const check = (got) => {
      if (got.n !== msg.length || got.sha !== sha) throw new Error(`read back ${got.n} octets (${got.sha}), sent ${msg.length} (${sha})`);
    };
    if (paths.has('retr')) check(await measure(pid, 'pop3 RETR', () => retr(srv, appended)));
    if (paths.has('fetch')) check(await measure(pid, 'imap FETCH BODY[]', () => fetch(srv, appended)));
  }
} finally {
  await srv.stop();
}
