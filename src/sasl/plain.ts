// SASL PLAIN (RFC 4616 §2): message = [authzid] NUL authcid NUL passwd, UTF-8; one round trip. An empty
// challenge asks for the message when the client sent no initial response (RFC 4422 §3.3).
import {
  challenge,
  decodeUtf8,
  failure,
  MAX_NAME_BYTES,
  MAX_PASSWORD_BYTES,
  type MechanismDeps,
  type SaslExchange,
  type SaslStep,
} from './mechanism.js';
import { checkPassword, resolveAuthzid } from './password-check.js';

export interface PlainMessage {
  authzid: string;
  authcid: string;
  password: string;
}

/** Parses the PLAIN message; null when malformed (RFC 4616 §2: two NULs, non-empty authcid and passwd). */
export function parsePlainMessage(data: Buffer): PlainMessage | null {
  if (data.length > 2 * MAX_NAME_BYTES + MAX_PASSWORD_BYTES + 2) return null;
  const first = data.indexOf(0);
  const second = first < 0 ? -1 : data.indexOf(0, first + 1);
  if (second < 0 || data.indexOf(0, second + 1) >= 0) return null;
  const authzidBytes = data.subarray(0, first);
  const authcidBytes = data.subarray(first + 1, second);
  const passwordBytes = data.subarray(second + 1);
  if (authzidBytes.length > MAX_NAME_BYTES || authcidBytes.length > MAX_NAME_BYTES) return null;
  if (authcidBytes.length === 0 || passwordBytes.length === 0 || passwordBytes.length > MAX_PASSWORD_BYTES) return null;
  const authzid = decodeUtf8(authzidBytes);
  const authcid = decodeUtf8(authcidBytes);
  const password = decodeUtf8(passwordBytes);
  if (authzid === null || authcid === null || password === null) return null;
  return { authzid, authcid, password };
}

export class PlainExchange implements SaslExchange {
  readonly mechanism = 'PLAIN';
  private user: string | null = null;
  private done = false;

  constructor(private readonly deps: MechanismDeps) {}

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
    const message = parsePlainMessage(response);
    if (message === null) return failure('malformed');
    this.user = message.authcid;
    const checked = await checkPassword(this.deps, message.authcid, message.password);
    if (!checked.ok) return checked.outcome;
    return resolveAuthzid(this.deps, checked.user, message.authzid);
  }

  async cancel(): Promise<SaslStep> {
    this.done = true;
    return failure('cancelled');
  }
}
