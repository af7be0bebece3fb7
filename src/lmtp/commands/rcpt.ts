// RCPT TO:<forward-path>   RFC 5321 §4.1.1.3, RFC 2033 §4.2: each accepted recipient later gets its own
// reply (SPEC R1.4): unknown user 550 5.1.1, over quota 552 5.2.2 (or 452 4.2.2 by configuration).
import { answer, type LmtpContext, type Outcome } from '../context.js';
import { formatAddress, type Address } from '../protocol/address.js';
import { overQuota, resolveRecipient } from '../recipients.js';
import { R } from '../replies.js';

export async function rcpt(ctx: LmtpContext, to: Address): Promise<Outcome> {
  const { state } = ctx;
  const { settings, store } = ctx.services;
  if (state.kind !== 'transaction') return answer(R.badSequence('Send MAIL FROM first'));
  const { tx } = state;
  if (tx.chunks !== null) return answer(R.badSequence('RCPT after BDAT'));
  if (tx.recipients.length >= settings.maxRecipients) return answer(R.tooManyRecipients());
  const address = formatAddress(to);
  const target = await resolveRecipient(store, to, { delimiter: settings.recipientDelimiter, detailMailbox: settings.detailMailbox });
  if (!target) {
    ctx.log.info({ event: 'rcpt-refused', to: address, reason: 'unknown-user' }, 'recipient refused');
    return answer(R.noSuchUser(address));
  }
  if (await overQuota(store, target, tx.params.size)) {
    ctx.log.info({ event: 'rcpt-refused', to: address, reason: 'over-quota' }, 'recipient refused');
    return answer(settings.quotaFullTempfail ? R.quotaTemp(address) : R.quotaFull(address));
  }
  const accepted = target.mailbox === undefined ? { address, userId: target.userId } : { address, userId: target.userId, mailbox: target.mailbox };
  return answer(R.recipientOk(), { ...state, tx: { ...tx, recipients: [...tx.recipients, accepted] } });
}
