// A small LMTP/SMTP client over a raw socket for tests: reads whole (multi-line) replies, sends pipelined
// commands, upgrades with STARTTLS, presents client certificates.
import { connect as netConnect, type Socket } from 'node:net';
import { connect as tlsConnect, type TLSSocket } from 'node:tls';

export interface SmtpReply {
  code: number;
  lines: string[];
  text: string;
}

export class SmtpClient {
  private buffer = '';
  private waiters: Array<() => void> = [];
  private closed = false;

  private constructor(private socket: Socket | TLSSocket) {
    this.attach(socket);
  }

  private attach(socket: Socket | TLSSocket): void {
    socket.setEncoding('latin1');
    socket.on('data', (d: string) => {
      this.buffer += d;
      this.wake();
    });
    socket.on('close', () => {
      this.closed = true;
      this.wake();
    });
    socket.on('error', () => undefined);
  }

  private wake(): void {
    const w = this.waiters;
    this.waiters = [];
    for (const f of w) f();
  }

  static async connect(target: { port: number } | { path: string }, tls?: { cert?: string; key?: string }): Promise<SmtpClient> {
    const socket = await new Promise<Socket | TLSSocket>((resolve, reject) => {
      const s =
        tls !== undefined && 'port' in target
          ? tlsConnect({ host: '127.0.0.1', port: target.port, rejectUnauthorized: false, ...tls }, () => resolve(s))
          : 'port' in target
            ? netConnect({ host: '127.0.0.1', port: target.port }, () => resolve(s))
            : netConnect({ path: target.path }, () => resolve(s));
      s.once('error', reject);
    });
    return new SmtpClient(socket);
  }

  get isClosed(): boolean {
    return this.closed;
  }

  write(data: string | Buffer): void {
    this.socket.write(data);
  }

  /** Sends a command line (CRLF appended). */
  send(line: string): void {
    this.socket.write(`${line}\r\n`);
  }

  /** The next complete reply (all its lines), or throws after `ms`. */
  async reply(ms = 10_000): Promise<SmtpReply> {
    const deadline = Date.now() + ms;
    for (;;) {
      const lines = this.buffer.split('\r\n');
      const end = lines.findIndex((l) => /^\d{3} /.test(l) || /^\d{3}$/.test(l));
      if (end >= 0) {
        const taken = lines.slice(0, end + 1);
        this.buffer = lines.slice(end + 1).join('\r\n');
        return { code: Number(taken[end]!.slice(0, 3)), lines: taken, text: taken.join('\n') };
      }
      if (this.closed) throw new Error(`connection closed; unread: ${JSON.stringify(this.buffer)}`);
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`no reply within ${ms} ms; unread: ${JSON.stringify(this.buffer)}`);
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(t);
          resolve();
        });
      });
    }
  }

  /** Sends a command and returns its reply. */
  async cmd(line: string): Promise<SmtpReply> {
    this.send(line);
    return this.reply();
  }

  /** STARTTLS: the caller has already had the 220; upgrades this client's socket. */
  async startTls(opts: { cert?: string; key?: string } = {}): Promise<{ protocol: string | null }> {
    this.socket.removeAllListeners('data');
    this.buffer = '';
    const secure = await new Promise<TLSSocket>((resolve, reject) => {
      const s = tlsConnect({ socket: this.socket, rejectUnauthorized: false, ...opts }, () => resolve(s));
      s.once('error', reject);
    });
    this.socket = secure;
    this.attach(secure);
    return { protocol: secure.getProtocol() };
  }

  async waitClosed(ms = 5000): Promise<boolean> {
    const deadline = Date.now() + ms;
    while (!this.closed && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    return this.closed;
  }

  close(): void {
    this.socket.destroy();
  }
}

/** Sends a message body for DATA with dot-stuffing and the terminating dot. */
export function dotStuffed(message: string): string {
  const body = message.endsWith('\r\n') ? message : `${message}\r\n`;
  return `${body.replace(/^\./gm, '..')}.\r\n`;
}
