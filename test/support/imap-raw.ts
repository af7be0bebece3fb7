// A raw IMAP client for tests (SPEC R3.4 transcripts and races): sends commands, waits for tagged replies
// (literal-aware), and keeps every octet the server ever sent on the socket, so that a test can assert what a
// cleartext connection never received.
import { connect as tcpConnect, type Socket } from 'node:net';
import { connect as tlsConnect } from 'node:tls';

export interface RawReply {
  /** Untagged octets before the tagged line. */
  untagged: string;
  /** The tagged line (without CRLF), or null when the connection closed first. */
  tagged: string | null;
}

export class RawImap {
  /** Everything received on this socket, in order (latin1); `received` joins them. */
  private readonly chunks: string[] = [];
  /** Received and not yet consumed by a reply. */
  private buf = '';
  private closed = false;
  private wake: (() => void) | null = null;
  private n = 0;

  private constructor(private readonly sock: Socket) {
    sock.on('data', (d: Buffer) => {
      const text = d.toString('latin1');
      this.chunks.push(text);
      this.buf += text;
      this.wake?.();
    });
    sock.on('close', () => {
      this.closed = true;
      this.wake?.();
    });
    sock.on('error', () => undefined);
  }

  static async open(port: number, tls = false): Promise<RawImap> {
    const sock = tls ? tlsConnect({ host: '127.0.0.1', port, rejectUnauthorized: false }) : tcpConnect({ host: '127.0.0.1', port });
    await new Promise<void>((resolve, reject) => {
      sock.once(tls ? 'secureConnect' : 'connect', () => resolve());
      sock.once('error', reject);
    });
    const c = new RawImap(sock);
    await c.untilLine((l) => l.startsWith('* OK'));
    return c;
  }

  /** Everything received on this socket so far, byte for byte (latin1). */
  get received(): string {
    return this.chunks.join('');
  }

  get isClosed(): boolean {
    return this.closed;
  }

  private async more(ms: number): Promise<void> {
    if (this.closed) throw new Error('connection closed');
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.wake = null;
        reject(new Error('timed out waiting for the server'));
      }, ms);
      this.wake = () => {
        clearTimeout(timer);
        this.wake = null;
        resolve();
      };
    });
  }

  /** Consumes lines (skipping literals) until one satisfies `done`; null when the connection closes first. */
  async untilLine(done: (line: string) => boolean, ms = 20_000): Promise<{ before: string; line: string | null }> {
    let pos = 0;
    for (;;) {
      const eol = this.buf.indexOf('\r\n', pos);
      if (eol < 0) {
        if (this.closed) return this.consume(this.buf.length, null);
        await this.more(ms);
        continue;
      }
      const line = this.buf.slice(pos, eol);
      if (done(line)) {
        const before = this.buf.slice(0, pos);
        this.buf = this.buf.slice(eol + 2);
        return { before, line };
      }
      const lit = /\{(\d+)\}$/.exec(line);
      const next = eol + 2 + (lit ? Number(lit[1]) : 0);
      while (this.buf.length < next) {
        if (this.closed) return this.consume(this.buf.length, null);
        await this.more(ms);
      }
      pos = next;
    }
  }

  private consume(end: number, line: string | null): { before: string; line: string | null } {
    const before = this.buf.slice(0, end);
    this.buf = this.buf.slice(end);
    return { before, line };
  }

  nextTag(): string {
    return `t${++this.n}`;
  }

  /** Writes raw octets (several commands in one packet for pipelining). */
  write(data: string | Buffer): void {
    if (!this.closed) this.sock.write(data);
  }

  /** Sends one command and waits for its tagged reply (or the end of the connection). */
  async cmd(command: string, ms?: number): Promise<RawReply> {
    const tag = this.nextTag();
    this.write(`${tag} ${command}\r\n`);
    return this.reply(tag, ms);
  }

  /** Waits for the tagged reply of `tag`. */
  async reply(tag: string, ms?: number): Promise<RawReply> {
    const { before, line } = await this.untilLine((l) => l.startsWith(`${tag} `), ms);
    return { untagged: before, tagged: line };
  }

  close(): void {
    this.sock.destroy();
  }
}
