// Drives one SASL exchange over any protocol's challenge/response framing (RFC 4422 §3.3–3.5, SPEC R6.2):
// the initial response ("=" empty), challenges, "*" to cancel, strict base64, and a bound on rounds.
// IMAP ("+ "), POP3 ("+ ") and LMTP ("334 ") differ only in how a challenge is framed.
import { decodeResponse, encodeChallenge } from './codec.js';
import type { SaslExchange, SaslOutcome, SaslStep } from './mechanism.js';

/** Bound on challenge/response rounds; no mechanism here needs more than three. */
const MAX_ROUNDS = 8;

/** A final outcome, or a client response that was not valid base64 (protocols answer it as a syntax error). */
export type DriveOutcome = SaslOutcome | { kind: 'bad-response' };

export interface SaslChannel {
  /**
   * Sends the base64 challenge in the protocol's framing and returns the client's next line, or null when
   * the line could not be read as one (too long): that counts as a bad response.
   */
  challenge(encoded: string): Promise<string | null>;
}

export async function driveExchange(exchange: SaslExchange, initialResponse: string | null, channel: SaslChannel): Promise<DriveOutcome> {
  let step: SaslStep;
  if (initialResponse === null) {
    step = await exchange.start(null);
  } else {
    const decoded = decodeResponse(initialResponse);
    if (decoded.kind === 'error') {
      await exchange.cancel();
      return { kind: 'bad-response' };
    }
    step = decoded.kind === 'cancel' ? await exchange.cancel() : await exchange.start(decoded.data);
  }
  for (let round = 0; step.kind === 'challenge'; round += 1) {
    if (round >= MAX_ROUNDS) {
      await exchange.cancel();
      return { kind: 'failure', reason: 'malformed' };
    }
    const line = await channel.challenge(encodeChallenge(step.data));
    const decoded = line === null ? null : decodeResponse(line);
    if (decoded === null || decoded.kind === 'error') {
      await exchange.cancel();
      return { kind: 'bad-response' };
    }
    step = decoded.kind === 'cancel' ? await exchange.cancel() : await exchange.step(decoded.data);
  }
  return step;
}
