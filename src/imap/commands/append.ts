// APPEND <mailbox> [(<flag>...)] [<date-time>] <literal> *(SP [flags] [date-time] <literal>)
// (RFC 9051 §6.3.12; RFC 3502 MULTIAPPEND; RFC 4315 §3 APPENDUID; RFC 7889 APPENDLIMIT / TOOBIG; RFC 4469
// CATENATE, catenate.ts): every message of the command in one store transaction, all stored or none (RFC 3502
// §6.3.11): no other session ever sees a message of a MULTIAPPEND that failed, nor its expunge.
import { normalizeLineEndings } from '../../delivery/header-block.js';
import { isStoreError } from '../../store/errors.js';
import { readHead, type SpooledBody } from '../../net/spool.js';
import { bodyLength, isFileBody, type AppendInput, type BodyBytes, type MailboxInfo } from '../../store/types.js';
import { fieldValue, readHeader } from '../../mime/header.js';
import { catenate } from '../catenate.js';
import type { CommandSpec } from '../context.js';
import { zeroLengthRefusal } from '../append-preflight.js';
import { storeErrorResult } from '../errors.js';
import { privacyGuard } from '../privacy.js';
import type { AppendMessage } from '../protocol/types.js';
import { no, ok } from '../responses.js';
import { formatSet } from '../sequence.js';
import { userOf } from '../state.js';

/** Enough of a header to find TLS-Required among the first fields. */
const HEADER_SCAN_BYTES = 64 * 1024;

/**
 * The message's octets: the literal, or the spool file the session put a marker in place of (issue 12 item 13).
 * Bare LF becomes CRLF, as at LMTP (issue 13 item 13, R1.6): what is stored is what FETCH serves and
 * RFC822.SIZE counts. The session's spool writer did the same for the spooled literals.
 */
function messageBytes(m: AppendMessage, spooled: ReadonlyMap<string, SpooledBody>): BodyBytes {
  const body = m.message.length < 64 ? spooled.get(m.message.toString('latin1')) : undefined;
  if (body === undefined) return normalizeLineEndings(m.message);
  if (body.kind === 'memory') return normalizeLineEndings(body.bytes);
  return { head: Buffer.alloc(0), path: body.path, offset: 0, length: body.size };
}

function appendInput(m: AppendMessage, raw: BodyBytes): AppendInput {
  const head = isFileBody(raw) ? readHead(raw.path, Math.min(raw.length, HEADER_SCAN_BYTES)) : raw;
  const header = readHeader(head, 0, head.length, HEADER_SCAN_BYTES);
  const tlsRequired = fieldValue(header.fields, 'tls-required');
  return {
    raw,
    flags: m.flags, // \Recent and unknown system flags are BAD at parse (issue 13 item 17)
    ...(m.date === null ? {} : { internalDate: m.date.instant, internalZone: m.date.zone }), // issue 13 item 6
    requireTls: false, // REQUIRETLS is an SMTP transaction property; a client's APPEND never carries it
    tlsRequiredNo: tlsRequired !== null && tlsRequired.trim().toLowerCase() === 'no', // R3.3, RFC 8689 §5
  };
}

export const append: CommandSpec<'APPEND'> = {
  states: ['authenticated', 'selected'],
  expunge: 'allowed',
  async run(ctx, cmd) {
    const user = userOf(ctx.state)!;
    const { store, settings } = ctx.services;
    // RFC 4469: each CATENATE message built first (NO [BADURL] / [TOOBIG] before anything is stored).
    const bodies: BodyBytes[] = [];
    for (const m of cmd.messages) {
      if (m.catenate === undefined) {
        bodies.push(messageBytes(m, ctx.spooled));
        continue;
      }
      const built = await catenate(ctx, user, m.catenate, ctx.spooled);
      if ('refusal' in built) return { result: built.refusal };
      bodies.push(normalizeLineEndings(built.bytes)); // as any APPEND (issue 13 item 13)
    }
    // RFC 7889 §4: a message above the advertised APPENDLIMIT is refused with TOOBIG, before storing any.
    if (bodies.some((b) => bodyLength(b) > settings.maxMessageBytes)) {
      return { result: no(`Message larger than the limit of ${settings.maxMessageBytes} octets`, 'TOOBIG') };
    }
    let target: MailboxInfo;
    try {
      target = await store.getMailbox(user.id, cmd.mailbox);
    } catch (err) {
      if (!isStoreError(err, 'not-found')) throw err;
      return { result: storeErrorResult(err, 'destination') }; // NO [TRYCREATE] (RFC 9051 §6.3.12)
    }
    // Issue 13 item 14: no empty message (RFC 5322 §3.5), as Dovecot; the session refused a synchronising one
    // before "+", this is the LITERAL+ and later-MULTIAPPEND case.
    if (bodies.some((b) => bodyLength(b) === 0)) return { result: zeroLengthRefusal() };
    // R3.4: the dispatcher refused a protected target already; the store checks again inside each write (a
    // delivery may have made it protected since), so no APPENDUID of one ever reaches a cleartext session.
    const guard = privacyGuard(ctx);
    const stored = await store.appendAll(user.id, target.id, cmd.messages.map((m, i) => appendInput(m, bodies[i]!)), guard);
    const first = stored[0];
    if (!first) return { result: ok('APPEND completed') };
    const uids = formatSet(stored.map((s) => s.uid));
    return { result: ok('APPEND completed', `APPENDUID ${first.uidValidity} ${uids}`) };
  },
};
