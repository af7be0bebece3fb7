// TCP, Unix-socket and implicit-TLS listeners (SPEC R5.1, RFC 8314 §3.3) with global and per-IP
// connection limits (R11.2) and graceful close (R10.5). Protocols supply the refusal line and a handler.
import { chmodSync, lstatSync, unlinkSync } from 'node:fs';
import { connect, createServer, type Server, type Socket } from 'node:net';
import { addressKey } from './address-key.js';
import { Connection, normaliseAddress } from './connection.js';
import { silentLogger, type NetLogger } from './logger.js';
import type { TlsServerOptions } from '../tls/context.js';

export type ListenEndpoint =
  | { kind: 'tcp'; host: string; port: number }
  | { kind: 'unix'; path: string; mode?: number };

export type RefuseReason = 'global-limit' | 'per-ip-limit';

export interface ListenerOptions {
  /** For logs, e.g. 'imap', 'lmtp-unix'. */
  name: string;
  endpoint: ListenEndpoint;
  /** Implicit TLS: settings read for every handshake, so a TlsContextHolder reload applies at once. */
  implicitTls?: (() => TlsServerOptions) | undefined;
  maxConnections: number;
  /** Not applied to Unix-socket peers, which have no address. */
  maxConnectionsPerIp: number;
  /** Called for each accepted connection (after the handshake for implicit TLS). Errors are logged. */
  onConnection: (conn: Connection) => void | Promise<void>;
  /** The one line written before closing a refused connection, e.g. `* BYE Too many connections`. */
  onRefuse: (reason: RefuseReason) => string;
  logger?: NetLogger;
  handshakeTimeoutMs?: number;
  readerHighWaterMark?: number;
}

export interface Listener {
  readonly name: string;
  /** The bound TCP port (useful with port 0), or null for a Unix socket. */
  readonly port: number | null;
  readonly connectionCount: number;
  /** Whether the socket is bound and accepting (the health endpoint asks, issue 16 item 4). */
  readonly listening: boolean;
  /** Open connections (e.g. to send a shutdown notice). */
  connections(): Connection[];
  /** Stops accepting; waits up to graceMs (default 10 s; 0 = at once) for connections to end, then destroys them. */
  close(opts?: { graceMs?: number }): Promise<void>;
}

/** R10 Unix socket: remove a stale socket file, refuse to touch a live socket or a non-socket file. */
export async function prepareUnixPath(path: string): Promise<void> {
  let isSocket: boolean;
  try {
    isSocket = lstatSync(path).isSocket();
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw err;
  }
  if (!isSocket) throw new Error(`${path} exists and is not a socket`);
  const live = await new Promise<boolean>((resolve) => {
    const probe = connect(path);
    probe.once('connect', () => {
      probe.destroy();
      resolve(true);
    });
    probe.once('error', () => resolve(false));
  });
  if (live) throw new Error(`${path} is in use by a running server`);
  unlinkSync(path);
}

function listen(server: Server, endpoint: ListenEndpoint): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    const done = (): void => {
      server.off('error', reject);
      resolve();
    };
    if (endpoint.kind === 'tcp') server.listen({ host: endpoint.host, port: endpoint.port }, done);
    else server.listen({ path: endpoint.path }, done);
  });
}

export async function startListener(opts: ListenerOptions): Promise<Listener> {
  const logger = opts.logger ?? silentLogger;
  const transport = opts.endpoint.kind;
  const active = new Set<Connection>();
  const refused = new Set<Socket>();
  const perIp = new Map<string, number>();
  let stopping = false;

  const refuse = (socket: Socket, reason: RefuseReason, remote: string): void => {
    logger.warn({ listener: opts.name, remote, reason }, 'connection refused');
    refused.add(socket);
    socket.once('close', () => refused.delete(socket));
    const timer = setTimeout(() => socket.destroy(), 2000);
    timer.unref();
    if (opts.implicitTls !== undefined) {
      // A cleartext line means nothing on a TLS port, and a handshake per refusal is what a flood wants.
      socket.destroy();
      return;
    }
    let line = '';
    try {
      line = opts.onRefuse(reason);
    } catch (err) {
      logger.error({ listener: opts.name, err: (err as Error).message }, 'onRefuse failed');
    }
    socket.end(line.endsWith('\r\n') || line === '' ? line : `${line}\r\n`);
  };

  const dispatch = (conn: Connection): void => {
    const fail = (err: unknown): void => {
      logger.error({ listener: opts.name, conn: conn.id, err: (err as Error)?.message }, 'connection handler failed');
      conn.destroy();
    };
    try {
      const r = opts.onConnection(conn);
      if (r instanceof Promise) r.catch(fail);
    } catch (err) {
      fail(err);
    }
  };

  const server = createServer({ noDelay: true, keepAlive: true, keepAliveInitialDelay: 60_000 }, (socket) => {
    socket.on('error', () => undefined);
    if (stopping) {
      socket.destroy();
      return;
    }
    const remote = transport === 'unix' ? 'unix' : normaliseAddress(socket.remoteAddress);
    // R11.2: counted per client, not per address: an IPv6 client by its /64 (net/address-key.ts).
    const key = transport === 'unix' ? 'unix' : addressKey(remote);
    if (active.size >= opts.maxConnections) return refuse(socket, 'global-limit', remote);
    if (transport === 'tcp' && (perIp.get(key) ?? 0) >= opts.maxConnectionsPerIp) {
      return refuse(socket, 'per-ip-limit', remote);
    }
    const conn = new Connection(socket, {
      transport,
      logger,
      ...(opts.readerHighWaterMark !== undefined ? { readerHighWaterMark: opts.readerHighWaterMark } : {}),
    });
    active.add(conn);
    perIp.set(key, (perIp.get(key) ?? 0) + 1);
    void conn.whenClosed.then(() => {
      active.delete(conn);
      const n = (perIp.get(key) ?? 1) - 1;
      if (n <= 0) perIp.delete(key);
      else perIp.set(key, n);
    });
    if (opts.implicitTls === undefined) return dispatch(conn);
    let tls: TlsServerOptions;
    try {
      tls = opts.implicitTls();
    } catch (err) {
      logger.error({ listener: opts.name, err: (err as Error).message }, 'no TLS settings');
      conn.destroy();
      return;
    }
    conn.upgradeToTls({ tls, handshakeTimeoutMs: opts.handshakeTimeoutMs ?? 30_000 }).then(
      () => dispatch(conn),
      (err: Error & { code?: string | null }) => {
        logger.warn({ listener: opts.name, conn: conn.id, remote, code: err.code ?? null, err: err.message }, 'TLS handshake failed');
        conn.destroy();
      },
    );
  });
  server.on('error', (err) => logger.error({ listener: opts.name, err: err.message }, 'listener error'));

  if (opts.endpoint.kind === 'unix') await prepareUnixPath(opts.endpoint.path);
  await listen(server, opts.endpoint);
  if (opts.endpoint.kind === 'unix') chmodSync(opts.endpoint.path, opts.endpoint.mode ?? 0o660);
  const addr = server.address();
  const port = typeof addr === 'object' && addr !== null ? addr.port : null;
  logger.info({ listener: opts.name, port, path: opts.endpoint.kind === 'unix' ? opts.endpoint.path : undefined }, 'listening');

  let closing: Promise<void> | null = null;
  const close = async (graceMs: number): Promise<void> => {
    stopping = true;
    const serverClosed = new Promise<void>((resolve) => server.close(() => resolve()));
    const all = (): Promise<unknown> => Promise.all([...active].map((c) => c.whenClosed));
    if (graceMs > 0 && active.size > 0) {
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([all(), new Promise((r) => (timer = setTimeout(r, graceMs)))]);
      clearTimeout(timer);
    }
    for (const c of active) c.destroy();
    for (const s of refused) s.destroy();
    await all();
    await serverClosed;
    if (opts.endpoint.kind === 'unix') {
      try {
        if (lstatSync(opts.endpoint.path).isSocket()) unlinkSync(opts.endpoint.path);
      } catch {
        // Already removed by the server.
      }
    }
    logger.info({ listener: opts.name }, 'listener closed');
  };

  return {
    name: opts.name,
    port,
    get connectionCount() {
      return active.size;
    },
    get listening() {
      return server.listening && !stopping;
    },
    connections: () => [...active],
    close: (o) => (closing ??= close(o?.graceMs ?? 10_000)),
  };
}
