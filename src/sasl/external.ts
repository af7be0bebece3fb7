// SASL EXTERNAL (RFC 4422 Appendix A) over a verified TLS client certificate (R5.4, seed 001 option 1): the
// certificate alone logs nobody in; the client must ask, and may only become the user the certificate names.
import {
  challenge,
  decodeUtf8,
  failure,
  isAcceptableName,
  MAX_NAME_BYTES,
  sameLogin,
  type CertificateIdentity,
  type MechanismDeps,
  type SaslExchange,
  type SaslStep,
} from './mechanism.js';
import { safeLookup } from './password-check.js';

const MAX_CANDIDATES = 16;

/** The login names a certificate vouches for: its SAN emails, or its CN when it has no email. */
export function certificateNames(peer: CertificateIdentity): string[] {
  const names = peer.emails.length > 0 ? [...peer.emails] : peer.commonName === null ? [] : [peer.commonName];
  return names.filter(isAcceptableName).slice(0, MAX_CANDIDATES);
}

export class ExternalExchange implements SaslExchange {
  readonly mechanism = 'EXTERNAL';
  private user: string | null = null;
  private done = false;

  constructor(
    private readonly deps: MechanismDeps,
    private readonly peer: CertificateIdentity | null,
  ) {}

  get attemptedUser(): string | null {
    return this.user;
  }

  async start(initial: Buffer | null): Promise<SaslStep> {
    if (initial === null) return challenge(Buffer.alloc(0));
    return this.step(initial);
  }

  async step(response: Buffer): Promise<SaslStep> {
    if (this.done) return failure('malformed');
    this.done = true;
    const authzid = response.length <= MAX_NAME_BYTES ? decodeUtf8(response) : null;
    if (authzid === null || (authzid !== '' && !isAcceptableName(authzid))) return failure('malformed');
    if (authzid !== '') this.user = authzid;
    if (this.peer === null) return failure('not-permitted');
    const names = certificateNames(this.peer);
    // An authzid must be one of the certificate's names; an empty one means the certificate's user.
    const candidates = authzid === '' ? names : names.filter((n) => sameLogin(n, authzid));
    if (candidates.length === 0) return failure('not-permitted');
    for (const name of candidates) {
      this.user = name;
      const refusal = await this.deps.admit(name);
      if (refusal !== null) return failure(refusal);
      const { user, error } = await safeLookup(this.deps, name);
      if (error) return failure('temporary');
      if (user !== null && sameLogin(user.name, name)) {
        const identity = { userId: user.id, user: user.name };
        return { kind: 'success', identity: authzid === '' ? identity : { ...identity, authzid } };
      }
    }
    return failure('not-permitted');
  }

  async cancel(): Promise<SaslStep> {
    this.done = true;
    return failure('cancelled');
  }
}
