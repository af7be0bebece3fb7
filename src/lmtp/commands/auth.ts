// AUTH <mechanism> [initial-response] (RFC 4954 §4, SPEC R6, R1.9): the shared SASL module drives the
// exchange; 334 challenges; "=" is an empty initial response and "*" cancels (R6.2); refused inside a
// mail transaction with 503 5.5.1 (seed 000); password mechanisms without TLS get 530 5.7.0 (R5.3).
import { LineTooLongError } from '../../net/errors.js';
import { driveExchange } from '../../sasl/drive.js';
import type { SaslOutcome } from '../../sasl/mechanism.js';
import { answer, type LmtpContext, type Outcome } from '../context.js';
import { reply, R, type Reply } from '../replies.js';

function finalReply(step: SaslOutcome): Reply {
  if (step.kind === 'success') return R.authOk();
  switch (step.reason) {
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
      const never: never = step.reason;
      return never;
    }
  }
}

export async function auth(ctx: LmtpContext, mechanism: string, initialResponse: string | null): Promise<Outcome> {
  const { facts, state } = ctx;
  const { authenticator, settings } = ctx.services;
  if (state.kind === 'transaction') return answer(R.badSequence('AUTH not allowed inside a mail transaction')); // R1.9
  if (state.kind === 'fresh') return answer(R.badSequence('Send LHLO first'));
  if (facts.auth !== null) return answer(R.alreadyAuthenticated());

  const begun = authenticator.begin(mechanism, {
    tls: facts.tls !== null,
    peer: facts.peer,
    allowPlaintextWithoutTls: settings.allowPlaintextWithoutTls,
    remoteAddress: facts.remoteAddress,
    protocol: 'lmtp',
    log: ctx.log,
  });
  if (!begun.ok) {
    if (begun.refusal === 'requires-tls') return answer(R.tlsFirst()); // R5.3, seed 000
    return answer(R.mechanismUnavailable());
  }
  const { exchange } = begun;
  const step = await driveExchange(exchange, initialResponse, {
    async challenge(encoded) {
      ctx.input.send(reply(334, null, encoded));
      try {
        return await ctx.input.readLine();
      } catch (err) {
        if (err instanceof LineTooLongError) return null;
        throw err;
      }
    },
  });
  if (step.kind === 'bad-response') return answer(R.authMalformed());
  if (step.kind === 'success') facts.auth = step.identity; // the authenticator logged the outcome
  return answer(finalReply(step));
}
