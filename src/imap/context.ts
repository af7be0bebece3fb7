// What an IMAP command handler gets (ARCHITECTURE.md "A command"): typed arguments and a narrow context;
// handlers return a result and, when it changes, the next state. Commands allowed before login get a
// context whose `store` is not reachable through the state.
import type { Metrics } from '../metrics/metrics.js';
import type { Logger } from '../log/logger.js';
import type { LiveSessions } from '../net/live-sessions.js';
import type { Spool, SpooledBody } from '../net/spool.js';
import type { Authenticator } from '../sasl/authenticator.js';
import type { Store } from '../store/store.js';
import type { RenderCache } from './fetch/render-cache.js';
import type { ThreadCache } from './sort/thread-cache.js';
import type { Wire } from './protocol/encode.js';
import type { Command, CommandName } from './protocol/types.js';
import type { TaggedResult } from './responses.js';
import type { ConnectionFacts, Enabled, ImapState } from './state.js';

export interface ImapSettings {
  hostname: string;
  authservId: string;
  allowPlaintextWithoutTls: boolean;
  maxLineLength: number;
  maxLiteralBytes: number;
  maxMessageBytes: number;
  maxBadCommands: number;
  idleMs: number;
  /** Before login (R11.2): idle timeout, longest command or SASL line, largest literal. */
  preAuthIdleMs: number;
  /** A client not logged in this long after connecting is disconnected, whatever it sends. */
  loginDeadlineMs: number;
  /** RFC 2177: `* OK Still here` this often during IDLE, so that NAT boxes keep the connection. */
  idleKeepaliveMs: number;
  preAuthLineLength: number;
  preAuthLiteralBytes: number;
  maxConnectionsPerUser: number;
}

export interface ImapServices {
  settings: ImapSettings;
  store: Store;
  authenticator: Authenticator;
  logger: Logger;
  /** Connections per user (R11.2), kept by the service. */
  userSessions: Map<number, number>;
  /** Rendered ENVELOPE / BODYSTRUCTURE per body, shared by the sessions (FETCH). */
  renderCache: RenderCache;
  /** The last THREAD answer per mailbox and algorithm, shared by the sessions (THREAD). */
  threadCache: ThreadCache;
  /** Where large APPEND literals wait (issue 12 item 13). */
  spool: Spool;
  /** Command latency and R3.4 refusals are counted here (issue 16 item 4). */
  metrics: Metrics;
  /** Logged-in sessions, for `postern who` and `kick` (issue 16 item 5). */
  live: LiveSessions;
}

/** Reads from the client on behalf of a command (AUTHENTICATE responses, IDLE's DONE). */
export interface ClientLines {
  readLine(): Promise<string>;
}

export interface ImapContext {
  tag: string;
  services: ImapServices;
  facts: ConnectionFacts;
  enabled: Enabled;
  state: ImapState;
  log: Logger;
  /**
   * Writes untagged data or a continuation request now. The promise resolves once the socket can take
   * more: commands that stream many responses (FETCH) await it, so memory stays bounded (R11.2).
   */
  send(data: Wire): Promise<void>;
  lines: ClientLines;
  /**
   * Literals of this command that were spooled (large APPEND messages, issue 12 item 13): the parsed command
   * holds the key in their place. The session removes the files after the command.
   */
  spooled: ReadonlyMap<string, SpooledBody>;
  /** The capability list now, or as it will be once logged in (for the tagged OK of LOGIN, R4.1). */
  capabilities(afterLogin?: boolean): string[];
  /**
   * Writes the selected mailbox's pending changes now (IDLE). Returns true when the session must end
   * because REQUIRETLS mail arrived on a cleartext session (R3.4); the dispatcher then says BYE.
   */
  flush(): Promise<boolean>;
}

export interface Outcome {
  result: TaggedResult;
  state?: ImapState;
  after?: 'logout' | 'starttls' | 'compress';
}

/** When the session may announce EXPUNGE around a command (RFC 3501 §7.4.1, RFC 9051 §7.5.1). */
export type ExpungePolicy = 'allowed' | 'deferred';

export interface CommandSpec<N extends CommandName = CommandName> {
  states: ReadonlyArray<ImapState['kind']>;
  expunge: ExpungePolicy;
  /** Allowed before TLS on a listener that requires TLS (R5.3). */
  beforeTls?: boolean;
  /** Closes the selected mailbox whatever its outcome (SELECT, EXAMINE: RFC 9051 §6.3.2), refused or not. */
  closesSelected?: boolean;
  run(ctx: ImapContext, command: Command & { name: N }): Promise<Outcome> | Outcome;
}

export const result = (r: TaggedResult, state?: ImapState): Outcome => (state ? { result: r, state } : { result: r });

/**
 * The selected mailbox and user of a command whose spec allows only the selected state: the dispatcher
 * has checked that already, so anything else is a bug in the command table.
 */
export function selectedOf(ctx: Pick<ImapContext, 'state'>): Extract<ImapState, { kind: 'selected' }> {
  if (ctx.state.kind !== 'selected') throw new Error('command run outside the selected state');
  return ctx.state;
}
