// Sending a message as a multi-line response (RFC 1939 §5 RETR, §7 TOP; SPEC R8.2, R12): read from the store
// in chunks, byte-stuffed as it goes, so that no message is held whole. The first chunk is read before the
// +OK, so a message removed meanwhile gets a clean -ERR; a failure after the +OK ends the session.
import { isStoreError } from '../store/errors.js';
import { answer, transactionOf, type Outcome, type Pop3Context } from './context.js';
import { ResponseBrokenError, storeErrorResponse } from './errors.js';
import type { MaildropMessage } from './maildrop.js';
import { DotStuffer, TopCutter } from './protocol/multiline.js';
import { formatResponse, type Pop3Response } from './responses.js';

export async function sendMessage(
  ctx: Pop3Context,
  message: MaildropMessage,
  status: Pop3Response,
  top: TopCutter | null,
): Promise<Outcome> {
  const { identity, maildrop } = transactionOf(ctx);
  const { store, settings } = ctx.services;
  const { uid, octets } = message;
  const read = (offset: number): Promise<Buffer> =>
    store.readMessage(identity.userId, maildrop.mailboxId, uid, { offset, length: Math.min(settings.retrChunkBytes, octets - offset) });
  let chunk: Buffer;
  try {
    chunk = octets === 0 ? Buffer.alloc(0) : await read(0);
  } catch (err) {
    if (!isStoreError(err)) throw err;
    return answer(storeErrorResponse(err.kind));
  }
  const stuffer = new DotStuffer();
  await ctx.io.write(Buffer.from(formatResponse(status), 'latin1'));
  let sent = 0;
  for (;;) {
    // R8.2: the octets sent are exactly the count LIST gave (and RETR's +OK promised).
    if (chunk.length === 0 && sent < octets) throw new ResponseBrokenError(`message ${uid}: store ended at ${sent} of ${octets} octets`);
    sent += chunk.length;
    if (sent > octets) throw new ResponseBrokenError(`message ${uid}: store gave more than ${octets} octets`);
    await ctx.io.write(stuffer.push(top === null ? chunk : top.push(chunk)));
    if (sent === octets || top?.done === true) break;
    try {
      chunk = await read(sent);
    } catch (err) {
      throw new ResponseBrokenError(`message ${uid}: ${(err as Error).message} after ${sent} octets`);
    }
  }
  await ctx.io.write(stuffer.end());
  return { responses: [] };
}
