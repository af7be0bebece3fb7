// Test helper for the memory tests of large messages (issue 12 item 13, SPEC R11.2): generates a message of a
// given size in chunks (never whole in the test process), sends it over LMTP DATA or IMAP APPEND on a raw
// socket with backpressure, and reads a child process's resident memory from /proc.
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { connect, type Socket } from 'node:net';

const LINE = 'abcdefghijklmnopqrstuvwxyz ABCDEFGHIJKLMNOPQRSTUVWXYZ 0123456789 the quick brown fox\r\n';

/** The header of a generated message: signed with DKIM so that a verifier hashes the whole body. */
function header(id: string): string {
  return [
    'From: Large Sender <sender@large.test>',
    'To: <alice@large.test>',
    `Subject: large message ${id}`,
    `Message-ID: <${id}@large.test>`,
    'Date: Mon, 1 Jan 2024 00:00:00 +0000',
    'DKIM-Signature: v=1; a=rsa-sha256; c=relaxed/relaxed; d=large.test; s=sel;',
    ' h=from:to:subject; bh=47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=; b=AAAA',
    'MIME-Version: 1.0',
    'Content-Type: text/plain; charset=us-ascii',
    '',
    '',
  ].join('\r\n');
}

/** A CRLF message of exactly `size` octets (no line starts with a dot), in chunks of about 256 KiB. */
export function* messageChunks(size: number, id: string): Generator<Buffer> {
  const head = Buffer.from(header(id), 'latin1');
  yield head;
  const block = Buffer.from(LINE.repeat(Math.floor((256 * 1024) / LINE.length)), 'latin1');
  let left = size - head.length;
  while (left >= block.length) {
    yield block;
    left -= block.length;
  }
  const lines = Math.floor(left / LINE.length);
  const rest = left - lines * LINE.length;
  const tail = LINE.repeat(lines) + (rest >= 2 ? `${'y'.repeat(rest - 2)}\r\n` : 'z'.repeat(rest));
  if (tail.length > 0) yield Buffer.from(tail, 'latin1');
}

/** A socket that hands out lines as they arrive. */
class LineSocket {
  private buffer = '';
  private readonly lines: string[] = [];
  private waiter: (() => void) | null = null;
  private closed = false;

  constructor(readonly socket: Socket) {
    socket.on('data', (d: Buffer) => {
      this.buffer += d.toString('latin1');
      let nl: number;
      while ((nl = this.buffer.indexOf('\n')) >= 0) {
        this.lines.push(this.buffer.slice(0, nl).replace(/\r$/, ''));
        this.buffer = this.buffer.slice(nl + 1);
      }
      this.wake();
    });
    socket.on('error', () => undefined);
    socket.on('close', () => {
      this.closed = true;
      this.wake();
    });
  }

  static open(port: number): Promise<LineSocket> {
    return new Promise((resolve, reject) => {
      const s = connect({ port, host: '127.0.0.1' });
      s.once('connect', () => resolve(new LineSocket(s)));
      s.once('error', reject);
    });
  }

  private wake(): void {
    const w = this.waiter;
    this.waiter = null;
    w?.();
  }

  async line(timeoutMs = 120_000): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const l = this.lines.shift();
      if (l !== undefined) return l;
      if (this.closed) throw new Error('connection closed');
      if (Date.now() > deadline) throw new Error('timed out waiting for a reply line');
      await new Promise<void>((r) => {
        this.waiter = r;
        setTimeout(r, 1000);
      });
    }
  }

  /** An SMTP-style reply: lines until one with a space after the code; returns the last. */
  async reply(): Promise<string> {
    for (;;) {
      const l = await this.line();
      if (l.charAt(3) !== '-') return l;
    }
  }

  /** The first line starting with `prefix` (skipping untagged IMAP responses). */
  async until(prefix: string): Promise<string> {
    for (;;) {
      const l = await this.line();
      if (l.startsWith(prefix)) return l;
    }
  }

  write(data: string | Buffer): Promise<void> {
    return new Promise((resolve) => {
      if (this.socket.write(data)) resolve();
      else this.socket.once('drain', () => resolve());
    });
  }

  end(): void {
    this.socket.destroy();
  }
}

async function sendChunks(s: LineSocket, size: number, id: string): Promise<void> {
  for (const chunk of messageChunks(size, id)) await s.write(chunk);
}

/** Delivers a generated message of `size` octets over LMTP DATA; returns the reply to the final dot. */
export async function lmtpDeliverLarge(port: number, to: string, size: number, id: string): Promise<string> {
  const s = await LineSocket.open(port);
  try {
    await s.reply();
    await s.write('LHLO mta.large.test\r\n');
    await s.reply();
    await s.write('MAIL FROM:<sender@large.test>\r\n');
    await s.reply();
    await s.write(`RCPT TO:<${to}>\r\n`);
    const rcpt = await s.reply();
    if (!rcpt.startsWith('250')) return rcpt;
    await s.write('DATA\r\n');
    await s.reply();
    await sendChunks(s, size, id);
    await s.write('.\r\n');
    return await s.reply();
  } finally {
    s.end();
  }
}

/** Delivers a generated message over LMTP BDAT in chunks of at most 8 MiB; returns the reply to BDAT LAST. */
export async function lmtpBdatLarge(port: number, to: string, size: number, id: string): Promise<string> {
  const s = await LineSocket.open(port);
  try {
    await s.reply();
    await s.write('LHLO mta.large.test\r\n');
    await s.reply();
    await s.write('MAIL FROM:<sender@large.test>\r\n');
    await s.reply();
    await s.write(`RCPT TO:<${to}>\r\n`);
    const rcpt = await s.reply();
    if (!rcpt.startsWith('250')) return rcpt;
    const pending: Buffer[] = [];
    let pendingBytes = 0;
    const flush = async (last: boolean): Promise<string> => {
      await s.write(`BDAT ${pendingBytes}${last ? ' LAST' : ''}\r\n`);
      for (const p of pending) await s.write(p);
      pending.length = 0;
      pendingBytes = 0;
      return s.reply();
    };
    for (const chunk of messageChunks(size, id)) {
      pending.push(chunk);
      pendingBytes += chunk.length;
      if (pendingBytes >= 8 * 1024 * 1024) {
        const r = await flush(false);
        if (!r.startsWith('250')) return r;
      }
    }
    return await flush(true);
  } finally {
    s.end();
  }
}

/** Logs in over IMAP and APPENDs a generated message of `size` octets to INBOX; returns the tagged reply. */
export async function imapAppendLarge(port: number, user: string, password: string, size: number, id: string): Promise<string> {
  const s = await LineSocket.open(port);
  try {
    await s.line();
    await s.write(`a LOGIN ${user} "${password}"\r\n`);
    const login = await s.until('a ');
    if (!login.startsWith('a OK')) return login;
    await s.write(`b APPEND INBOX {${size}}\r\n`);
    const go = await s.line();
    if (!go.startsWith('+')) return go;
    await sendChunks(s, size, id);
    await s.write('\r\n');
    return await s.until('b ');
  } finally {
    s.end();
  }
}

/**
 * Logs in over IMAP and FETCHes BODY.PEEK[] of one UID, hashing the literal as it arrives (never holding it);
 * returns its length, its SHA-256 and the tagged reply.
 */
export async function imapFetchLarge(port: number, user: string, password: string, uid: number): Promise<{ length: number; sha256: string; tagged: string }> {
  const socket = connect({ port, host: '127.0.0.1' });
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', () => resolve());
    socket.once('error', reject);
  });
  socket.on('error', () => undefined);
  const hash = createHash('sha256');
  let text = Buffer.alloc(0);
  let literalLeft = 0;
  let length = -1;
  const lines: string[] = [];
  let wake: (() => void) | null = null;
  let closed = false;
  socket.on('data', (d: Buffer) => {
    let rest = d;
    while (rest.length > 0) {
      if (literalLeft > 0) {
        const take = Math.min(literalLeft, rest.length);
        hash.update(rest.subarray(0, take));
        literalLeft -= take;
        rest = rest.subarray(take);
        continue;
      }
      text = Buffer.concat([text, rest]);
      rest = Buffer.alloc(0);
      let nl: number;
      while (literalLeft === 0 && (nl = text.indexOf(0x0a)) >= 0) {
        const line = text.toString('latin1', 0, nl).replace(/\r$/, '');
        text = text.subarray(nl + 1);
        lines.push(line);
        const lit = /^\* \d+ FETCH .*\{(\d+)\}$/.exec(line);
        if (lit) {
          literalLeft = length = Number(lit[1]);
          rest = text;
          text = Buffer.alloc(0);
        }
      }
    }
    const w = wake;
    wake = null;
    w?.();
  });
  socket.on('close', () => {
    closed = true;
    wake?.();
  });
  const until = async (prefix: string): Promise<string> => {
    const deadline = Date.now() + 120_000;
    for (;;) {
      const i = lines.findIndex((l) => l.startsWith(prefix));
      if (i >= 0) return lines.splice(0, i + 1)[i]!;
      if (closed) throw new Error('connection closed');
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${prefix}`);
      await new Promise<void>((r) => {
        wake = r;
        setTimeout(r, 1000);
      });
    }
  };
  try {
    await until('* OK');
    socket.write(`a LOGIN ${user} "${password}"\r\n`);
    const login = await until('a ');
    if (!login.startsWith('a OK')) return { length, sha256: '', tagged: login };
    socket.write('b SELECT INBOX\r\n');
    await until('b ');
    socket.write(`c UID FETCH ${uid} BODY.PEEK[]\r\n`);
    const tagged = await until('c ');
    return { length, sha256: hash.digest('hex'), tagged };
  } finally {
    socket.destroy();
  }
}

/** Resident memory of a process in bytes: now (VmRSS) and the peak since start or the last resetPeak (VmHWM). */
export function memoryOf(pid: number): { rss: number; hwm: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kib = (key: string): number => Number(new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN) * 1024;
  return { rss: kib('VmRSS'), hwm: kib('VmHWM') };
}

/** Resets the peak resident size (VmHWM) of a process of ours to its current size (Linux ≥ 4.0). */
export function resetPeak(pid: number): void {
  writeFileSync(`/proc/${pid}/clear_refs`, '5');
}

/** Growth of the peak resident size while `work` runs, in bytes (peak during minus resident before). */
export async function peakGrowth(pid: number, work: () => Promise<unknown>): Promise<number> {
  resetPeak(pid);
  const before = memoryOf(pid).rss;
  await work();
  return memoryOf(pid).hwm - before;
}

/**
 * Logs in over POP3 and RETRs message `msg`, undoing the byte-stuffing and hashing the octets as they arrive
 * (never holding them); returns their length and SHA-256, or the reply that refused.
 */
export async function pop3RetrLarge(port: number, user: string, password: string, msg: number): Promise<{ length: number; sha256: string; status: string }> {
  const s = await LineSocket.open(port);
  try {
    await s.line();
    await s.write(`USER ${user}\r\nPASS ${password}\r\n`);
    await s.line();
    const pass = await s.line();
    if (!pass.startsWith('+OK')) return { length: -1, sha256: '', status: pass };
    await s.write(`RETR ${msg}\r\n`);
    const status = await s.line();
    if (!status.startsWith('+OK')) return { length: -1, sha256: '', status };
    const hash = createHash('sha256');
    let length = 0;
    for (;;) {
      const l = await s.line();
      if (l === '.') break;
      const octets = Buffer.from(`${l.startsWith('.') ? l.slice(1) : l}\r\n`, 'latin1'); // RFC 1939 §3
      length += octets.length;
      hash.update(octets);
    }
    return { length, sha256: hash.digest('hex'), status };
  } finally {
    s.end();
  }
}
