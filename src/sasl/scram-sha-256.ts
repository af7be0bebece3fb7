// SCRAM-SHA-256 server side (RFC 5802 §3, §5, RFC 7677): client-first → server-first (nonce, salt,
// iterations) → client-final (proof checked against StoredKey) → server-final "v=" as a last challenge, which
// the client acknowledges with an empty response. No channel binding (the -PLUS variant is not offered).
import { randomBytes } from 'node:crypto';
import type { ScramKeys, UserWithCredentials } from '../store/types.js';
import { isStrictBase64 } from './codec.js';
import { decoyScramKeys } from './decoy.js';
import {
  challenge,
  decodeUtf8,
  failure,
  isAcceptableName,
  MAX_RESPONSE_BYTES,
  type AuthIdentity,
  type MechanismDeps,
  type SaslExchange,
  type SaslStep,
} from './mechanism.js';
import { resolveAuthzid, safeLookup } from './password-check.js';
import { MAX_SCRAM_ITERATIONS, SCRAM_KEY_BYTES, serverSignature, verifyClientProof } from './scram-crypto.js';
import { parseClientFinal, parseClientFirst, type ClientFirst } from './scram-messages.js';

export interface ScramOptions {
  /** Iterations announced for unknown users (match what real users get: config auth.scramIterations). */
  /** The count a decoy announces for an unknown name (sasl/decoy.ts decoyIterations), or one count for all. */
  decoyIterations: number | ((username: string) => number);
  /** The server's part of the nonce; 18 random bytes in base64 by default. Tests inject a fixed one. */
  serverNonce?: () => string;
}

interface Keys {
  salt: string;
  iterations: number;
  storedKey: Buffer;
  serverKey: Buffer;
}

type ScramState =
  | { kind: 'first' }
  | { kind: 'final'; first: ClientFirst; user: UserWithCredentials | null; keys: Keys; serverFirst: string; nonce: string }
  | { kind: 'ack'; identity: AuthIdentity }
  | { kind: 'done' };

/** Stored keys in usable form, or null when the record is corrupt. */
function usableKeys(k: ScramKeys): Keys | null {
  const storedKey = Buffer.from(k.storedKey, 'base64');
  const serverKey = Buffer.from(k.serverKey, 'base64');
  if (k.salt === '' || !isStrictBase64(k.salt) || storedKey.length !== SCRAM_KEY_BYTES || serverKey.length !== SCRAM_KEY_BYTES) return null;
  if (!Number.isInteger(k.iterations) || k.iterations < 1 || k.iterations > MAX_SCRAM_ITERATIONS) return null;
  return { salt: k.salt, iterations: k.iterations, storedKey, serverKey };
}

export class ScramSha256Exchange implements SaslExchange {
  readonly mechanism = 'SCRAM-SHA-256';
  private state: ScramState = { kind: 'first' };
  private user: string | null = null;

  constructor(
    private readonly deps: MechanismDeps,
    private readonly opts: ScramOptions,
  ) {}

  get attemptedUser(): string | null {
    return this.user;
  }

  async start(initial: Buffer | null): Promise<SaslStep> {
    if (initial === null) return challenge(Buffer.alloc(0));
    return this.step(initial);
  }

  async step(response: Buffer): Promise<SaslStep> {
    const state = this.state;
    this.state = { kind: 'done' };
    const text = response.length <= MAX_RESPONSE_BYTES ? decodeUtf8(response) : null;
    switch (state.kind) {
      case 'first':
        return text === null ? failure('malformed') : this.clientFirst(text);
      case 'final':
        return text === null ? failure('malformed') : this.clientFinal(text, state);
      case 'ack':
        // RFC 5802 §5: after server-final the client has nothing more to say.
        return response.length === 0 ? { kind: 'success', identity: state.identity } : failure('malformed');
      case 'done':
        return failure('malformed');
    }
  }

  async cancel(): Promise<SaslStep> {
    this.state = { kind: 'done' };
    return failure('cancelled');
  }

  private async clientFirst(text: string): Promise<SaslStep> {
    const parsed = parseClientFirst(text);
    if (!parsed.ok) return failure(parsed.reason);
    const first = parsed.value;
    if (!isAcceptableName(first.username)) return failure('malformed');
    this.user = first.username;
    const refusal = await this.deps.admit(first.username);
    if (refusal !== null) return failure(refusal);
    const { user, error } = await safeLookup(this.deps, first.username);
    if (error) return failure('temporary');
    // R6.4: an unknown user gets a plausible server-first and fails at the proof, like a wrong password.
    const decoyCount = (name: string): number =>
      typeof this.opts.decoyIterations === 'number' ? this.opts.decoyIterations : this.opts.decoyIterations(name);
    const keys = usableKeys(user === null ? decoyScramKeys(first.username, decoyCount(first.username)) : user.credentials.scramSha256);
    if (keys === null) return failure('temporary');
    const nonce = first.clientNonce + (this.opts.serverNonce ?? defaultServerNonce)();
    const serverFirst = `r=${nonce},s=${keys.salt},i=${keys.iterations}`;
    this.state = { kind: 'final', first, user, keys, serverFirst, nonce };
    return challenge(Buffer.from(serverFirst, 'utf8'));
  }

  private async clientFinal(text: string, state: Extract<ScramState, { kind: 'final' }>): Promise<SaslStep> {
    const parsed = parseClientFinal(text);
    if (!parsed.ok) return failure(parsed.reason);
    const final = parsed.value;
    // Without channel binding "c=" carries the gs2-header unchanged (RFC 5802 §7 cbind-input).
    if (Buffer.from(final.channelBinding, 'base64').toString('latin1') !== Buffer.from(state.first.gs2Header, 'utf8').toString('latin1')) {
      return failure('malformed');
    }
    if (final.nonce !== state.nonce) return failure('malformed');
    const authMessage = `${state.first.bare},${state.serverFirst},${final.withoutProof}`;
    const proofOk = verifyClientProof(final.proof, state.keys.storedKey, authMessage);
    if (!proofOk || state.user === null) return failure('bad-credentials');
    const outcome = await resolveAuthzid(this.deps, state.user, state.first.authzid);
    if (outcome.kind !== 'success') return outcome;
    this.state = { kind: 'ack', identity: outcome.identity };
    const signature = serverSignature(state.keys.serverKey, authMessage).toString('base64');
    return challenge(Buffer.from(`v=${signature}`, 'utf8'));
  }
}

function defaultServerNonce(): string {
  return randomBytes(18).toString('base64');
}
