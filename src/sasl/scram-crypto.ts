// SCRAM-SHA-256 key derivation and primitives (RFC 5802 §3, RFC 7677 §3): SaltedPassword, ClientKey,
// StoredKey, ServerKey, proofs and signatures. Shared by the server mechanism, passwords.ts and test clients.
import { createHash, createHmac, pbkdf2, timingSafeEqual } from 'node:crypto';
import { promisify } from 'node:util';

const pbkdf2Async = promisify(pbkdf2);

/** SHA-256 output length. */
export const SCRAM_KEY_BYTES = 32;
/** RFC 7677 §4: at least 4096 iterations; the upper bound keeps a corrupt record from stalling us. */
export const MIN_SCRAM_ITERATIONS = 4096;
export const MAX_SCRAM_ITERATIONS = 10_000_000;

export function hmacSha256(key: Buffer, data: Buffer | string): Buffer {
  return createHmac('sha256', key).update(data).digest();
}

export function sha256(data: Buffer): Buffer {
  return createHash('sha256').update(data).digest();
}

/** Byte-wise XOR of two equal-length buffers. */
export function xorBuffers(a: Buffer, b: Buffer): Buffer {
  if (a.length !== b.length) throw new RangeError('xor of buffers of different lengths');
  const out = Buffer.alloc(a.length);
  for (let i = 0; i < a.length; i++) out[i] = (a[i] ?? 0) ^ (b[i] ?? 0);
  return out;
}

/** Constant-time equality; false (not an exception) for different lengths. */
export function safeEqual(a: Buffer, b: Buffer): boolean {
  return a.length === b.length && timingSafeEqual(a, b);
}

export interface ScramKeyMaterial {
  saltedPassword: Buffer;
  clientKey: Buffer;
  storedKey: Buffer;
  serverKey: Buffer;
}

/** SaltedPassword := Hi(Normalize(password), salt, i) with Hi = PBKDF2-HMAC-SHA-256; `password` is prepared. */
export async function deriveScramKeys(password: string, salt: Buffer, iterations: number): Promise<ScramKeyMaterial> {
  if (!Number.isInteger(iterations) || iterations < 1 || iterations > MAX_SCRAM_ITERATIONS) {
    throw new RangeError(`SCRAM iteration count out of range: ${iterations}`);
  }
  const saltedPassword = await pbkdf2Async(Buffer.from(password, 'utf8'), salt, iterations, SCRAM_KEY_BYTES, 'sha256');
  const clientKey = hmacSha256(saltedPassword, 'Client Key');
  return {
    saltedPassword,
    clientKey,
    storedKey: sha256(clientKey),
    serverKey: hmacSha256(saltedPassword, 'Server Key'),
  };
}

/** ClientProof := ClientKey XOR HMAC(StoredKey, AuthMessage). */
export function clientProof(clientKey: Buffer, storedKey: Buffer, authMessage: string): Buffer {
  return xorBuffers(clientKey, hmacSha256(storedKey, authMessage));
}

/** Server side check: ClientKey' := proof XOR ClientSignature; H(ClientKey') must equal StoredKey. */
export function verifyClientProof(proof: Buffer, storedKey: Buffer, authMessage: string): boolean {
  if (proof.length !== SCRAM_KEY_BYTES || storedKey.length !== SCRAM_KEY_BYTES) return false;
  const clientKey = xorBuffers(proof, hmacSha256(storedKey, authMessage));
  return safeEqual(sha256(clientKey), storedKey);
}

/** ServerSignature := HMAC(ServerKey, AuthMessage). */
export function serverSignature(serverKey: Buffer, authMessage: string): Buffer {
  return hmacSha256(serverKey, authMessage);
}
