// The contract between the composition root and a protocol server (ARCHITECTURE.md: main.ts wires things
// together). A protocol turns one accepted Connection into a session; it gets everything it needs through
// ServiceDeps, never by importing another protocol or the SQLite store.
import type { Config, ListenerConfig } from './config/load.js';
import type { Logger } from './log/logger.js';
import type { Connection } from './net/connection.js';
import type { RefuseReason } from './net/listener.js';
import type { LiveSessions } from './net/live-sessions.js';
import type { Spool } from './net/spool.js';
import type { DnsResolver } from './delivery/verify.js';
import type { Metrics } from './metrics/metrics.js';
import type { Authenticator } from './sasl/authenticator.js';
import type { Store } from './store/store.js';
import type { TlsContextHolder } from './tls/context.js';

export type ProtocolName = ListenerConfig['protocol'];

export interface ServiceDeps {
  config: Config;
  logger: Logger;
  store: Store;
  tls: TlsContextHolder;
  authenticator: Authenticator;
  /** DNS for message verification at ingest; tests inject a stub (no network in tests). */
  resolver: DnsResolver;
  /** Large message bodies wait in files here while they arrive and are stored (issue 12 item 13). */
  spool: Spool;
  /** What the sessions count for the metrics endpoint (issue 16 item 4). */
  metrics: Metrics;
  /** The logged-in IMAP and POP3 sessions, for `postern who` and `kick` (issue 16 item 5). */
  live: LiveSessions;
}

export interface ProtocolService {
  /** Serves one connection accepted on `listener` until it ends. */
  serve(conn: Connection, listener: ListenerConfig): Promise<void>;
  /** The single line written to a connection refused by a connection limit. */
  refusal(reason: RefuseReason): string;
  /** Tells open sessions the server is going down (IMAP `* BYE`, LMTP 421) before listeners close them. */
  shutdown?(): Promise<void>;
  /**
   * Issue 16 item 6: takes the settings of a reloaded configuration; new commands, timers and sessions use them,
   * open sessions are not dropped. Keys outside config/reload-plan.ts's live set are not taken.
   */
  reconfigure(config: Config): void;
}

export type ProtocolFactory = (deps: ServiceDeps) => ProtocolService;
