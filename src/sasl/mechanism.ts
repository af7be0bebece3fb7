// The protocol-neutral SASL exchange (RFC 4422 §3, §5): a mechanism is a small state machine that takes
// decoded client responses and yields a challenge, a success or a failure. IMAP, POP3 and LMTP drive it.
import type { UserId, UserWithCredentials } from '../store/types.js';
import type { VerifiedCache } from './verified-cache.js';

/** Who logged in: the user whose mail is accessed, and the authorization identity the client asked for. */
export interface AuthIdentity {
  userId: UserId;
  /** The login name as stored. */
  user: string;
  /** The authzid sent by the client, when it sent one (RFC 4422 §3.4.1). */
  authzid?: string;
}

export type SaslFailureReason =
  | 'bad-credentials'
  | 'malformed'
  | 'cancelled'
  | 'not-permitted'
  | 'temporary'
  | 'too-many';

export type SaslStep =
  | { kind: 'challenge'; data: Buffer }
  | { kind: 'success'; identity: AuthIdentity }
  | { kind: 'failure'; reason: SaslFailureReason };

/** A final outcome: what verifyLoginPassword returns and how every exchange ends. */
export type SaslOutcome = Exclude<SaslStep, { kind: 'challenge' }>;

export interface SaslExchange {
  readonly mechanism: string;
  /** The login name the client claimed so far (for the log line and per-user limits), or null. */
  readonly attemptedUser: string | null;
  /** `initial` is the initial response (RFC 4422 §3.3), null when the client sent none. */
  start(initial: Buffer | null): Promise<SaslStep>;
  step(response: Buffer): Promise<SaslStep>;
  /** The client answered `*` (RFC 4422 §3.5). */
  cancel(): Promise<SaslStep>;
}

/** Finds a user by login name; the store's findUser. */
export type CredentialLookup = (login: string) => Promise<UserWithCredentials | null>;

/**
 * May `authcid` act as `authzid` (RFC 4422 §2, e.g. a master user)? Consulted only after the credentials of
 * `authcid` were verified and only when the two differ. Without a policy, they must be the same user.
 */
export type AuthzPolicy = (authcid: UserWithCredentials, authzid: string) => boolean;

/** What a mechanism needs from its surroundings; built per attempt by the Authenticator. */
export interface MechanismDeps {
  lookup: CredentialLookup;
  /** Consulted with the claimed login before any credential is checked (per-user limits); a reason stops. */
  admit: (login: string) => SaslFailureReason | null | Promise<SaslFailureReason | null>;
  authorize: AuthzPolicy | null;
  /** Runs a slow password hash within the bound on hashes in flight (sasl/hash-gate.ts); default: at once. */
  hashSlot?: <T>(work: () => Promise<T>) => Promise<T>;
  /** Successful password checks remembered for a short time (sasl/verified-cache.ts); default: none. */
  verified?: Pick<VerifiedCache, 'verify'>;
  /** Renews credentials made at another cost after a successful password check (sasl/rehash.ts); default: none. */
  renewal?: { afterSuccess(user: UserWithCredentials, password: string): void };
}

/** The verified client certificate's names (tls/peer-identity.ts PeerIdentity fits this). */
export interface CertificateIdentity {
  emails: readonly string[];
  commonName: string | null;
}

export const failure = (reason: SaslFailureReason): SaslStep => ({ kind: 'failure', reason });
export const challenge = (data: Buffer): SaslStep => ({ kind: 'challenge', data });

/** Upper bound on any single decoded client response a mechanism accepts (octets). */
export const MAX_RESPONSE_BYTES = 8192;
/** Upper bound on a login name or authzid (octets): an address is at most 320 (RFC 5321 §4.5.3.1). */
export const MAX_NAME_BYTES = 320;
/** Upper bound on a password (octets); the CLI accepts the same. */
export const MAX_PASSWORD_BYTES = 1024;

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** Strict UTF-8 (RFC 3629) decoding; null for invalid sequences. */
export function decodeUtf8(buf: Buffer): string | null {
  try {
    return utf8.decode(buf);
  } catch {
    return null;
  }
}

/** A login name or authzid we are willing to look up: 1..320 octets, no control characters. */
export function isAcceptableName(name: string): boolean {
  return (
    name.length > 0 && Buffer.byteLength(name, 'utf8') <= MAX_NAME_BYTES && !/[\u0000-\u001f\u007f]/.test(name)
  );
}

/** Case-insensitive equality of login names (ASCII folding; addresses compare so in practice). */
export function sameLogin(a: string, b: string): boolean {
  return a.toLowerCase() === b.toLowerCase();
}
