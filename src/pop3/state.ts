// POP3 session state (RFC 1939 §3: AUTHORIZATION, TRANSACTION, UPDATE; ARCHITECTURE.md "Session state"):
// a discriminated union changed only by the session loop from what a command returns, and the transport
// facts kept beside it. UPDATE is the inside of QUIT and never outlives it.
import type { AuthIdentity } from '../sasl/mechanism.js';
import type { PeerIdentity } from '../tls/peer-identity.js';
import type { Maildrop } from './maildrop.js';

export type Pop3State =
  | { kind: 'authorization'; user: string | null } // user: the name a USER command gave, awaiting PASS
  | { kind: 'transaction'; identity: AuthIdentity; maildrop: Maildrop }
  | { kind: 'closing' };

export const AUTHORIZATION: Pop3State = { kind: 'authorization', user: null };

/** Where the session runs and who the client is; only TLS (after STLS) and UTF8 mode change. */
export interface SessionFacts {
  /** The session id: also the owner of the maildrop lock. */
  readonly sid: string;
  readonly remoteAddress: string;
  /** The listener offers STLS (RFC 2595 §4). */
  readonly stlsAvailable: boolean;
  /** The listener refuses everything but CAPA, STLS and QUIT before TLS (R5.3). */
  readonly requireTls: boolean;
  tls: { protocol: string; cipher: string } | null;
  /** The verified client certificate (R5.4), for SASL EXTERNAL. */
  peer: PeerIdentity | null;
  /** RFC 6856 §2: the client sent UTF8. */
  utf8: boolean;
}
