// A small POP3 client over a raw socket for tests (RFC 1939): single-line and multi-line responses read
// byte-exactly (latin1), byte-stuffing undone, pipelined sends, STLS upgrade, client certificates.
import { connect as netConnect, type Socket } from 'node:net';
import { connect as tlsConnect, type TLSSocket } from 'node:tls';

export interface Pop3Reply {
  ok: boolean;
  /** The status line without "+OK " / "-ERR ". */
  text: string;
  line: string;
}

export interface Pop3Multi extends Pop3Reply {
  /** The body lines with byte-stuffing undone (empty for -ERR). */
  lines: string[];
  /** The body bytes exactly as the server meant them: unstuffed, CRLFs kept. */
  body: Buffer;
}

export interface TlsOptions {
  cert?: string;
  key?: string;
}

export class Pop3Client {
  private buffer = '';
  private waiters: Array<() => void> = [];
  private closed = false;

  private constructor(private socket: Socket | TLSSocket) {
    this.attach(socket);
  }

  static async connect(port: number, tls?: TlsOptions): Promise<Pop3Client> {
    const socket = await new Promise<Socket | TLSSocket>((resolve, reject) => {
      const s =
        tls !== undefined
          ? tlsConnect({ host: '127.0.0.1', port, rejectUnauthorized: false, ...tls }, () => resolve(s))
          : netConnect({ host: '127.0.0.1', port }, () => resolve(s));
      s.once('error', reject);
    });
    return new Pop3Client(socket);
  }

  /** A client over a socket the caller connected (e.g. from a chosen local address). */
  static wrap(socket: Socket | TLSSocket): Pop3Client {
    return new Pop3Client(socket);
  }

  /** Connects and reads the greeting, which must be +OK. */
  static async open(port: number, tls?: TlsOptions): Promise<Pop3Client> {
    const c = await Pop3Client.connect(port, tls);
    const greeting = await c.reply();
    if (!greeting.ok) throw new Error(`greeting: ${greeting.line}`);
    return c;
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

  get isClosed(): boolean {
    return this.closed;
  }

  /** Bytes received and not yet read as a response. */
  get pending(): string {
    return this.buffer;
  }

  write(data: string | Buffer): void {
    this.socket.write(data);
  }

  send(line: string): void {
    this.socket.write(`${line}\r\n`, 'latin1');
  }

  /** The next CRLF-terminated line (latin1, without CRLF), or throws after `ms` or on close. */
  async line(ms = 10_000): Promise<string> {
    const deadline = Date.now() + ms;
    for (;;) {
      const end = this.buffer.indexOf('\r\n');
      if (end >= 0) {
        const line = this.buffer.slice(0, end);
        this.buffer = this.buffer.slice(end + 2);
        return line;
      }
      if (this.closed) throw new Error(`connection closed; unread: ${JSON.stringify(this.buffer)}`);
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`no line within ${ms} ms; unread: ${JSON.stringify(this.buffer)}`);
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(t);
          resolve();
        });
      });
    }
  }

  /** A single-line response. */
  async reply(ms?: number): Promise<Pop3Reply> {
    const line = await this.line(ms);
    if (line.startsWith('+OK')) return { ok: true, text: line.slice(4), line };
    if (line.startsWith('-ERR')) return { ok: false, text: line.slice(5), line };
    if (line.startsWith('+ ') || line === '+') return { ok: true, text: line.slice(2), line };
    throw new Error(`not a POP3 status line: ${JSON.stringify(line)}`);
  }

  /** A multi-line response: the status line and, after +OK, the lines up to ".". */
  async multi(ms?: number): Promise<Pop3Multi> {
    const status = await this.reply(ms);
    if (!status.ok) return { ...status, lines: [], body: Buffer.alloc(0) };
    const lines: string[] = [];
    for (;;) {
      const l = await this.line(ms);
      if (l === '.') break;
      lines.push(l.startsWith('.') ? l.slice(1) : l);
    }
    const body = Buffer.from(lines.map((l) => `${l}\r\n`).join(''), 'latin1');
    return { ...status, lines, body };
  }

  async cmd(line: string): Promise<Pop3Reply> {
    this.send(line);
    return this.reply();
  }

  async cmdMulti(line: string): Promise<Pop3Multi> {
    this.send(line);
    return this.multi();
  }

  /** USER/PASS; returns the PASS response. */
  async login(user: string, password: string): Promise<Pop3Reply> {
    const u = await this.cmd(`USER ${user}`);
    if (!u.ok) return u;
    return this.cmd(`PASS ${password}`);
  }

  /** AUTH PLAIN with an initial response. */
  async authPlain(user: string, password: string): Promise<Pop3Reply> {
    return this.cmd(`AUTH PLAIN ${Buffer.from(`\0${user}\0${password}`, 'utf8').toString('base64')}`);
  }

  /** Upgrades the socket after the server's +OK to STLS. */
  async startTls(opts: TlsOptions = {}): Promise<{ protocol: string | null }> {
    this.socket.removeAllListeners('data');
    this.socket.removeAllListeners('close');
    this.buffer = '';
    const secure = await new Promise<TLSSocket>((resolve, reject) => {
      const s = tlsConnect({ socket: this.socket, rejectUnauthorized: false, ...opts }, () => resolve(s));
      s.once('error', reject);
    });
    this.socket = secure;
    this.attach(secure);
    return { protocol: secure.getProtocol() };
  }

  /** STLS and the handshake; throws when the server refuses. */
  async stls(opts: TlsOptions = {}): Promise<void> {
    const r = await this.cmd('STLS');
    if (!r.ok) throw new Error(`STLS refused: ${r.line}`);
    await this.startTls(opts);
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
