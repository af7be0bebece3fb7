// The IMAP service (RFC 9051, SPEC R7): settings built once, a session per connection, `* BYE` for
// connections over the limits, per-user connection counting, and `* BYE` to every session on shutdown.
import type { Config, ListenerConfig } from '../config/load.js';
import { sessionLogger } from '../log/logger.js';
import { logSessionEnd, logSessionStart } from '../log/session-events.js';
import type { Connection } from '../net/connection.js';
import type { ProtocolService, ServiceDeps } from '../service.js';
import type { ImapServices, ImapSettings } from './context.js';
import { RenderCache } from './fetch/render-cache.js';
import { ThreadCache } from './sort/thread-cache.js';
import { ImapSession } from './session.js';

/** IDLE keep-alive interval (Dovecot's imap_idle_notify_interval): below every NAT timeout in common use. */
const IDLE_KEEPALIVE_MS = 2 * 60 * 1000;

/** Memory for rendered ENVELOPE/BODYSTRUCTURE items: about 30,000 typical messages. */
const RENDER_CACHE_BYTES = 32 * 1024 * 1024;
/** THREAD answers kept: a few octets per message (ThreadCache). */
const THREAD_CACHE_MESSAGES = 500_000;
import type { ConnectionFacts } from './state.js';

export function imapSettings(config: Config): ImapSettings {
  return {
    hostname: config.hostname,
    authservId: config.authservId,
    allowPlaintextWithoutTls: config.auth.allowPlaintextWithoutTls,
    maxLineLength: config.limits.maxLineLength,
    maxLiteralBytes: config.limits.maxLiteralBytes,
    maxMessageBytes: config.limits.maxMessageBytes,
    maxBadCommands: config.limits.maxBadCommands,
    idleMs: config.limits.imapIdleSeconds * 1000,
    preAuthIdleMs: config.limits.preAuthIdleSeconds * 1000,
    loginDeadlineMs: config.limits.loginDeadlineSeconds * 1000,
    idleKeepaliveMs: IDLE_KEEPALIVE_MS,
    preAuthLineLength: Math.min(config.limits.preAuthLineLength, config.limits.maxLineLength),
    preAuthLiteralBytes: Math.min(config.limits.preAuthLiteralBytes, config.limits.maxLiteralBytes),
    maxConnectionsPerUser: config.limits.maxConnectionsPerUser,
  };
}

/** `overrides` lets tests shorten timers; the composition root passes only deps. */
export function createImapService(deps: ServiceDeps, overrides: Partial<ImapSettings> = {}): ProtocolService {
  const services: ImapServices = {
    settings: { ...imapSettings(deps.config), ...overrides },
    store: deps.store,
    authenticator: deps.authenticator,
    logger: deps.logger,
    userSessions: new Map(),
    renderCache: new RenderCache(RENDER_CACHE_BYTES),
    threadCache: new ThreadCache(THREAD_CACHE_MESSAGES),
    spool: deps.spool,
    metrics: deps.metrics,
    live: deps.live,
  };
  const open = new Set<Connection>();
  let shuttingDown = false;

  return {
    async serve(conn: Connection, listener: ListenerConfig): Promise<void> {
      const tlsInfo = conn.tls;
      const facts: ConnectionFacts = {
        remoteAddress: conn.remoteAddress,
        startTlsAvailable: listener.tls === 'starttls',
        requireTls: listener.requireTls,
        tls: tlsInfo ? { protocol: tlsInfo.protocol, cipher: tlsInfo.cipher } : null,
        peer: tlsInfo?.peer ?? null,
        auth: null,
        compressed: false,
      };
      const log = sessionLogger(deps.logger, 'imap', conn.id, conn.remoteAddress);
      logSessionStart(log, { tls: facts.tls !== null });
      open.add(conn);
      const session = new ImapSession(conn, services, facts, deps.tls, log, () => shuttingDown);
      try {
        await session.run();
      } finally {
        open.delete(conn);
        const userId = facts.auth?.userId;
        if (userId !== undefined) {
          const n = (services.userSessions.get(userId) ?? 1) - 1;
          if (n <= 0) services.userSessions.delete(userId);
          else services.userSessions.set(userId, n);
        }
        logSessionEnd(log, conn, facts.auth?.user ?? null);
      }
    },
    refusal: () => '* BYE Too many connections, try again later\r\n',
    reconfigure(config: Config): void {
      Object.assign(services.settings, imapSettings(config), overrides); // sessions read services.settings
    },
    async shutdown(): Promise<void> {
      shuttingDown = true;
      await Promise.all(
        [...open].map(async (conn) => {
          conn.noteEnd('shutdown');
          await conn.write('* BYE Server shutting down\r\n');
          await conn.close();
        }),
      );
    },
  };
}
