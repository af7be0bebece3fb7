// BDAT <size> [LAST] (RFC 3030 §2, §4): the chunk's octets always follow the command and are always read,
// whatever the reply, so the session stays in step. LAST ends the message: one reply per recipient (R1.4).
import { answer, type LmtpContext, type Outcome } from '../context.js';
import { deliverTransaction } from '../deliver.js';
import { R } from '../replies.js';

/** Reads and drops `size` octets in bounded pieces. */
async function discard(ctx: LmtpContext, size: number): Promise<void> {
  for (let left = size; left > 0; ) {
    const n = Math.min(left, 1 << 20);
    await ctx.input.readBytes(n);
    left -= n;
  }
}

export async function bdat(ctx: LmtpContext, size: number, last: boolean): Promise<Outcome> {
  const { state } = ctx;
  const { settings } = ctx.services;
  if (size > settings.maxMessageBytes) {
    // More than any message may be: hang up instead of reading and discarding it (R11.2).
    return { replies: [R.messageTooBig(settings.maxMessageBytes)], state: { kind: 'closing' }, after: 'close' };
  }
  if (state.kind !== 'transaction' || state.tx.recipients.length === 0) {
    await discard(ctx, size);
    return answer(R.badSequence(state.kind === 'transaction' ? 'No valid recipients' : 'Send MAIL FROM first'));
  }
  const { tx } = state;
  const total = tx.chunkBytes + size;
  const oversized = tx.oversized || total > settings.maxMessageBytes;
  // Issue 12 item 13: the chunks go to the spool as they arrive, bare LF made CRLF on the way (R1.6).
  const chunks = tx.chunks ?? ctx.services.spool.writer({ crlf: true });
  if (oversized) {
    chunks.discard(); // it stays as the mark that BDAT has begun
    await discard(ctx, size);
  } else if (size > 0) {
    await ctx.input.readBytesTo(size, chunks.write);
  }
  const next = { ...tx, chunks, chunkBytes: total, oversized };
  const ready = { kind: 'ready', helo: state.helo } as const;

  if (!last) return answer(oversized ? R.messageTooBig(settings.maxMessageBytes) : R.chunkOk(size), { ...state, tx: next });
  if (oversized) return { replies: tx.recipients.map(() => R.messageTooBig(settings.maxMessageBytes)), state: ready };
  return { replies: await deliverTransaction(ctx, next, chunks.finish()), state: ready };
}
