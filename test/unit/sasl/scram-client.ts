// A minimal SCRAM-SHA-256 client (RFC 5802 §3, RFC 7677) for tests: builds client-first and client-final,
// checks the server signature. Reusable over sockets: feed it decoded server challenges.
import { randomBytes } from 'node:crypto';
import { saslprep } from '../../../src/sasl/saslprep.js';
import {
  clientProof,
  deriveScramKeys,
  safeEqual,
  serverSignature,
} from '../../../src/sasl/scram-crypto.js';
import { encodeSaslname } from '../../../src/sasl/scram-messages.js';

export interface ScramClientOptions {
  /** Client nonce; random by default. */
  nonce?: string;
  authzid?: string;
  /** gs2 channel-binding flag; "n" by default. */
  cbindFlag?: 'n' | 'y';
}

export class ScramClient {
  private readonly nonce: string;
  private readonly gs2Header: string;
  private readonly bare: string;
  private expectedServerSignature: Buffer | null = null;

  constructor(
    private readonly username: string,
    private readonly password: string,
    opts: ScramClientOptions = {},
  ) {
    this.nonce = opts.nonce ?? randomBytes(18).toString('base64');
    const authz = opts.authzid === undefined ? '' : `a=${encodeSaslname(opts.authzid)}`;
    this.gs2Header = `${opts.cbindFlag ?? 'n'},${authz},`;
    this.bare = `n=${encodeSaslname(username)},r=${this.nonce}`;
  }

  /** client-first-message. */
  first(): Buffer {
    return Buffer.from(this.gs2Header + this.bare, 'utf8');
  }

  /** client-final-message for the server-first challenge; throws if the server's nonce does not extend ours. */
  async final(serverFirst: Buffer): Promise<Buffer> {
    const text = serverFirst.toString('utf8');
    const m = /^r=([^,]+),s=([^,]+),i=(\d+)(?:,.*)?$/.exec(text);
    if (!m || m[1] === undefined || m[2] === undefined || m[3] === undefined) throw new Error(`bad server-first: ${text}`);
    const [, nonce, salt, iterations] = m;
    if (!nonce.startsWith(this.nonce) || nonce.length === this.nonce.length) throw new Error('server nonce does not extend ours');
    const prepared = saslprep(this.password, { allowUnassigned: true });
    if (!prepared.ok) throw new Error(prepared.error);
    const keys = await deriveScramKeys(prepared.value, Buffer.from(salt, 'base64'), Number(iterations));
    const withoutProof = `c=${Buffer.from(this.gs2Header, 'utf8').toString('base64')},r=${nonce}`;
    const authMessage = `${this.bare},${text},${withoutProof}`;
    this.expectedServerSignature = serverSignature(keys.serverKey, authMessage);
    const proof = clientProof(keys.clientKey, keys.storedKey, authMessage);
    return Buffer.from(`${withoutProof},p=${proof.toString('base64')}`, 'utf8');
  }

  /** Whether server-final ("v=...") proves the server knew our keys. */
  verifyServerFinal(serverFinal: Buffer): boolean {
    const m = /^v=([A-Za-z0-9+/=]+)$/.exec(serverFinal.toString('utf8'));
    if (!m || m[1] === undefined || this.expectedServerSignature === null) return false;
    return safeEqual(Buffer.from(m[1], 'base64'), this.expectedServerSignature);
  }
}
