// The POP3 service (RFC 1939, SPEC R8): POP3 with STLS and POP3S listeners, the settings and the maildrop
// locks shared by all sessions, refusal of connections over the limits, and on shutdown idle sessions are
// told and closed without entering UPDATE (R10.5) while busy ones finish their command.
import type { Config, ListenerConfig } from '../config/load.js';
import { sessionLogger } from '../log/logger.js';
import { logSessionEnd, logSessionStart } from '../log/session-events.js';
import type { Connection } from '../net/connection.js';
import { SessionRegistry } from '../net/session-registry.js';
import type { ProtocolService, ServiceDeps } from '../service.js';
import type { Pop3Services, Pop3Settings } from './context.js';
import { MaildropLocks } from './locks.js';
import { formatResponse, R } from './responses.js';
import { Pop3Session } from './session.js';
import type { SessionFacts } from './state.js';

export function pop3Settings(config: Config): Pop3Settings {
  return {
    hostname: config.hostname,
    authservId: config.authservId,
    allowPlaintextWithoutTls: config.auth.allowPlaintextWithoutTls,
    // RFC 2449 §4 asks 255 octets of a command line and clients keep to it; AUTH lines may be longer.
    maxLineLength: Math.min(config.limits.maxLineLength, 4096),
    maxBadCommands: config.limits.maxBadCommands,
    idleMs: config.limits.pop3IdleSeconds * 1000,
    preAuthIdleMs: config.limits.preAuthIdleSeconds * 1000,
    loginDeadlineMs: config.limits.loginDeadlineSeconds * 1000,
    saslLineLength: config.limits.preAuthLineLength,
    retrChunkBytes: 256 * 1024,
  };
}

/** `overrides` lets tests shorten timers; the composition root passes only deps. */
export function createPop3Service(deps: ServiceDeps, overrides: Partial<Pop3Settings> = {}): ProtocolService {
  const services: Pop3Services = {
    settings: { ...pop3Settings(deps.config), ...overrides },
    store: deps.store,
    authenticator: deps.authenticator,
    locks: new MaildropLocks(deps.store),
    logger: deps.logger,
    metrics: deps.metrics,
    live: deps.live,
  };
  const sessions = new SessionRegistry();

  return {
    async serve(conn: Connection, listener: ListenerConfig): Promise<void> {
      const tlsInfo = conn.tls;
      const facts: SessionFacts = {
        sid: conn.id,
        remoteAddress: conn.remoteAddress,
        stlsAvailable: listener.tls === 'starttls',
        requireTls: listener.requireTls,
        tls: tlsInfo ? { protocol: tlsInfo.protocol, cipher: tlsInfo.cipher } : null,
        peer: tlsInfo?.peer ?? null,
        utf8: false,
      };
      const log = sessionLogger(deps.logger, 'pop3', conn.id, conn.remoteAddress);
      logSessionStart(log, { transport: conn.transport, tls: facts.tls !== null });
      const session = new Pop3Session(conn, services, facts, deps.tls, log, sessions.enter(conn));
      try {
        await session.run();
      } finally {
        sessions.leave(conn);
        logSessionEnd(log, conn, session.user);
      }
    },
    refusal: () => formatResponse(R.tooManyConnections()),
    reconfigure(config: Config): void {
      Object.assign(services.settings, pop3Settings(config), overrides); // sessions read services.settings
    },
    async shutdown(): Promise<void> {
      await sessions.shutdown(formatResponse(R.shuttingDown()));
    },
  };
}
