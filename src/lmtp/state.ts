// LMTP session state (ARCHITECTURE.md "Session state"): a discriminated union changed only by the session
// loop from what a command returns, and the transport facts kept beside it.
import type { SpoolWriter } from '../net/spool.js';
import type { AuthIdentity } from '../sasl/mechanism.js';
import type { PeerIdentity } from '../tls/peer-identity.js';
import type { Address } from './protocol/address.js';
import type { MailParams } from './protocol/parse.js';

/** A recipient accepted with 250 at RCPT: it gets exactly one reply after the message (R1.4). */
export interface AcceptedRecipient {
  /** The envelope address as given (for Delivered-To and the reply). */
  address: string;
  userId: number;
  /** Mailbox named by the subaddress, when configured and it exists. */
  mailbox?: string;
}

export interface Transaction {
  from: Address | null;
  params: MailParams;
  recipients: AcceptedRecipient[];
  /** The BDAT chunks received so far (RFC 3030), spooled (issue 12 item 13); null until the first BDAT. */
  chunks: SpoolWriter | null;
  chunkBytes: number;
  /** Set when a BDAT chunk pushed the message over the size limit: the rest is read and discarded. */
  oversized: boolean;
}

export type LmtpState =
  | { kind: 'fresh' } // before LHLO (and again after STARTTLS: R5.2)
  | { kind: 'ready'; helo: string } // after LHLO, outside a mail transaction
  | { kind: 'transaction'; helo: string; tx: Transaction } // after MAIL FROM
  | { kind: 'closing' };

/** Where the session runs and who the client is; TLS and the XFORWARD data can change, nothing else. */
export interface SessionFacts {
  readonly transport: 'tcp' | 'unix';
  readonly remoteAddress: string;
  /** The listener offers STARTTLS. */
  readonly startTlsAvailable: boolean;
  /** The listener refuses mail transactions until TLS is active (R5.3). */
  readonly requireTls: boolean;
  /** In trustedNetworks, or on the Unix socket; what that makes the client is decided in trust.ts (R1.3). */
  readonly trustedNetwork: boolean;
  tls: { protocol: string; cipher: string } | null;
  /** The verified client certificate (R5.4), for SASL EXTERNAL. */
  peer: PeerIdentity | null;
  auth: AuthIdentity | null;
  /** XFORWARD attributes of the original client (Postfix), from trusted clients only. */
  /** ident: the MTA's queue id (XFORWARD IDENT), for the next delivery's log line only. */
  xforward: { addr: string | null; helo: string | null; name: string | null; ident: string | null };
}

/** The spool writer a state holds (a BDAT transaction's), to be discarded when the state is left. */
export function heldSpool(state: LmtpState): SpoolWriter | null {
  return state.kind === 'transaction' ? state.tx.chunks : null;
}

export function newTransaction(from: Address | null, params: MailParams): Transaction {
  return { from, params, recipients: [], chunks: null, chunkBytes: 0, oversized: false };
}
