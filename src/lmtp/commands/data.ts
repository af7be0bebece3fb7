// DATA (RFC 5321 §4.1.1.4, RFC 2033 §4.2): 354, the dot-terminated message (unstuffed, bare LF made CRLF:
// SPEC R1.6), then one reply per accepted recipient (R1.4) once the store has committed (R1.5).
import { BodyTooLargeError } from '../../net/errors.js';
import { answer, type LmtpContext, type Outcome } from '../context.js';
import { deliverTransaction } from '../deliver.js';
import { R } from '../replies.js';

export async function data(ctx: LmtpContext): Promise<Outcome> {
  const { state } = ctx;
  const { settings } = ctx.services;
  if (state.kind !== 'transaction') return answer(R.badSequence('Send MAIL FROM first'));
  const { tx } = state;
  if (tx.recipients.length === 0) return answer(R.badSequence('No valid recipients'));
  if (tx.chunks !== null) return answer(R.badSequence('DATA after BDAT'));
  if (tx.params.body === 'BINARYMIME') return answer(R.badSequence('BODY=BINARYMIME needs BDAT')); // RFC 3030 §3
  ctx.input.send(R.dataGo());
  const ready = { kind: 'ready', helo: state.helo } as const;
  // Issue 12 item 13: the body goes to the spool as it arrives (a large one to a file), never whole in memory.
  const spool = ctx.services.spool.writer();
  try {
    await ctx.input.readDotBodyTo(settings.maxMessageBytes, spool.write);
  } catch (err) {
    spool.discard();
    if (!(err instanceof BodyTooLargeError)) throw err;
    return { replies: tx.recipients.map(() => R.messageTooBig(settings.maxMessageBytes)), state: ready };
  }
  return { replies: await deliverTransaction(ctx, tx, spool.finish()), state: ready };
}
