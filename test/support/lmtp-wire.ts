// Test helper: a raw LMTP client over TCP (RFC 2033) that reports each per-recipient reply the moment it
// arrives — what the crash and shutdown tests (R1.4, R1.5, R10.5) need to know exactly what was acknowledged.
import { connect, type Socket } from 'node:net';

export interface WireReply {
  code: number;
  /** The text of every line, without the code and separator. */
  lines: string[];
  /** All lines as received, joined with \n. */
  raw: string;
}

export class ConnectionGone extends Error {}

/** Dot-stuffs a CRLF message and appends the terminating `.` line (RFC 5321 §4.5.2). */
export function dotStuff(message: Buffer): Buffer {
  const s = message.toString('latin1');
  const stuffed = s.replace(/(^|\r\n)\./g, '$1..');
  const ending = stuffed.endsWith('\r\n') ? '' : '\r\n';
  return Buffer.from(`${stuffed}${ending}.\r\n`, 'latin1');
}

export class LmtpWire {
  private buffer = '';
  private readonly queue: string[] = [];
  private waiter: (() => void) | null = null;
  private ended = false;
  readonly whenClosed: Promise<void>;

  private constructor(private readonly socket: Socket) {
    socket.setNoDelay(true);
    socket.on('data', (d: Buffer) => {
      this.buffer += d.toString('latin1');
      let nl: number;
      while ((nl = this.buffer.indexOf('\n')) >= 0) {
        this.queue.push(this.buffer.slice(0, nl).replace(/\r$/, ''));
        this.buffer = this.buffer.slice(nl + 1);
      }
      this.wake();
    });
    socket.on('error', () => undefined);
    this.whenClosed = new Promise((resolve) =>
      socket.on('close', () => {
        this.ended = true;
        this.wake();
        resolve();
      }),
    );
    socket.on('end', () => {
      this.ended = true;
      this.wake();
    });
  }

  static connect(port: number, host = '127.0.0.1', timeoutMs = 5000): Promise<LmtpWire> {
    return new Promise((resolve, reject) => {
      const socket = connect({ port, host });
      const timer = setTimeout(() => {
        socket.destroy();
        reject(new Error(`connect to ${host}:${port} timed out`));
      }, timeoutMs);
      socket.once('connect', () => {
        clearTimeout(timer);
        resolve(new LmtpWire(socket));
      });
      socket.once('error', (err) => {
        clearTimeout(timer);
        reject(err);
      });
    });
  }

  /** True once the server has closed its side (or the socket is gone). */
  get closed(): boolean {
    return this.ended;
  }

  private wake(): void {
    const w = this.waiter;
    this.waiter = null;
    w?.();
  }

  /** The next line from the server, without CRLF. Rejects with ConnectionGone when the server closed first. */
  async readLine(timeoutMs = 10_000): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const line = this.queue.shift();
      if (line !== undefined) return line;
      if (this.ended) throw new ConnectionGone('connection closed by the server');
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`no reply within ${timeoutMs} ms`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.waiter = () => {
          clearTimeout(timer);
          resolve();
        };
      });
    }
  }

  /** One (possibly multi-line) reply. */
  async readReply(timeoutMs = 10_000): Promise<WireReply> {
    const lines: string[] = [];
    const raw: string[] = [];
    for (let i = 0; i < 1000; i++) {
      const line = await this.readLine(timeoutMs);
      const m = /^(\d{3})([ -])(.*)$/.exec(line);
      if (!m) throw new Error(`malformed reply line: ${JSON.stringify(line)}`);
      raw.push(line);
      lines.push(m[3] ?? '');
      if (m[2] === ' ') return { code: Number(m[1]), lines, raw: raw.join('\n') };
    }
    throw new Error('reply with more than 1000 lines');
  }

  /** Writes and waits until the data is handed to the kernel (honours backpressure). */
  write(data: string | Buffer): Promise<void> {
    if (this.socket.destroyed) return Promise.reject(new ConnectionGone('socket destroyed'));
    return new Promise((resolve, reject) => {
      this.socket.write(data, (err) => (err ? reject(new ConnectionGone(err.message)) : resolve()));
    });
  }

  async command(line: string, timeoutMs = 10_000): Promise<WireReply> {
    await this.write(`${line}\r\n`);
    return this.readReply(timeoutMs);
  }

  /** Reads the greeting and says LHLO; throws unless both succeed. */
  async hello(name = 'client.test.example'): Promise<void> {
    const greeting = await this.readReply();
    if (greeting.code !== 220) throw new Error(`greeting: ${greeting.raw}`);
    const lhlo = await this.command(`LHLO ${name}`);
    if (lhlo.code !== 250) throw new Error(`LHLO: ${lhlo.raw}`);
  }

  destroy(): void {
    this.socket.destroy();
  }
}

export interface SendResult {
  /** Recipients the server accepted at RCPT time, in order. */
  accepted: string[];
  /** Per accepted recipient, the reply after the message (absent when the connection died first). */
  final: Map<string, WireReply>;
}

/**
 * One transaction: MAIL, RCPT for each recipient, DATA, the dot-stuffed message, then one reply per accepted
 * recipient (RFC 2033 §4.2). `onFinal` runs as each of those replies arrives, so a caller learns about a 250
 * even when the connection dies before the next recipient's reply.
 */
export async function sendMessage(
  wire: LmtpWire,
  from: string,
  recipients: readonly string[],
  message: Buffer,
  onFinal?: (rcpt: string, reply: WireReply) => void,
  timeoutMs = 15_000,
): Promise<SendResult> {
  const mail = await wire.command(`MAIL FROM:<${from}>`, timeoutMs);
  if (mail.code !== 250) throw new Error(`MAIL: ${mail.raw}`);
  const accepted: string[] = [];
  for (const rcpt of recipients) {
    const r = await wire.command(`RCPT TO:<${rcpt}>`, timeoutMs);
    if (r.code === 250) accepted.push(rcpt);
  }
  const final = new Map<string, WireReply>();
  if (accepted.length === 0) {
    await wire.command('RSET', timeoutMs);
    return { accepted, final };
  }
  const go = await wire.command('DATA', timeoutMs);
  if (go.code !== 354) throw new Error(`DATA: ${go.raw}`);
  await wire.write(dotStuff(message));
  for (const rcpt of accepted) {
    const r = await wire.readReply(timeoutMs);
    final.set(rcpt, r);
    onFinal?.(rcpt, r);
  }
  return { accepted, final };
}
