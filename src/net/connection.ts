// One client connection over TCP, a Unix socket or TLS: a LineReader fed from the socket with
// backpressure, writes, idle timeout, graceful close, and STARTTLS that discards every plaintext byte
// still buffered and hands out a fresh reader (SPEC R5.2, seed 000, RFC 3207 §4.2, RFC 9051 §6.2.1), and
// COMPRESS=DEFLATE placed under the reader and the writes (RFC 4978, net/deflate-layer.ts).
import { randomBytes } from 'node:crypto';
import type { Socket } from 'node:net';
import { TLSSocket } from 'node:tls';
import { DeflateLayer } from './deflate-layer.js';
import { ConnectionClosedError } from './errors.js';
import { LineReader } from './line-reader.js';
import type { EndReason } from './end-reason.js';
import { silentLogger, type NetLogger } from './logger.js';
import { waitForHandshake } from './handshake.js';
import type { TlsServerOptions } from '../tls/context.js';
import { peerVerification, verifiedPeerIdentity, type PeerIdentity } from '../tls/peer-identity.js';

export interface TlsInfo {
  protocol: string;
  cipher: string;
  /** The verified client certificate identity, or null (none, or not verified: R5.4). */
  peer: PeerIdentity | null;
  /** Why a presented certificate did not verify (for logs), else null. */
  peerError: string | null;
}

export interface ConnectionOptions {
  transport: 'tcp' | 'unix';
  logger?: NetLogger;
  /** Unread bytes the reader holds before the socket is paused (default 64 KiB). */
  readerHighWaterMark?: number;
  /** After close(), destroy the socket if the peer has not closed within this time (default 5 s). */
  closeGraceMs?: number;
}

export interface StartTlsOptions {
  tls: TlsServerOptions;
  /** Written in the same tick, just before the reader is detached (e.g. `a OK Begin TLS`, `220 2.0.0 Ready`). */
  response?: string | Buffer;
  /** Default 30 s. */
  handshakeTimeoutMs?: number;
}

/** An IPv4-mapped IPv6 address is reported as plain IPv4, so per-IP limits and trusted networks match. */
export function normaliseAddress(addr: string | undefined): string {
  if (addr === undefined || addr === '') return 'unknown';
  const m = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(addr);
  return m?.[1] ?? addr;
}

export class Connection {
  readonly id = randomBytes(6).toString('hex');
  readonly transport: 'tcp' | 'unix';
  /** The peer IP, or 'unix' for a Unix-socket peer. */
  readonly remoteAddress: string;
  readonly remotePort: number;
  readonly localAddress: string;
  readonly localPort: number;
  /** Resolves once the socket has closed. */
  readonly whenClosed: Promise<void>;
  bytesRead = 0;
  bytesWritten = 0;
  /** When the connection was accepted (Date.now()): the logout line's duration. */
  readonly openedAt = Date.now();
  private endCause: EndReason | null = null;

  private socket: Socket;
  private currentReader: LineReader;
  private tlsInfo: TlsInfo | null = null;
  private upgrading = false;
  /** Set once COMPRESS=DEFLATE is active (RFC 4978): every byte in and out goes through it. */
  private deflate: DeflateLayer | null = null;
  private isClosed = false;
  private closing: Promise<void> | null = null;
  private drain: { socket: Socket; promise: Promise<void> } | null = null;
  private idleTimer: NodeJS.Timeout | null = null;
  private onIdle: (() => void) | undefined;
  private deadlineTimer: NodeJS.Timeout | null = null;
  private resolveClosed!: () => void;
  private readonly logger: NetLogger;
  private readonly highWaterMark: number;
  private readonly closeGraceMs: number;

  constructor(socket: Socket, opts: ConnectionOptions) {
    this.socket = socket;
    this.transport = opts.transport;
    this.logger = opts.logger ?? silentLogger;
    this.highWaterMark = opts.readerHighWaterMark ?? 64 * 1024;
    this.closeGraceMs = opts.closeGraceMs ?? 5000;
    const unix = opts.transport === 'unix';
    this.remoteAddress = unix ? 'unix' : normaliseAddress(socket.remoteAddress);
    this.remotePort = unix ? 0 : (socket.remotePort ?? 0);
    this.localAddress = unix ? 'unix' : normaliseAddress(socket.localAddress);
    this.localPort = unix ? 0 : (socket.localPort ?? 0);
    this.whenClosed = new Promise((resolve) => {
      this.resolveClosed = resolve;
    });
    this.currentReader = this.newReader();
    socket.on('error', this.onError);
    socket.on('close', this.onClose);
    this.attach(socket);
  }

  /** The current reader; after upgradeToTls() the old one rejects every read. */
  get reader(): LineReader {
    return this.currentReader;
  }

  get tls(): TlsInfo | null {
    return this.tlsInfo;
  }

  get closed(): boolean {
    return this.isClosed;
  }

  /** Notes why the session ends; the first cause noted wins (end-reason.ts). */
  noteEnd(reason: EndReason): void {
    this.endCause ??= reason;
  }

  /** Why the session ended: the first cause noted, else the client went away. */
  get endReason(): EndReason {
    return this.endCause ?? 'disconnected';
  }

  /**
   * Queues bytes; resolves when the socket can take more (await it for large responses). Never rejects.
   * Ignored once closing, and during a TLS handshake (nothing may be sent then).
   */
  write(data: string | Buffer): Promise<void> {
    if (this.isClosed || this.closing !== null || this.upgrading || this.socket.destroyed) return Promise.resolve();
    const buf = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
    this.bytesWritten += buf.length;
    if (this.deflate !== null) return this.deflate.write(buf);
    // The idle timer measures the client's activity, not ours: a write (an IDLE keep-alive, say) does not
    // refresh it; the client taking our output does ('drain', below) and so does its own input.
    if (this.socket.write(buf)) return Promise.resolve();
    return this.whenDrained();
  }

  /**
   * One wait for 'drain' shared by every write made while the socket's buffer is full: a client that
   * pipelines FETCHes of large bodies (mbsync) must not add a pair of listeners per write.
   */
  private whenDrained(): Promise<void> {
    const socket = this.socket;
    if (this.drain !== null && this.drain.socket === socket) return this.drain.promise;
    const promise = new Promise<void>((resolve) => {
      const done = (): void => {
        socket.off('drain', done);
        socket.off('close', done);
        if (this.drain?.socket === socket) this.drain = null;
        this.touch(); // the client took our output: it is active
        resolve();
      };
      socket.on('drain', done);
      socket.on('close', done);
    });
    this.drain = { socket, promise };
    return promise;
  }

  /** Ends the connection after queued writes are flushed; destroys it if the peer lingers. */
  close(): Promise<void> {
    if (this.closing !== null) return this.closing;
    this.clearTimers();
    this.currentReader.destroy();
    if (this.isClosed) {
      this.closing = Promise.resolve();
      return this.closing;
    }
    const grace = setTimeout(() => this.destroy(), this.closeGraceMs);
    grace.unref();
    const socket = this.socket;
    // RFC 4978: the compressed stream is finished (its last bytes flushed) before the socket ends.
    if (this.deflate !== null) void this.deflate.finish().then(() => socket.end());
    else socket.end();
    this.closing = this.whenClosed.then(() => clearTimeout(grace));
    return this.closing;
  }

  /** Closes at once, dropping queued writes. */
  destroy(): void {
    this.clearTimers();
    this.currentReader.destroy();
    this.deflate?.destroy();
    this.socket.destroy();
  }

  get compressed(): boolean {
    return this.deflate !== null;
  }

  /**
   * COMPRESS=DEFLATE (RFC 4978 §3): writes `response` (the tagged OK) uncompressed, then compresses every later
   * write and inflates every byte read, starting with those the reader already holds (the client compresses
   * from the byte after its command's CRLF). Call with no read pending. Once per connection.
   */
  startCompression(response: string | Buffer): void {
    if (this.deflate !== null) throw new Error('compression is already active on this connection');
    if (this.isClosed || this.closing !== null) return;
    void this.write(response);
    const pending = this.currentReader.takeBuffered();
    const layer = new DeflateLayer({
      deliver: (chunk) => this.currentReader.push(chunk),
      emit: (chunk) => this.socket.write(chunk),
      ended: () => this.currentReader.end(),
      failed: (err) => {
        this.logger.info({ conn: this.id, err: err.message }, 'invalid compressed data from the client');
        this.destroy();
      },
      pauseSocket: () => this.socket.pause(),
      resumeSocket: () => {
        if (!this.socket.destroyed) this.socket.resume();
      },
    });
    this.deflate = layer;
    this.socket.on('drain', () => {
      this.touch(); // the client took our output: it is active
      layer.resumeOutput();
    });
    for (const chunk of pending) layer.input(chunk);
    if (!this.socket.destroyed) this.socket.resume(); // a pause for the old reader's sake is the inflater's now
  }

  /**
   * Closes the connection ms from now whatever the traffic (a client that must log in within that time, however
   * slowly it drips bytes); onTimeout runs first and may write a last line. clearDeadline() lifts it.
   */
  setDeadline(ms: number, onTimeout: () => void): void {
    this.clearDeadline();
    if (ms <= 0 || this.isClosed) return;
    this.deadlineTimer = setTimeout(() => {
      this.deadlineTimer = null;
      this.noteEnd('login-timeout');
      this.logger.info({ conn: this.id, deadlineMs: ms }, 'deadline passed');
      try {
        onTimeout();
      } catch (err) {
        this.logger.error({ conn: this.id, err: (err as Error).message }, 'deadline handler failed');
      }
      void this.close();
    }, ms);
    this.deadlineTimer.unref();
  }

  clearDeadline(): void {
    if (this.deadlineTimer !== null) clearTimeout(this.deadlineTimer);
    this.deadlineTimer = null;
  }

  /**
   * Closes the connection after ms without traffic in either direction (0 disables). onTimeout runs first
   * and may write a last line (`* BYE Autologout`, `421 4.4.2 ...`).
   */
  setIdleTimeout(ms: number, onTimeout?: () => void): void {
    this.clearIdle();
    this.onIdle = onTimeout;
    if (ms <= 0 || this.isClosed) return;
    this.idleTimer = setTimeout(() => {
      this.idleTimer = null;
      this.noteEnd('idle-timeout');
      this.logger.info({ conn: this.id, idleMs: ms }, 'idle timeout');
      try {
        this.onIdle?.();
      } catch (err) {
        this.logger.error({ conn: this.id, err: (err as Error).message }, 'idle timeout handler failed');
      }
      void this.close();
    }, ms);
    this.idleTimer.unref();
  }

  /**
   * STARTTLS (R5.2): writes opts.response if given, retires the plaintext reader (dropping every byte it
   * holds and any byte the socket buffered), runs the server handshake on the same socket and returns a
   * fresh reader over the TLS stream. On failure the connection is destroyed and this rejects.
   */
  async upgradeToTls(opts: StartTlsOptions): Promise<LineReader> {
    if (this.tlsInfo !== null || this.upgrading) throw new Error('TLS is already active on this connection');
    if (this.isClosed || this.closing !== null) throw new ConnectionClosedError();
    const raw = this.socket;
    if (opts.response !== undefined) {
      const buf = typeof opts.response === 'string' ? Buffer.from(opts.response, 'utf8') : opts.response;
      this.bytesWritten += buf.length;
      raw.write(buf);
    }
    this.upgrading = true;
    this.detach(raw);
    raw.pause();
    let dropped = this.currentReader.bufferedLength;
    this.currentReader.destroy('reader replaced by STARTTLS');
    for (let i = 0; i < 1000 && raw.readableLength > 0; i++) {
      const b = raw.read() as Buffer | null;
      if (b === null) break;
      dropped += b.length;
    }
    if (dropped > 0) this.logger.warn({ conn: this.id, dropped }, 'discarded bytes sent before the TLS handshake');
    const tlsSocket = new TLSSocket(raw, {
      isServer: true,
      secureContext: opts.tls.secureContext,
      requestCert: opts.tls.requestCert,
      rejectUnauthorized: false,
    });
    tlsSocket.on('error', this.onError);
    tlsSocket.on('close', this.onClose);
    try {
      await waitForHandshake(tlsSocket, opts.handshakeTimeoutMs ?? 30_000);
    } catch (err) {
      this.upgrading = false;
      tlsSocket.destroy();
      raw.destroy();
      throw err;
    }
    const verification = opts.tls.requestCert ? peerVerification(tlsSocket) : { verified: false, error: null };
    this.tlsInfo = {
      protocol: tlsSocket.getProtocol() ?? 'unknown',
      cipher: tlsSocket.getCipher()?.name ?? 'unknown',
      peer: verification.verified ? verifiedPeerIdentity(tlsSocket) : null,
      peerError: verification.verified ? null : verification.error === 'no certificate' ? null : verification.error,
    };
    this.socket = tlsSocket;
    this.upgrading = false;
    this.currentReader = this.newReader();
    this.attach(tlsSocket);
    this.touch();
    return this.currentReader;
  }

  /** RFC 9266 tls-exporter channel binding (SCRAM-PLUS), only over TLS 1.3; else null. */
  tlsExporter(): Buffer | null {
    if (this.tlsInfo?.protocol !== 'TLSv1.3' || !(this.socket instanceof TLSSocket)) return null;
    return this.socket.exportKeyingMaterial(32, 'EXPORTER-Channel-Binding', Buffer.alloc(0));
  }

  private newReader(): LineReader {
    const reader: LineReader = new LineReader({
      highWaterMark: this.highWaterMark,
      onDrain: () => {
        if (reader !== this.currentReader || this.upgrading || this.socket.destroyed) return;
        if (this.deflate !== null) this.deflate.resumeInput();
        else this.socket.resume();
      },
    });
    return reader;
  }

  private attach(s: Socket): void {
    s.on('data', this.onData);
    s.on('end', this.onEnd);
  }

  private detach(s: Socket): void {
    s.off('data', this.onData);
    s.off('end', this.onEnd);
  }

  private touch(): void {
    this.idleTimer?.refresh();
  }

  private clearIdle(): void {
    if (this.idleTimer !== null) clearTimeout(this.idleTimer);
    this.idleTimer = null;
  }

  /** Both timers go when the connection ends; re-arming the idle timer leaves the deadline alone. */
  private clearTimers(): void {
    this.clearIdle();
    this.clearDeadline();
  }

  private readonly onData = (chunk: Buffer): void => {
    this.bytesRead += chunk.length;
    this.touch();
    if (this.deflate !== null) this.deflate.input(chunk);
    else if (!this.currentReader.push(chunk)) this.socket.pause();
  };

  private readonly onEnd = (): void => {
    if (this.deflate !== null) this.deflate.endInput();
    else this.currentReader.end();
  };

  private readonly onError = (err: Error & { code?: string }): void => {
    if (err.code !== 'ECONNRESET' && err.code !== 'EPIPE') this.noteEnd('error');
    this.logger.info({ conn: this.id, code: err.code ?? null, err: err.message }, 'connection error');
  };

  private readonly onClose = (): void => {
    if (this.isClosed) return;
    this.isClosed = true;
    this.clearTimers();
    this.currentReader.destroy();
    this.deflate?.destroy();
    this.resolveClosed();
  };
}
