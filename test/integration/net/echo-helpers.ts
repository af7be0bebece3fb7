// Test helpers: a tiny line protocol served over the listener (echo, STARTTLS, WHO, QUIT) and a raw
// client that reads lines, both bounded by timeouts.
import { connect as netConnect, type Socket } from 'node:net';
import { connect as tlsConnect, type ConnectionOptions, type TLSSocket } from 'node:tls';
import type { Connection } from '../../../src/net/connection.js';
import { LineTooLongError } from '../../../src/net/errors.js';
import type { TlsServerOptions } from '../../../src/tls/context.js';

/** The echo protocol's session loop. Every loop is bounded by the client (QUIT) or by close. */
export function echoSession(tls: () => TlsServerOptions, seen: string[]): (conn: Connection) => Promise<void> {
  return async (conn) => {
    await conn.write('+OK ready\r\n');
    for (let i = 0; i < 1000; i++) {
      let line: string;
      try {
        line = await conn.reader.readLine({ maxLength: 100 });
      } catch (err) {
        if (err instanceof LineTooLongError) {
          await conn.write('-ERR line too long\r\n');
          continue;
        }
        return;
      }
      seen.push(line);
      if (line === 'STARTTLS') {
        await conn.upgradeToTls({ tls: tls(), response: '+OK begin TLS\r\n' });
      } else if (line === 'WHO') {
        const t = conn.tls;
        const who = t === null ? 'plain' : `${t.protocol} ${t.peer === null ? 'unverified' : t.peer.emails.join(',') + ' cn=' + (t.peer.commonName ?? '')}`;
        await conn.write(`+OK ${who}\r\n`);
      } else if (line === 'QUIT') {
        await conn.write('+OK bye\r\n');
        await conn.close();
        return;
      } else {
        await conn.write(`ECHO ${line}\r\n`);
      }
    }
  };
}

/** Reads CRLF lines from a socket. */
export class LineClient {
  private buf = '';
  private waiters: Array<() => void> = [];
  closed = false;

  constructor(readonly socket: Socket | TLSSocket) {
    this.listen(socket);
  }

  listen(s: Socket | TLSSocket): void {
    s.on('data', (d: Buffer) => {
      this.buf += d.toString('latin1');
      this.wake();
    });
    s.on('close', () => {
      this.closed = true;
      this.wake();
    });
    s.on('error', () => undefined);
  }

  private wake(): void {
    const w = this.waiters;
    this.waiters = [];
    for (const f of w) f();
  }

  /** The next line, or null if the connection closed first. Rejects after timeoutMs. */
  async line(timeoutMs = 5000): Promise<string | null> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const i = this.buf.indexOf('\r\n');
      if (i !== -1) {
        const l = this.buf.slice(0, i);
        this.buf = this.buf.slice(i + 2);
        return l;
      }
      if (this.closed) return null;
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`timed out waiting for a line; have ${JSON.stringify(this.buf)}`);
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(t);
          resolve();
        });
      });
    }
  }

  write(s: string): void {
    this.socket.write(s);
  }

  /** Starts TLS on this socket (after STARTTLS) and returns a client reading the TLS stream. */
  async startTls(opts: ConnectionOptions): Promise<LineClient> {
    this.socket.removeAllListeners('data');
    const t = tlsConnect({ socket: this.socket, ...opts });
    await new Promise<void>((resolve, reject) => {
      t.once('secureConnect', resolve);
      t.once('error', reject);
    });
    return new LineClient(t);
  }

  destroy(): void {
    this.socket.destroy();
  }
}

export function connectTcp(port: number, host = '127.0.0.1'): Promise<LineClient> {
  return new Promise((resolve, reject) => {
    const s = netConnect({ host, port }, () => resolve(new LineClient(s)));
    s.once('error', reject);
  });
}

export function connectUnix(path: string): Promise<LineClient> {
  return new Promise((resolve, reject) => {
    const s = netConnect({ path }, () => resolve(new LineClient(s)));
    s.once('error', reject);
  });
}

export function connectTls(port: number, opts: ConnectionOptions): Promise<LineClient> {
  return new Promise((resolve, reject) => {
    const s = tlsConnect({ host: '127.0.0.1', port, ...opts }, () => resolve(new LineClient(s)));
    s.once('error', reject);
  });
}
