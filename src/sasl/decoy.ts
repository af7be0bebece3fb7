// Decoy SCRAM credentials for users that do not exist (R6.4): a plausible, stable salt and keys derived from
// an HMAC of the user name with a per-process secret, so server-first looks the same and the proof just fails.
import { randomBytes } from 'node:crypto';
import type { ScramKeys } from '../store/types.js';
import { hmacSha256 } from './scram-crypto.js';

const PROCESS_SECRET = randomBytes(32);
const SALT_BYTES = 16;

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
