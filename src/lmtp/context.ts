// What an LMTP command handler gets (ARCHITECTURE.md "A command"): typed arguments, the session facts, the
// services, and a way to read more of the message; never the socket or another protocol.
import type { Metrics } from '../metrics/metrics.js';
import type { Logger } from '../log/logger.js';
import type { Spool } from '../net/spool.js';
import type { Authenticator } from '../sasl/authenticator.js';
import type { Store } from '../store/store.js';
import type { DnsResolver } from '../delivery/verify.js';
import type { Reply } from './replies.js';
import type { LmtpState, SessionFacts } from './state.js';
import type { LmtpTrust } from './trust.js';

/** Settings taken from the configuration once per service. */
export interface LmtpSettings {
  hostname: string;
  authservId: string;
  hideAuthservId: boolean;
  internalIds: readonly string[];
  removeForeignResults: boolean;
  requireTlsOnUnixSocket: boolean;
  allowPlaintextWithoutTls: boolean;
  maxMessageBytes: number;
  maxHeaderBytes: number;
  maxRecipients: number;
  maxLineLength: number;
  maxBadCommands: number;
  idleMs: number;
  recipientDelimiter: string;
  detailMailbox: boolean;
  quotaFullTempfail: boolean;
  verify: boolean;
  dnsTimeoutMs: number;
  trustReceived: boolean;
  /** R1.3: login names whose sessions are trusted clients (`lmtp.relayUsers`). */
  relayUsers: readonly string[];
}

export interface LmtpServices {
  settings: LmtpSettings;
  store: Store;
  authenticator: Authenticator;
  resolver: DnsResolver;
  logger: Logger;
  /** Where large message bodies wait while they arrive and are stored (issue 12 item 13). */
  spool: Spool;
  /** Deliveries and command latency are counted here (issue 16 item 4). */
  metrics: Metrics;
}

/** How the session reads from the client on behalf of a command (DATA body, BDAT chunk, SASL lines). */
export interface ClientInput {
  readDotBody(maxBytes: number): Promise<Buffer>;
  /** The DATA body into `sink` as it arrives; resolves with its size (BodyTooLargeError past maxBytes). */
  readDotBodyTo(maxBytes: number, sink: (buf: Buffer) => void): Promise<number>;
  readBytes(n: number): Promise<Buffer>;
  /** Exactly n octets into `sink` as they arrive (a BDAT chunk). */
  readBytesTo(n: number, sink: (buf: Buffer) => void): Promise<void>;
  readLine(): Promise<string>;
  /** Writes a reply now (e.g. 354 or a SASL challenge) before reading more. */
  send(reply: Reply): void;
}

export interface LmtpContext {
  services: LmtpServices;
  facts: SessionFacts;
  /** Who the client is for every trust decision, computed by trust.ts clientTrust() before each command (R1.3). */
  trust: LmtpTrust;
  state: LmtpState;
  input: ClientInput;
  log: Logger;
}

/** What a command hands back: replies to write, the next state, and what to do after writing. */
export interface Outcome {
  replies: Reply[];
  state?: LmtpState;
  after?: 'close' | 'starttls';
}

export const answer = (reply: Reply, state?: LmtpState): Outcome => (state ? { replies: [reply], state } : { replies: [reply] });
