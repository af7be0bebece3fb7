// What a POP3 command handler gets (ARCHITECTURE.md "A command"): typed arguments, the session facts, the
// services and a narrow way to talk to the client; never the socket or another protocol.
import type { Metrics } from '../metrics/metrics.js';
import type { Logger } from '../log/logger.js';
import type { LiveSessions } from '../net/live-sessions.js';
import type { Authenticator } from '../sasl/authenticator.js';
import type { Store } from '../store/store.js';
import type { MaildropLocks } from './locks.js';
import type { Pop3Command, Pop3Verb } from './protocol/parse.js';
import type { Pop3Response } from './responses.js';
import type { Pop3State, SessionFacts } from './state.js';

/** Settings taken from the configuration once per service. */
export interface Pop3Settings {
  hostname: string;
  authservId: string;
  allowPlaintextWithoutTls: boolean;
  /** Longest command line (RFC 2449 §4 asks 255; clients send more with AUTH initial responses). */
  maxLineLength: number;
  maxBadCommands: number;
  /** RFC 1939 §3: the autologout timer, at least 10 minutes (R11.2). */
  idleMs: number;
  /** R11.2: the autologout timer until login (short; Dovecot gives a login 3 minutes). */
  preAuthIdleMs: number;
  /** R11.2: a client not logged in this long after connecting is disconnected, whatever it sends. */
  loginDeadlineMs: number;
  /** R11.2: longest SASL response line (AUTH is only allowed before login). */
  saslLineLength: number;
  /** Octets read from the store per step while sending a message. */
  retrChunkBytes: number;
}

export interface Pop3Services {
  settings: Pop3Settings;
  store: Store;
  authenticator: Authenticator;
  locks: MaildropLocks;
  logger: Logger;
  /** Command latency and R3.4 refusals are counted here (issue 16 item 4). */
  metrics: Metrics;
  /** Logged-in sessions, for `postern who` and `kick` (issue 16 item 5). */
  live: LiveSessions;
}

/** How a command talks to the client beyond its final response (SASL rounds, message bodies). */
export interface ClientIo {
  /** Writes a response now (a SASL challenge, the +OK before a message). */
  send(response: Pop3Response): void;
  /** Writes raw bytes, resolving when the connection can take more (backpressure for RETR). */
  write(data: Buffer): Promise<void>;
  /** Reads one line (a SASL response). */
  readLine(): Promise<string>;
}

export interface Pop3Context {
  services: Pop3Services;
  facts: SessionFacts;
  state: Pop3State;
  io: ClientIo;
  log: Logger;
}

/** What a command hands back: responses to write, the next state, and what to do after writing. */
export interface Outcome {
  responses: Pop3Response[];
  state?: Pop3State;
  after?: 'close' | 'stls';
}

export const answer = (response: Pop3Response, state?: Pop3State): Outcome =>
  state ? { responses: [response], state } : { responses: [response] };

/** The AUTHORIZATION-state context as the authenticator needs it (R5.3, R5.4). */
export function authContext(ctx: Pop3Context): { tls: boolean; peer: SessionFacts['peer']; allowPlaintextWithoutTls: boolean } {
  return { tls: ctx.facts.tls !== null, peer: ctx.facts.peer, allowPlaintextWithoutTls: ctx.services.settings.allowPlaintextWithoutTls };
}

/** What TRANSACTION-state commands work on; the dispatcher has checked the state (asserted here). */
export function transactionOf(ctx: Pop3Context): Extract<Pop3State, { kind: 'transaction' }> {
  if (ctx.state.kind !== 'transaction') throw new Error(`invariant: ${ctx.state.kind} state reached a TRANSACTION command`);
  return ctx.state;
}

export type StateKind = Exclude<Pop3State['kind'], 'closing'>;

export type CommandOf<V extends Pop3Verb> = Extract<Pop3Command, { verb: V }>;

/** One row of the command table: the states it is valid in (RFC 1939 §3) and the handler. */
export interface CommandSpec<V extends Pop3Verb> {
  states: readonly StateKind[];
  /** Accepted before TLS on a listener that requires TLS (R5.3). */
  beforeTls?: boolean;
  run(ctx: Pop3Context, cmd: CommandOf<V>): Outcome | Promise<Outcome>;
}
