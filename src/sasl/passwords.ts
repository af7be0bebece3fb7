// Password storage (SPEC R6.3): an scrypt hash string plus SCRAM-SHA-256 keys (RFC 5802 §3, RFC 7677); the
// password itself is never kept. Passwords are SASLprep-normalised (RFC 4013) before hashing and checking.
// Issue 17 item 1: both verifiers cost about the same work per guess (docs/security.md "Stored verifiers"): an
// attacker holding the database attacks the cheaper one, so a dearer scrypt buys nothing but slower logins.
import { randomBytes, scrypt, type ScryptOptions } from 'node:crypto';
import type { StoredCredentials } from '../store/types.js';
import { isStrictBase64 } from './codec.js';
import { MAX_PASSWORD_BYTES } from './mechanism.js';
import { saslprep } from './saslprep.js';
import { deriveScramKeys, MAX_SCRAM_ITERATIONS, MIN_SCRAM_ITERATIONS, safeEqual } from './scram-crypto.js';

/** scrypt cost for new hashes: N=2^14, r=8, p=1 (16 MiB, about 30 ms of one core here). */
export const SCRYPT_PARAMS = { N: 16384, r: 8, p: 1 } as const;
/** PBKDF2-HMAC-SHA-256 rounds for new SCRAM keys: about the same 30 ms as the scrypt hash (config auth.scramIterations). */
export const DEFAULT_SCRAM_ITERATIONS = 150_000;
const SALT_BYTES = 16;
const HASH_BYTES = 32;
/** Bounds a stored string may ask for, so a corrupt or hostile record cannot exhaust memory or time. */
const MAX_LOG2_N = 20;
const MAX_R = 32;
const MAX_P = 16;
const MAX_SCRYPT_MEMORY = 256 * 1024 * 1024;

export interface ScryptParams {
  N: number;
  r: number;
  p: number;
  salt: Buffer;
  hash: Buffer;
}

export interface HashOptions {
  /** SCRAM iteration count (RFC 7677 §4: at least 4096). */
  scramIterations?: number;
  /** scrypt cost; SCRYPT_PARAMS unless given (records made by older versions are reproduced with it in tests). */
  scrypt?: { N: number; r: number; p: number };
}

function scryptAsync(password: Buffer, salt: Buffer, keylen: number, opts: ScryptOptions): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    scrypt(password, salt, keylen, opts, (err, key) => (err ? reject(err) : resolve(key)));
  });
}

function scryptOptions(N: number, r: number, p: number): ScryptOptions {
  // Node needs 128·N·r bytes (plus p blocks); give it twice that, bounded by the parse limits.
  return { N, r, p, maxmem: Math.min(MAX_SCRYPT_MEMORY, 2 * 128 * N * r * p + 1024 * 1024) };
}

/** The normalised password for a new credential; throws with a reason a user can act on. */
export function prepareNewPassword(password: string): string {
  const prepared = saslprep(password, { allowUnassigned: false });
  if (!prepared.ok) throw new Error(`password not accepted: ${prepared.error}`);
  if (prepared.value.length === 0) throw new Error('password not accepted: empty');
  if (Buffer.byteLength(prepared.value, 'utf8') > MAX_PASSWORD_BYTES) {
    throw new Error(`password not accepted: longer than ${MAX_PASSWORD_BYTES} bytes`);
  }
  return prepared.value;
}

/** The normalised password offered at login, or null when it cannot be any stored password. */
export function prepareOfferedPassword(password: string): string | null {
  if (Buffer.byteLength(password, 'utf8') > MAX_PASSWORD_BYTES * 4) return null;
  const prepared = saslprep(password, { allowUnassigned: true });
  if (!prepared.ok || prepared.value.length === 0) return null;
  return Buffer.byteLength(prepared.value, 'utf8') <= MAX_PASSWORD_BYTES ? prepared.value : null;
}

/** Hashes a new password: scrypt string and SCRAM-SHA-256 keys with fresh random salts. */
export async function hashPassword(password: string, opts: HashOptions = {}): Promise<StoredCredentials> {
  const iterations = opts.scramIterations ?? DEFAULT_SCRAM_ITERATIONS;
  if (!Number.isInteger(iterations) || iterations < MIN_SCRAM_ITERATIONS || iterations > MAX_SCRAM_ITERATIONS) {
    throw new RangeError(`SCRAM iterations must be an integer from ${MIN_SCRAM_ITERATIONS} to ${MAX_SCRAM_ITERATIONS}`);
  }
  const prepared = prepareNewPassword(password);
  const { N, r, p } = opts.scrypt ?? SCRYPT_PARAMS;
  const salt = randomBytes(SALT_BYTES);
  const hash = await scryptAsync(Buffer.from(prepared, 'utf8'), salt, HASH_BYTES, scryptOptions(N, r, p));
  const scramSalt = randomBytes(SALT_BYTES);
  const keys = await deriveScramKeys(prepared, scramSalt, iterations);
  return {
    scrypt: formatScrypt({ N, r, p, salt, hash }),
    scramSha256: {
      salt: scramSalt.toString('base64'),
      iterations,
      storedKey: keys.storedKey.toString('base64'),
      serverKey: keys.serverKey.toString('base64'),
    },
  };
}

export function formatScrypt(params: ScryptParams): string {
  return `scrypt$${params.N}$${params.r}$${params.p}$${params.salt.toString('base64')}$${params.hash.toString('base64')}`;
}

const INT = /^[1-9][0-9]{0,8}$/;

/** Parses `scrypt$N$r$p$<salt b64>$<hash b64>`; null when malformed or beyond the cost bounds. */
export function parseScrypt(text: string): ScryptParams | null {
  const parts = text.split('$');
  if (parts.length !== 6 || parts[0] !== 'scrypt') return null;
  const [, n, r, p, salt, hash] = parts as [string, string, string, string, string, string];
  if (!INT.test(n) || !INT.test(r) || !INT.test(p) || !isStrictBase64(salt) || !isStrictBase64(hash)) return null;
  const N = Number(n);
  const params = { N, r: Number(r), p: Number(p), salt: Buffer.from(salt, 'base64'), hash: Buffer.from(hash, 'base64') };
  if (N < 2 || N > 2 ** MAX_LOG2_N || (N & (N - 1)) !== 0) return null;
  if (params.r > MAX_R || params.p > MAX_P || 128 * N * params.r * params.p > MAX_SCRYPT_MEMORY / 2) return null;
  if (params.salt.length < 8 || params.hash.length < 16 || params.hash.length > 64) return null;
  return params;
}

/** Checks a password against a stored scrypt string in constant time; false for anything malformed. */
export async function verifyPassword(password: string, scryptString: string): Promise<boolean> {
  const params = parseScrypt(scryptString);
  if (params === null) return decoyVerifyPassword(password);
  // A password SASLprep refuses still costs one scrypt, so the answer takes as long as for anyone else.
  const prepared = prepareOfferedPassword(password);
  const { N, r, p, salt, hash } = params;
  const computed = await scryptAsync(Buffer.from(prepared ?? '', 'utf8'), salt, hash.length, scryptOptions(N, r, p));
  return prepared !== null && safeEqual(computed, hash);
}

/** The same work as verifyPassword, for a user that does not exist (R6.4: timing must not tell). */
export async function decoyVerifyPassword(password: string): Promise<false> {
  const { N, r, p } = SCRYPT_PARAMS;
  const prepared = prepareOfferedPassword(password) ?? '';
  await scryptAsync(Buffer.from(prepared, 'utf8'), randomBytes(SALT_BYTES), HASH_BYTES, scryptOptions(N, r, p));
  return false;
}

/**
 * Whether stored credentials were made at another cost than the current one (older defaults, or a changed
 * auth.scramIterations): after a successful password check they are made again (sasl/rehash.ts).
 */
export function needsRehash(credentials: StoredCredentials, scramIterations: number): boolean {
  const params = parseScrypt(credentials.scrypt);
  if (params === null) return false; // nothing verified against it: nothing to renew
  const { N, r, p } = SCRYPT_PARAMS;
  return params.N !== N || params.r !== r || params.p !== p || credentials.scramSha256.iterations !== scramIterations;
}
