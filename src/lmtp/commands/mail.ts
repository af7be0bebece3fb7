// MAIL FROM:<reverse-path> [SIZE= BODY= SMTPUTF8 REQUIRETLS AUTH=]   RFC 5321 §4.1.1.2, RFC 1870, RFC 6152,
// RFC 6531, RFC 8689 §4.1 (SPEC R3.1, R3.2), RFC 4954 §5 (SPEC R1.3).
import { offersRequireTls } from '../capabilities.js';
import { answer, type LmtpContext, type Outcome } from '../context.js';
import type { Address } from '../protocol/address.js';
import type { MailParams } from '../protocol/parse.js';
import { R } from '../replies.js';
import { newTransaction } from '../state.js';
import { believedAuthParam } from '../trust.js';

export function mail(ctx: LmtpContext, from: Address | null, params: MailParams): Outcome {
  const { state, facts } = ctx;
  const { settings } = ctx.services;
  if (state.kind === 'fresh') return answer(R.badSequence('Send LHLO first'));
  if (state.kind !== 'ready') return answer(R.badSequence('Nested MAIL command'));
  if (params.requireTls && !offersRequireTls({ tlsActive: facts.tls !== null, unixSocket: facts.transport === 'unix', requireTlsOnUnixSocket: settings.requireTlsOnUnixSocket })) {
    return answer(R.requireTlsNeedsTls()); // R3.2
  }
  if (params.size !== null && params.size > settings.maxMessageBytes) return answer(R.messageTooBig(settings.maxMessageBytes));
  // R1.3: AUTH= is believed from a trusted client, from an ordinary user only about itself; otherwise it is
  // ignored (RFC 4954 §5).
  const believed: MailParams = { ...params, auth: believedAuthParam(ctx.trust, facts, params.auth) };
  return answer(R.senderOk(), { kind: 'transaction', helo: state.helo, tx: newTransaction(from, believed) });
}
