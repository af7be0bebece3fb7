// Composition root (ARCHITECTURE.md): config → logger → certificate → store → authenticator → listeners;
// SIGHUP and `postern reload` re-read the configuration and the certificate (R5.5, issue 16 item 6), the admin
// socket serves `postern who|kick|reload` (issue 16 item 5), SIGTERM shuts down gracefully (R10.5).
import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { hostPort } from './config/host-port.js';
import { startAdminSocket, type AdminSocket } from './admin/server.js';
import type { AdminRequest, AdminResponse } from './admin/protocol.js';
import { ConfigError, loadConfig, type Config, type ListenerConfig } from './config/load.js';
import { planReload } from './config/reload-plan.js';
import { LiveSessions } from './net/live-sessions.js';
import { privatePaths } from './files/at-rest.js';
import { describeWideMode, ensurePrivateDir, findWideModes, octal } from './files/private-files.js';
import type { Logger } from './log/logger.js';
import { startListener, type Listener } from './net/listener.js';
import type { DnsResolver } from './delivery/verify.js';
import { createImapService } from './imap/server.js';
import { createLmtpService, systemResolver } from './lmtp/server.js';
import { createPop3Service } from './pop3/server.js';
import { startMetricsEndpoint } from './metrics/endpoint.js';
import type { MetricsServer } from './metrics/http-server.js';
import { Metrics } from './metrics/metrics.js';
import type { ProtocolFactory, ProtocolName, ProtocolService, ServiceDeps } from './service.js';
import { Authenticator } from './sasl/authenticator.js';
import { DEFAULT_SCRAM_ITERATIONS } from './sasl/passwords.js';
import { Spool } from './net/spool.js';
import { openStore, type ConfiguredStore, type StoreFault } from './store/open.js';
import { SqliteStore } from './store/sqlite/sqlite-store.js';
import { ensureServerCertificate } from './tls/certificate-files.js';
import { TlsContextHolder } from './tls/context.js';

/** The protocol servers in this build; a configured listener of another protocol is reported, not started. */
const PROTOCOLS: Partial<Record<ProtocolName, ProtocolFactory>> = {
  lmtp: createLmtpService,
  imap: createImapService,
  pop3: createPop3Service,
};

/** What the log says when the store's background work fails. */
const STORE_FAULTS: Record<StoreFault, string> = {
  'text index': 'full-text indexer failed; searches index on demand',
  ingest: 'ingest writer thread failed; writing inline',
  feed: "looking for other processes' changes failed",
};

/** Thrown for a metric the PostgreSQL store does not measure; not reported as a failure. */
class NotMeasured extends Error {}

const CERT_WARN_DAYS = 14;
const CERT_CHECK_INTERVAL_MS = 6 * 3600 * 1000;

export interface RunningServer {
  /** The configured store (SQLite: operations and tests use check() and backup() beside the Store use cases). */
  readonly store: ConfiguredStore;
  readonly listeners: ReadonlyArray<{ config: ListenerConfig; listener: Listener }>;
  readonly tls: TlsContextHolder;
  /** What the sessions counted, and the /metrics and /health listener when `metrics.listen` is set (issue 16 item 4). */
  readonly metrics: Metrics;
  readonly metricsEndpoint: MetricsServer | null;
  /** The logged-in IMAP and POP3 sessions (issue 16 item 5). */
  readonly live: LiveSessions;
  /** Re-reads the configuration file and applies what can change live (issue 16 item 6). */
  reload(): ReloadReport;
  /** Stops accepting, lets sessions finish for up to graceMs, closes the store. Idempotent. */
  close(graceMs?: number): Promise<void>;
}

function tlsFiles(config: Config, logger: Logger): { certFile: string; keyFile: string; clientCaFile?: string } {
  const clientCa = config.tls.clientCa === undefined ? {} : { clientCaFile: config.tls.clientCa };
  if (config.tls.cert !== undefined && config.tls.key !== undefined) {
    return { certFile: config.tls.cert, keyFile: config.tls.key, ...clientCa };
  }
  const files = ensureServerCertificate(config.tls.certDir, config.hostname);
  if (files.generated) {
    logger.warn(
      { cert: files.certFile, fingerprint256: files.fingerprint256 },
      'generated a self-signed certificate; configure tls.cert and tls.key for clients to trust this server',
    );
  }
  return { certFile: files.certFile, keyFile: files.keyFile, ...clientCa };
}

function describe(l: ListenerConfig): string {
  return 'path' in l ? `${l.protocol} unix:${l.path}` : `${l.protocol} ${l.address}:${l.port} (${l.tls})`;
}

/** What a reload did: refused (the old configuration stays), or the keys applied and those needing a restart. */
export type ReloadReport = { ok: true; applied: string[]; needsRestart: string[] } | { ok: false; error: string };

export interface ServerOverrides {
  /** DNS for verification at ingest; tests pass a stub resolver. */
  resolver?: DnsResolver;
}

export async function startServer(config: Config, logger: Logger, overrides: ServerOverrides = {}): Promise<RunningServer> {
  const tls = new TlsContextHolder(tlsFiles(config, logger), logger);
  ensurePrivateDir(dirname(config.store.path)); // issue 12 hole 16: 0700 when created here
  // Issue 18 item 1: store.backend picks SQLite (the default) or PostgreSQL; the URL (and its password) is never logged.
  const store = await openStore(config, {
    serving: true,
    maxLargeBodies: config.limits.maxConcurrentLargeBodies,
    onError: (err, what) => logger.error({ err: err.message }, STORE_FAULTS[what]),
  });
  if (config.store.backend === 'postgres') logger.info({ backend: 'postgres' }, 'store: PostgreSQL');
  const metrics = new Metrics();
  if (config.auth.scramIterations < DEFAULT_SCRAM_ITERATIONS) {
    // Issue 17 item 1: below the default, SCRAM keys are the cheap verifier to attack beside the scrypt hash.
    logger.warn(
      { scramIterations: config.auth.scramIterations, recommended: DEFAULT_SCRAM_ITERATIONS },
      'auth.scramIterations is below the cost of the scrypt hash: stored SCRAM keys are the cheaper verifier to attack (docs/security.md "Stored verifiers")',
    );
  }
  const authenticator = new Authenticator({
    onSettled: (a) => metrics.login(a.protocol, a.mechanism, a.ok),
    // Issue 16 item 7: a disabled account answers as a wrong password does (Dovecot's nologin without a reason):
    // a distinct answer would tell whoever guesses the password that it is right.
    lookup: async (name) => {
      const user = await store.findUser(name);
      if (user?.disabled !== true) return user;
      logger.info({ user: user.name }, 'login attempt to a disabled account');
      return null;
    },
    logger,
    failureDelayMs: config.auth.failureDelayMs,
    maxFailuresPerIp: config.auth.maxFailuresPerIp,
    maxFailuresPerUser: config.auth.maxFailuresPerUser,
    maxFailuresPerUserGlobal: config.auth.maxFailuresPerUserGlobal,
    windowMs: config.auth.failureWindowSeconds * 1000,
    scramIterations: config.auth.scramIterations,
    // Issue 17 item 1: credentials made at an older cost are made again at the current one when a password proves right.
    replaceCredentials: (userId, current, next) => store.replaceCredentials(userId, current, next),
    // R6.4: an unknown name's SCRAM count is drawn from those real accounts hold, so the count tells nothing.
    scramIterationCounts: () => store.scramIterationCounts(),
    verifiedCache: { entries: config.auth.cacheEntries, ttlMs: config.auth.cacheSeconds * 1000 },
  });
  const resolver = overrides.resolver ?? systemResolver(config);
  // Issue 12 hole 16: files made by an older version or copied in with the umask's modes are reported, not
  // changed behind the administrator's back; `postern check --repair` tightens them.
  for (const wide of findWideModes(privatePaths(config))) {
    logger.warn({ path: wide.path, mode: octal(wide.mode) }, `${describeWideMode(wide)}; run \`postern check --repair\``);
  }
  // Issue 12 item 13: large bodies wait in files beside the store, not in memory; leftovers of a crash go.
  const spool = new Spool(join(dirname(config.store.path), 'spool'), config.limits.smallBodyBytes);
  spool.prepare();
  const live = new LiveSessions();
  const deps: ServiceDeps = { config, logger, store, tls, authenticator, resolver, spool, metrics, live };
  const services = new Map<string, ProtocolService>();
  const listeners: Array<{ config: ListenerConfig; listener: Listener }> = [];
  let metricsEndpoint: MetricsServer | null = null;
  let closing: Promise<void> | undefined;

  try {
    for (const lc of config.listeners) {
      const factory = PROTOCOLS[lc.protocol];
      if (!factory) {
        logger.warn({ listener: describe(lc) }, `not started: the ${lc.protocol.toUpperCase()} server is not part of this build`);
        continue;
      }
      let service = services.get(lc.protocol);
      if (!service) {
        service = factory(deps);
        services.set(lc.protocol, service);
      }
      const serving = service;
      if ('path' in lc) mkdirSync(dirname(lc.path), { recursive: true });
      const listener = await startListener({
        name: describe(lc),
        endpoint: 'path' in lc ? { kind: 'unix', path: lc.path, mode: parseInt(lc.mode, 8) } : { kind: 'tcp', host: lc.address, port: lc.port },
        implicitTls: lc.tls === 'implicit' ? tls.provider : undefined,
        maxConnections: config.limits.maxConnections,
        maxConnectionsPerIp: config.limits.maxConnectionsPerIp,
        onConnection: async (conn) => {
          metrics.connectionOpened(lc.protocol);
          try {
            await serving.serve(conn, lc);
          } finally {
            metrics.connectionClosed(lc.protocol);
          }
        },
        onRefuse: (reason) => serving.refusal(reason),
        logger,
      });
      listeners.push({ config: lc, listener });
    }
    if (config.metrics !== undefined) {
      const { host, port } = hostPort(config.metrics.listen);
      metricsEndpoint = await startMetricsEndpoint({ host, port }, metrics, {
        storeSize: () => {
          if (!(store instanceof SqliteStore)) throw new NotMeasured('store size');
          return store.size();
        },
        textIndexBacklog: () => {
          if (!(store instanceof SqliteStore)) throw new NotMeasured('text-index backlog');
          const b = store.textIndexBacklog();
          return Math.max(0, b.stored - b.indexed);
        },
        pingStore: () => store.ping(),
        listeners: () => listeners.map(({ listener }) => ({ name: listener.name, listening: listener.listening })),
        shuttingDown: () => closing !== undefined,
        onError: (err, what) => {
          if (!(err instanceof NotMeasured)) logger.error({ err: err.message }, `metrics: ${what} failed`);
        },
      });
      logger.info({ listener: 'metrics', address: host, port: metricsEndpoint.port }, 'listening');
    }
  } catch (err) {
    await metricsEndpoint?.close();
    await Promise.all(listeners.map(({ listener }) => listener.close({ graceMs: 0 })));
    await store.close();
    throw err;
  }

  /**
   * Issue 16 item 6: an invalid file is refused with its reason and nothing changes; otherwise the live keys are
   * applied (compared with the configuration the server started with, so a pending restart stays named).
   */
  const reload = (): ReloadReport => {
    if (config.source === null) return { ok: false, error: 'the server was started without a configuration file' };
    let next: Config;
    try {
      next = loadConfig({ home: config.home, file: config.source });
    } catch (err) {
      const error = err instanceof ConfigError ? err.message : err instanceof Error ? err.message : String(err);
      logger.error({ err: error }, 'configuration reload refused; keeping the running configuration');
      return { ok: false, error };
    }
    const cert = tls.reload(tlsFiles(next, logger));
    if (!cert.ok) return { ok: false, error: `configuration reload refused: ${cert.error.message}` };
    const plan = planReload(config, next);
    logger.level = next.log.level; // new sessions' loggers; open sessions keep the level they started with
    for (const service of services.values()) service.reconfigure(next);
    logger.info({ applied: plan.live }, 'configuration reloaded');
    if (plan.needsRestart.length > 0) {
      logger.warn({ keys: plan.needsRestart }, `needs a restart: ${plan.needsRestart.join(', ')}`);
    }
    return { ok: true, applied: plan.live, needsRestart: plan.needsRestart };
  };

  const handleAdmin = async (request: AdminRequest): Promise<AdminResponse> => {
    switch (request.op) {
      case 'who':
        return { ok: true, sessions: live.list() };
      case 'kick':
        return { ok: true, ended: await live.endUser(request.user, request.reason) };
      case 'reload': {
        const report = reload();
        return report.ok ? report : { ok: false, error: report.error };
      }
    }
  };
  let admin: AdminSocket;
  try {
    admin = await startAdminSocket({ path: config.admin.socket, logger, handle: handleAdmin });
  } catch (err) {
    await Promise.all(listeners.map(({ listener }) => listener.close({ graceMs: 0 })));
    await store.close();
    throw err;
  }

  // Warns ahead of certificate expiry; the timer also keeps a server with no listeners running.
  const warnIfExpiring = (): void => {
    const daysLeft = (tls.current.validTo.getTime() - Date.now()) / 86_400_000;
    if (daysLeft < CERT_WARN_DAYS) {
      logger.warn({ validTo: tls.current.validTo, daysLeft: Math.floor(daysLeft) }, 'the TLS certificate expires soon');
    }
  };
  warnIfExpiring();
  const expiryTimer = setInterval(warnIfExpiring, CERT_CHECK_INTERVAL_MS);

  return {
    store,
    listeners,
    tls,
    metrics,
    metricsEndpoint,
    live,
    reload,
    close: (graceMs = 10_000) =>
      (closing ??= (async () => {
        logger.info({ graceMs }, 'shutting down');
        clearInterval(expiryTimer);
        await admin.close();
        await Promise.all([...services.values()].map((s) => s.shutdown?.()));
        await Promise.all(listeners.map(({ listener }) => listener.close({ graceMs })));
        await metricsEndpoint?.close(); // after the listeners: /health says 503 "shutting down" while they drain
        await authenticator.renewal?.settled(); // a renewal started by the last logins writes before the store closes
        await store.close();
        logger.info({}, 'stopped');
      })()),
  };
}
