// Who the LMTP client is, as one typed value that every trust decision reads (SPEC R1.2, R1.3, R2.2, R2.3):
// XFORWARD offered and believed, MAIL FROM AUTH= believed, internal-id Authentication-Results kept, and the
// trusted MTA's Received field read. Authenticating never makes an ordinary user a trusted client (R1.3).
import { sameLogin } from '../sasl/mechanism.js';
import type { SessionFacts } from './state.js';

/**
 * - `unix-socket`: the local MTA on the Unix socket (R1.1, R1.3).
 * - `network`: a client address in `trustedNetworks`.
 * - `relay`: a session authenticated as one of `lmtp.relayUsers` (any mechanism, e.g. EXTERNAL with the
 *   relay's client certificate).
 * - `user`: a session authenticated as an ordinary mailbox user: untrusted, but its own AUTH= is believed.
 * - `none`: anyone else.
 */
export type LmtpTrust = 'network' | 'unix-socket' | 'relay' | 'user' | 'none';

/** The one place the trust of a session is computed; recomputed for every command (AUTH, STARTTLS change it). */
export function clientTrust(facts: Pick<SessionFacts, 'transport' | 'trustedNetwork' | 'auth'>, relayUsers: readonly string[]): LmtpTrust {
  const auth = facts.auth;
  if (auth !== null && relayUsers.some((relay) => sameLogin(relay, auth.user))) return 'relay';
  if (facts.transport === 'unix') return 'unix-socket';
  if (facts.trustedNetwork) return 'network';
  return auth !== null ? 'user' : 'none';
}

/** R1.3: trusted like the trusted networks: XFORWARD, AUTH= as given, internal-id A-R fields, Received. */
export function isTrustedClient(trust: LmtpTrust): boolean {
  switch (trust) {
    case 'network':
    case 'unix-socket':
    case 'relay':
      return true;
    case 'user':
    case 'none':
      return false;
    default: {
      const never: never = trust;
      return never;
    }
  }
}

/**
 * R1.3, RFC 4954 §5: the MAIL FROM `AUTH=` identity to stamp, or null. A trusted client is believed; an ordinary
 * user only about itself (compared as logins are, case-insensitively; the stored login is stamped); anything
 * else is treated as `AUTH=<>`.
 */
export function believedAuthParam(trust: LmtpTrust, facts: Pick<SessionFacts, 'auth'>, claimed: string | null): string | null {
  if (claimed === null || claimed === '') return null;
  if (isTrustedClient(trust)) return claimed;
  if (trust === 'user' && facts.auth !== null && sameLogin(claimed, facts.auth.user)) return facts.auth.user;
  return null;
}
