// The verified identity of a TLS client certificate (SPEC R5.4, seed 001 option 1): reported to the
// session so SASL EXTERNAL can be offered and checked; a verified certificate alone logs nobody in.
import type { TLSSocket } from 'node:tls';

export interface PeerIdentity {
  /** subjectAltName rfc822Name (email) entries, lower-cased domain kept as sent. */
  emails: string[];
  /** The subject CN when there is exactly one, else null. */
  commonName: string | null;
  /** SHA-256 fingerprint of the client certificate, colon hex. */
  fingerprint256: string;
}

const MAX_ENTRIES = 64;
const MAX_VALUE = 320;

export interface SanEntry {
  type: string;
  value: string;
}

/**
 * Parses Node's subjectaltname text: `DNS:a, email:b@c, IP Address:1.2.3.4`, where a value containing
 * special characters is a JSON string (`email:"a,b@c"`). Malformed text yields the entries read so far.
 */
export function parseSubjectAltName(text: string): SanEntry[] {
  const out: SanEntry[] = [];
  let i = 0;
  while (i < text.length && out.length < MAX_ENTRIES) {
    const colon = text.indexOf(':', i);
    if (colon === -1) break;
    const type = text.slice(i, colon).trim();
    let value: string;
    let next: number;
    if (text[colon + 1] === '"') {
      let j = colon + 2;
      while (j < text.length && text[j] !== '"') j += text[j] === '\\' ? 2 : 1;
      try {
        value = JSON.parse(text.slice(colon + 1, j + 1)) as string;
      } catch {
        break;
      }
      next = text.indexOf(',', j + 1);
    } else {
      next = text.indexOf(', ', colon + 1);
      value = text.slice(colon + 1, next === -1 ? text.length : next);
    }
    out.push({ type, value });
    if (next === -1) break;
    i = next + 1;
    while (text[i] === ' ') i++;
  }
  return out;
}

// A narrow view of Node's TLSWrap handle (socket.ssl): verifyError() is what tls.Server itself consults
// to set `authorized`, which Node leaves false on server sockets wrapped by hand (STARTTLS).
interface TlsHandle {
  verifyError?: () => Error | null | undefined;
}

/** Whether the peer presented a certificate that verified against the configured client CA. */
export function peerVerification(socket: TLSSocket): { verified: boolean; error: string | null } {
  const cert = socket.getPeerCertificate();
  if (cert === null || typeof cert !== 'object' || !('fingerprint256' in cert) || !cert.fingerprint256) {
    return { verified: false, error: 'no certificate' };
  }
  if (socket.authorized) return { verified: true, error: null };
  const handle = (socket as unknown as { ssl?: TlsHandle | null }).ssl;
  if (handle === null || handle === undefined || typeof handle.verifyError !== 'function') {
    return { verified: false, error: 'verification result unavailable' };
  }
  const err = handle.verifyError();
  if (err) return { verified: false, error: (err as Error & { code?: string }).code ?? err.message };
  return { verified: true, error: null };
}

function isCleanValue(v: string): boolean {
  return v.length > 0 && v.length <= MAX_VALUE && !/[\u0000-\u001f\u007f]/.test(v);
}

/** The identity of a verified client certificate, or null when none was presented or it did not verify. */
export function verifiedPeerIdentity(socket: TLSSocket): PeerIdentity | null {
  if (!peerVerification(socket).verified) return null;
  const cert = socket.getPeerCertificate();
  const emails = parseSubjectAltName(cert.subjectaltname ?? '')
    .filter((e) => e.type === 'email' && isCleanValue(e.value) && e.value.includes('@'))
    .map((e) => e.value);
  const cn: unknown = cert.subject?.CN;
  const commonName = typeof cn === 'string' && isCleanValue(cn) ? cn : null;
  return { emails, commonName, fingerprint256: cert.fingerprint256 };
}
