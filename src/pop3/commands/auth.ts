// AUTH [mechanism [initial-response]]   RFC 5034 §4 (SPEC R6): the shared SASL module drives the exchange;
// "+ " challenges; "=" is an empty initial response and "*" cancels (R6.2); [AUTH] on bad credentials
// (RFC 3206 §4). PLAIN and LOGIN need TLS by default (R5.3); EXTERNAL needs a verified certificate (R5.4).
// A bare AUTH lists the mechanisms (what Outlook probes with, as RFC 1734 servers did).
import { LineTooLongError } from '../../net/errors.js';
import { driveExchange, type SaslChannel } from '../../sasl/drive.js';
import type { SaslOutcome } from '../../sasl/mechanism.js';
import { answer, authContext, type CommandSpec, type Pop3Context } from '../context.js';
import { openMaildrop } from '../login.js';
import { R, type Pop3Response } from '../responses.js';
import { AUTHORIZATION } from '../state.js';

function failureResponse(reason: Extract<SaslOutcome, { kind: 'failure' }>['reason']): Pop3Response {
  switch (reason) {
    case 'cancelled':
      return R.authCancelled();
    case 'malformed':
      return R.authMalformed();
    case 'temporary':
      return R.authTemp();
    case 'bad-credentials':
    case 'not-permitted':
    case 'too-many':
      return R.authFailed();
    default: {
      const never: never = reason;
      return never;
    }
  }
}

/**
 * The POP3 framing of challenges (RFC 5034 §4): "+ <base64>". A reply over the pre-authentication line limit
 * (R11.2) is not buffered; it is a bad response, and `tooLong` says so.
 */
function channel(ctx: Pop3Context): SaslChannel & { tooLong: boolean } {
  return {
    tooLong: false,
    async challenge(encoded) {
      ctx.io.send(R.challenge(encoded));
      try {
        return await ctx.io.readLine();
      } catch (err) {
        if (!(err instanceof LineTooLongError)) throw err;
        this.tooLong = true;
        return null;
      }
    },
  };
}

export const auth: CommandSpec<'AUTH'> = {
  states: ['authorization'],
  async run(ctx, { mechanism, initialResponse }) {
    const { authenticator } = ctx.services;
    if (mechanism === null) return answer(R.mechanisms(authenticator.mechanisms(authContext(ctx))));
    const begun = authenticator.begin(mechanism, { ...authContext(ctx), remoteAddress: ctx.facts.remoteAddress, protocol: 'pop3', log: ctx.log });
    if (!begun.ok) return answer(begun.refusal === 'requires-tls' ? R.plaintextDisabled() : R.mechanismUnavailable(), AUTHORIZATION);
    const io = channel(ctx);
    const step = await driveExchange(begun.exchange, initialResponse, io);
    if (step.kind === 'bad-response') return answer(io.tooLong ? R.lineTooLong() : R.authMalformed(), AUTHORIZATION);
    if (step.kind === 'failure') return answer(failureResponse(step.reason), AUTHORIZATION);
    return openMaildrop(ctx, step.identity);
  },
};
