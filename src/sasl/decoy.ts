// Decoy SCRAM credentials for users that do not exist (R6.4): a plausible, stable salt and keys derived from
// an HMAC of the user name with a per-process secret, so server-first looks the same and the proof just fails.
import { randomBytes } from 'node:crypto';
import type { ScramKeys } from '../store/types.js';
import { hmacSha256 } from './scram-crypto.js';

const PROCESS_SECRET = randomBytes(32);
const SALT_BYTES = 16;

/**
 * The iteration count a decoy announces for `username`: drawn, by an HMAC of the name, from the counts real
 * accounts hold in their proportions (`counts`, e.g. older 4,096-round keys beside renewed ones), so that the
 * count a first SCRAM reply shows does not tell a real account from an unknown name; `fallback` when none known.
 */
export function decoyIterations(
  username: string,
  counts: ReadonlyArray<{ iterations: number; accounts: number }>,
  fallback: number,
  secret: Buffer = PROCESS_SECRET,
): number {
  const total = counts.reduce((sum, c) => sum + Math.max(0, c.accounts), 0);
  if (total <= 0) return fallback;
  let at = hmacSha256(secret, `iterations\u0000${username.toLowerCase()}`).readUInt32BE(0) % total;
  for (const c of counts) {
    at -= Math.max(0, c.accounts);
    if (at < 0) return c.iterations;
  }
  return fallback;
}

/** The same name always gets the same decoy within a process, so repeated probes see a stable salt. */
export function decoyScramKeys(username: string, iterations: number, secret: Buffer = PROCESS_SECRET): ScramKeys {
  const derive = (label: string): Buffer => hmacSha256(secret, `${label}\u0000${username.toLowerCase()}`);
  return {
    salt: derive('salt').subarray(0, SALT_BYTES).toString('base64'),
    iterations,
    storedKey: derive('stored-key').toString('base64'),
    serverKey: derive('server-key').toString('base64'),
  };
}
