// IMAP session state (RFC 9051 §3, ARCHITECTURE.md "Session state"): a discriminated union changed only
// by the session from what a command returns; transport facts and enabled extensions live beside it.
import type { AuthIdentity } from '../sasl/mechanism.js';
import type { PeerIdentity } from '../tls/peer-identity.js';
import type { MailboxView } from './mailbox-view.js';

export interface ImapUser {
  id: number;
  name: string;
}

export type ImapState =
  | { kind: 'not-authenticated' }
  | { kind: 'authenticated'; user: ImapUser }
  | { kind: 'selected'; user: ImapUser; view: MailboxView }
  | { kind: 'logout' };

/** Facts about the connection, beside the state (TLS can change once, through STARTTLS). */
export interface ConnectionFacts {
  readonly remoteAddress: string;
  readonly startTlsAvailable: boolean;
  /** The listener refuses everything but CAPABILITY, NOOP, LOGOUT and STARTTLS until TLS (R5.3). */
  readonly requireTls: boolean;
  tls: { protocol: string; cipher: string } | null;
  peer: PeerIdentity | null;
  auth: AuthIdentity | null;
  /** COMPRESS=DEFLATE is active (RFC 4978: once per connection). */
  compressed: boolean;
}

/** Extensions the client turned on with ENABLE (RFC 5161), or implied by use (CONDSTORE). */
export interface Enabled {
  imap4rev2: boolean;
  utf8Accept: boolean;
  condstore: boolean;
  qresync: boolean;
}

export const noneEnabled = (): Enabled => ({ imap4rev2: false, utf8Accept: false, condstore: false, qresync: false });

export function userOf(state: ImapState): ImapUser | null {
  return state.kind === 'authenticated' || state.kind === 'selected' ? state.user : null;
}
