// The LMTP service (RFC 2033, SPEC R1): builds the settings and DNS resolver once, runs a session per
// connection, refuses connections over the limits with 421, and on shutdown lets deliveries in flight
// finish while idle sessions are told 421 and closed (R10.5).
import { Resolver } from 'node:dns/promises';
import type { Config, ListenerConfig } from '../config/load.js';
import { sessionLogger } from '../log/logger.js';
import { logSessionEnd, logSessionStart } from '../log/session-events.js';
import type { Connection } from '../net/connection.js';
import { NetworkSet } from '../net/networks.js';
import { SessionRegistry } from '../net/session-registry.js';
import type { ProtocolService, ServiceDeps } from '../service.js';
import type { LmtpServices, LmtpSettings } from './context.js';
import { formatReply, R } from './replies.js';
import { LmtpSession } from './session.js';
import type { SessionFacts } from './state.js';
import type { DnsResolver } from '../delivery/verify.js';

export function lmtpSettings(config: Config): LmtpSettings {
  return {
    hostname: config.hostname,
    authservId: config.authservId,
    hideAuthservId: config.hideAuthservId,
    internalIds: config.admdInternalIds,
    removeForeignResults: config.removeForeignResults,
    requireTlsOnUnixSocket: config.requireTlsOnUnixSocket,
    allowPlaintextWithoutTls: config.auth.allowPlaintextWithoutTls,
    maxMessageBytes: config.limits.maxMessageBytes,
    maxHeaderBytes: config.limits.maxHeaderBytes,
    maxRecipients: config.limits.maxRecipients,
    maxLineLength: Math.min(config.limits.maxLineLength, 4096), // RFC 5321 §4.5.3.1.4 asks 512; be generous
    maxBadCommands: config.limits.maxBadCommands,
    idleMs: config.limits.lmtpIdleSeconds * 1000,
    recipientDelimiter: config.lmtp.recipientDelimiter,
    detailMailbox: config.lmtp.detailMailbox,
    quotaFullTempfail: config.lmtp.quotaFullTempfail,
    verify: config.lmtp.verify,
    dnsTimeoutMs: config.lmtp.dnsTimeoutMs,
    trustReceived: config.lmtp.trustReceived,
    relayUsers: config.lmtp.relayUsers,
  };
}

/** The system resolver, or the configured servers, with a per-query timeout (R2.3). */
export function systemResolver(config: Config): DnsResolver {
  const resolver = new Resolver({ timeout: config.lmtp.dnsTimeoutMs, tries: 2 });
  if (config.lmtp.dnsServers.length > 0) resolver.setServers(config.lmtp.dnsServers);
  return (name, rrtype) => resolver.resolve(name, rrtype);
}

export function createLmtpService(deps: ServiceDeps): ProtocolService {
  const settings = lmtpSettings(deps.config);
  const services: LmtpServices = {
    settings,
    store: deps.store,
    authenticator: deps.authenticator,
    resolver: deps.resolver,
    logger: deps.logger,
    spool: deps.spool,
    metrics: deps.metrics,
  };
  let trusted = new NetworkSet(deps.config.trustedNetworks);
  const sessions = new SessionRegistry();

  return {
    async serve(conn: Connection, listener: ListenerConfig): Promise<void> {
      const tlsInfo = conn.tls;
      const facts: SessionFacts = {
        transport: conn.transport,
        remoteAddress: conn.remoteAddress,
        startTlsAvailable: listener.tls === 'starttls',
        requireTls: listener.requireTls,
        trustedNetwork: conn.transport === 'unix' || trusted.has(conn.remoteAddress),
        tls: tlsInfo ? { protocol: tlsInfo.protocol, cipher: tlsInfo.cipher } : null,
        peer: tlsInfo?.peer ?? null,
        auth: null,
        xforward: { addr: null, helo: null, name: null, ident: null },
      };
      const log = sessionLogger(deps.logger, 'lmtp', conn.id, conn.remoteAddress);
      logSessionStart(log, { transport: conn.transport, tls: facts.tls !== null, trusted: facts.trustedNetwork });
      const session = new LmtpSession(conn, services, facts, deps.tls, log, sessions.enter(conn));
      try {
        await session.run();
      } finally {
        sessions.leave(conn);
        logSessionEnd(log, conn, facts.auth?.user ?? null);
      }
    },
    refusal: () => formatReply(R.tooManyConnections(settings.hostname)),
    reconfigure(config: Config): void {
      Object.assign(settings, lmtpSettings(config)); // sessions read services.settings
      trusted = new NetworkSet(config.trustedNetworks);
    },
    async shutdown(): Promise<void> {
      // Sessions waiting for a command are told now; busy ones finish their delivery and then see the flag.
      await sessions.shutdown(formatReply(R.shuttingDown(settings.hostname)));
    },
  };
}
