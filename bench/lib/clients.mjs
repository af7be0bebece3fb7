// Benchmark protocol clients: minimal LMTP, IMAP and POP3 clients over raw TCP sockets or TLS (no Postern code).
import net from 'node:net';
import tls from 'node:tls';

/** @param {number} ms */
export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/**
 * Connects a TCP socket to host:port within timeoutMs.
 * @param {string} host @param {number} port @param {number} [timeoutMs]
 * @returns {Promise<net.Socket>}
 */
export function connect(host, port, timeoutMs = 30_000) {
  return new Promise((resolve, reject) => {
    const s = net.connect({ host, port });
    const t = setTimeout(() => { s.destroy(); reject(new Error(`connect ${host}:${port} timed out`)); }, timeoutMs);
    s.once('connect', () => { clearTimeout(t); s.setNoDelay(true); resolve(s); });
    s.once('error', (e) => { clearTimeout(t); reject(e); });
  });
}

/**
 * Connects and completes a TLS handshake (the bench's servers use self-signed certificates: not verified); with
 * `resume`, offers the session kept there and keeps the next one (TLS session resumption).
 * @param {string} host @param {number} port @param {number} [timeoutMs] @param {{session?: Buffer} | null} [resume]
 * @returns {Promise<net.Socket>}
 */
export function connectTls(host, port, timeoutMs = 30_000, resume = null) {
  return new Promise((resolve, reject) => {
    const s = tls.connect({ host, port, rejectUnauthorized: false, ...(resume?.session ? { session: resume.session } : {}) });
    // A client that resumes (most TLS stacks do, within a process) keeps the latest session ticket it was given.
    if (resume) s.on('session', (session) => { resume.session = session; });
    const t = setTimeout(() => { s.destroy(); reject(new Error(`TLS connect ${host}:${port} timed out`)); }, timeoutMs);
    s.once('secureConnect', () => { clearTimeout(t); s.setNoDelay(true); resolve(s); });
    s.once('error', (e) => { clearTimeout(t); reject(e); });
  });
}

/** Base: buffers incoming bytes and lets a subclass consume them; every wait has a deadline. */
class Wire {
  /** @param {net.Socket} sock @param {number} timeoutMs */
  constructor(sock, timeoutMs) {
    this.sock = sock;
    this.timeoutMs = timeoutMs;
    /** @type {Buffer} */ this.buf = Buffer.alloc(0);
    /** @type {Error|null} */ this.error = null;
    this.closed = false;
    /** Octets received on this connection so far. */ this.bytesIn = 0;
    /** @type {(() => void) | null} */ this.wake = null;
    sock.on('data', (d) => {
      this.bytesIn += d.length;
      this.buf = this.buf.length === 0 ? d : Buffer.concat([this.buf, d]);
      this.onData();
    });
    sock.on('error', (e) => { this.error = e; this.onData(); });
    sock.on('close', () => { this.closed = true; this.onData(); });
  }
  onData() { const w = this.wake; this.wake = null; if (w) w(); }
  /** Waits for more data (or close/error) until the deadline. @param {number} deadline */
  async more(deadline) {
    if (this.error) throw this.error;
    if (this.closed) throw new Error('connection closed by server');
    const left = deadline - Date.now();
    if (left <= 0) throw new Error('timed out waiting for the server');
    await new Promise((resolve) => {
      const t = setTimeout(resolve, left);
      this.wake = () => { clearTimeout(t); resolve(undefined); };
    });
  }
  /** Reads one CRLF-terminated line (without CRLF). @param {number} [deadline] */
  async line(deadline = Date.now() + this.timeoutMs) {
    for (;;) {
      const i = this.buf.indexOf('\r\n');
      if (i >= 0) {
        const l = this.buf.toString('latin1', 0, i);
        this.buf = this.buf.subarray(i + 2);
        return l;
      }
      await this.more(deadline);
    }
  }
  /** @param {string|Buffer} data */
  write(data) { this.sock.write(data); }
  close() { this.sock.destroy(); }
}

/** SMTP/LMTP style reply: code and text lines. */
export class LmtpClient extends Wire {
  /** @param {string} host @param {number} port @param {number} [timeoutMs] */
  static async open(host, port, timeoutMs = 60_000) {
    const c = new LmtpClient(await connect(host, port), timeoutMs);
    const g = await c.reply();
    if (g.code !== 220) throw new Error(`LMTP greeting: ${g.text}`);
    const l = await c.cmd('LHLO bench.client');
    if (l.code !== 250) throw new Error(`LHLO: ${l.text}`);
    return c;
  }
  /** Reads one (possibly multi-line) reply. */
  async reply() {
    const lines = [];
    for (let i = 0; i < 1000; i++) {
      const l = await this.line();
      lines.push(l);
      if (l.length < 4 || l[3] !== '-') return { code: Number(l.slice(0, 3)), text: lines.join('\n') };
    }
    throw new Error('LMTP reply too long');
  }
  /** @param {string} c */
  async cmd(c) { this.write(`${c}\r\n`); return this.reply(); }
  /**
   * Delivers one message (MAIL/RCPT/DATA pipelined) and returns the per-recipient replies.
   * @param {string} from @param {string[]} rcpts @param {Buffer} dotStuffed message, CRLF, already dot-stuffed
   */
  async deliver(from, rcpts, dotStuffed) {
    this.write(`MAIL FROM:<${from}> BODY=8BITMIME\r\n${rcpts.map((r) => `RCPT TO:<${r}>\r\n`).join('')}DATA\r\n`);
    const m = await this.reply();
    if (m.code !== 250) throw new Error(`MAIL FROM: ${m.text}`);
    let ok = 0;
    for (const _ of rcpts) if ((await this.reply()).code === 250) ok++;
    const d = await this.reply();
    if (d.code !== 354) throw new Error(`DATA: ${d.text}`);
    this.write(dotStuffed);
    this.write('.\r\n');
    const out = [];
    for (let i = 0; i < ok; i++) out.push(await this.reply());
    for (const r of out) if (r.code !== 250) throw new Error(`delivery: ${r.text}`);
    return out;
  }
  async quit() { try { this.write('QUIT\r\n'); await this.reply(); } catch { /* closing anyway */ } this.close(); }
}

/** Dot-stuffs a CRLF message and makes sure it ends with CRLF. @param {Buffer} msg */
export function dotStuff(msg) {
  let s = msg.toString('latin1');
  if (!s.endsWith('\r\n')) s += '\r\n';
  s = s.replace(/^\./gm, '..');
  return Buffer.from(s, 'latin1');
}

/**
 * IMAP client: one command at a time, literals in responses skipped (counted) or kept.
 */
export class ImapClient extends Wire {
  /**
   * @param {string} host @param {number} port @param {number} [timeoutMs] @param {boolean} [secure] implicit TLS
   * @param {{session?: Buffer} | null} [resume] TLS session resumption (connectTls)
   */
  static async open(host, port, timeoutMs = 120_000, secure = false, resume = null) {
    const c = new ImapClient(await (secure ? connectTls(host, port, 30_000, resume) : connect(host, port)), timeoutMs);
    const g = await c.line();
    if (!g.startsWith('* OK')) throw new Error(`IMAP greeting: ${g}`);
    c.caps = g;
    return c;
  }
  /** @param {net.Socket} sock @param {number} timeoutMs */
  constructor(sock, timeoutMs) {
    super(sock, timeoutMs);
    this.seq = 0;
    this.caps = '';
    /** Untagged EXISTS counts seen (for IDLE). */ this.exists = 0;
    /** @type {((n: number) => void) | null} */ this.onExists = null;
  }
  /**
   * Reads one complete response (line plus literals). Literal bytes are counted into `stats.literalBytes`
   * and kept in the text only when `keep` is set.
   * @param {number} deadline @param {{literalBytes: number}} stats @param {boolean} keep
   */
  async response(deadline, stats, keep) {
    let text = '';
    for (let guard = 0; guard < 1_000_000; guard++) {
      const l = await this.line(deadline);
      const m = /\{(\d+)\+?\}$/.exec(l);
      if (!m) return text + l;
      const n = Number(m[1]);
      text += keep ? l : l.slice(0, m.index);
      let left = n;
      /** @type {Buffer[]} */ const parts = [];
      while (left > 0) {
        if (this.buf.length === 0) { await this.more(deadline); continue; }
        const take = Math.min(left, this.buf.length);
        if (keep) parts.push(this.buf.subarray(0, take));
        this.buf = this.buf.subarray(take);
        left -= take;
      }
      stats.literalBytes += n;
      if (keep) text += `\r\n${Buffer.concat(parts).toString('latin1')}`;
      else text += '""';
    }
    throw new Error('IMAP response too long');
  }
  /**
   * Sends a command and reads until its tagged reply.
   * @param {string} command without tag
   * @param {{keep?: boolean, keepUntagged?: boolean, timeoutMs?: number}} [opt]
   */
  async cmd(command, opt = {}) {
    const tag = `b${++this.seq}`;
    this.write(`${tag} ${command}\r\n`);
    return this.until(tag, opt);
  }
  /** @param {string} tag @param {{keep?: boolean, keepUntagged?: boolean, timeoutMs?: number}} opt */
  async until(tag, opt) {
    const deadline = Date.now() + (opt.timeoutMs ?? this.timeoutMs);
    const stats = { literalBytes: 0, untagged: 0 };
    /** @type {string[]} */ const untagged = [];
    for (;;) {
      const r = await this.response(deadline, stats, opt.keep ?? false);
      if (r.startsWith(`${tag} `)) {
        const status = r.slice(tag.length + 1).split(' ', 1)[0];
        if (status !== 'OK') throw new Error(`IMAP ${tag}: ${r.slice(0, 300)}`);
        return { status, text: r, untagged, literalBytes: stats.literalBytes, count: stats.untagged };
      }
      if (r.startsWith('* ')) {
        stats.untagged++;
        this.noteUntagged(r);
        if (opt.keepUntagged !== false) untagged.push(r);
        if (r.startsWith('* BYE')) throw new Error(`IMAP: ${r}`);
      }
    }
  }
  /** @param {string} r */
  noteUntagged(r) {
    const m = /^\* (\d+) EXISTS/.exec(r);
    if (m) { this.exists = Number(m[1]); if (this.onExists) this.onExists(this.exists); }
    if (r.startsWith('* CAPABILITY ') || r.includes('[CAPABILITY ')) this.caps = r;
  }
  /** @param {string} user @param {string} pass */
  async login(user, pass) {
    const r = await this.cmd(`LOGIN ${quote(user)} ${quote(pass)}`);
    if (!/\[CAPABILITY /.test(r.text)) await this.cmd('CAPABILITY');
    else this.caps = r.text;
    return r;
  }
  /** APPENDs one message (LITERAL+ when offered). @param {string} mailbox @param {Buffer} msg */
  async append(mailbox, msg) {
    const tag = `b${++this.seq}`;
    if (/LITERAL\+/i.test(this.caps)) {
      this.write(Buffer.concat([Buffer.from(`${tag} APPEND ${quote(mailbox)} {${msg.length}+}\r\n`), msg, Buffer.from('\r\n')]));
    } else {
      this.write(`${tag} APPEND ${quote(mailbox)} {${msg.length}}\r\n`);
      const l = await this.line();
      if (!l.startsWith('+')) throw new Error(`APPEND: ${l}`);
      this.write(Buffer.concat([msg, Buffer.from('\r\n')]));
    }
    return this.until(tag, {});
  }
  /** Starts IDLE: resolves once the server sent its continuation. Untagged replies keep updating `exists`. */
  async idle() {
    const tag = `b${++this.seq}`;
    this.idleTag = tag;
    this.write(`${tag} IDLE\r\n`);
    const deadline = Date.now() + this.timeoutMs;
    for (;;) {
      const l = await this.line(deadline);
      if (l.startsWith('+')) break;
      if (l.startsWith(`${tag} `)) throw new Error(`IDLE: ${l}`);
      this.noteUntagged(l);
    }
    // From here on, lines are consumed as they arrive.
    const pump = () => {
      for (let guard = 0; guard < 10_000; guard++) {
        const i = this.buf.indexOf('\r\n');
        if (i < 0) return;
        const l = this.buf.toString('latin1', 0, i);
        this.buf = this.buf.subarray(i + 2);
        this.noteUntagged(l);
      }
    };
    this.onData = () => { pump(); };
    pump();
  }
  async logout() { try { this.write(`b${++this.seq} LOGOUT\r\n`); } catch { /* closing anyway */ } this.close(); }
}

/** @param {string} s */
function quote(s) { return `"${s.replace(/["\\]/g, (c) => `\\${c}`)}"`; }

/** POP3 client with USER/PASS and pipelined RETR. */
export class Pop3Client extends Wire {
  /** @param {string} host @param {number} port @param {number} [timeoutMs] */
  static async open(host, port, timeoutMs = 120_000) {
    const c = new Pop3Client(await connect(host, port), timeoutMs);
    const g = await c.line();
    if (!g.startsWith('+OK')) throw new Error(`POP3 greeting: ${g}`);
    return c;
  }
  /** @param {string} c */
  async cmd(c) {
    this.write(`${c}\r\n`);
    const l = await this.line();
    if (!l.startsWith('+OK')) throw new Error(`POP3 ${c.split(' ')[0]}: ${l}`);
    return l;
  }
  /** @param {string} user @param {string} pass */
  async login(user, pass) { await this.cmd(`USER ${user}`); await this.cmd(`PASS ${pass}`); }
  /** Reads a multi-line body after +OK; returns its octets (dot-unstuffed, with CRLFs). @param {number} deadline */
  async multiline(deadline) {
    let bytes = 0;
    for (;;) {
      const i = this.buf.indexOf('\r\n');
      if (i < 0) { await this.more(deadline); continue; }
      if (i === 1 && this.buf[0] === 0x2e) { this.buf = this.buf.subarray(3); return bytes; }
      bytes += (this.buf[0] === 0x2e ? i - 1 : i) + 2;
      this.buf = this.buf.subarray(i + 2);
    }
  }
  /**
   * RETRs messages 1..n with up to `window` commands in flight; returns total octets.
   * @param {number} n @param {number} window @param {number} timeoutMs
   */
  async retrAll(n, window, timeoutMs) {
    const deadline = Date.now() + timeoutMs;
    let sent = 0;
    let total = 0;
    let done = 0;
    const send = () => { while (sent < n && sent - done < window) { sent++; this.write(`RETR ${sent}\r\n`); } };
    send();
    while (done < n) {
      const l = await this.line(deadline);
      if (!l.startsWith('+OK')) throw new Error(`RETR: ${l}`);
      total += await this.multiline(deadline);
      done++;
      send();
    }
    return total;
  }
  async quit() { try { await this.cmd('QUIT'); } catch { /* closing anyway */ } this.close(); }
}
