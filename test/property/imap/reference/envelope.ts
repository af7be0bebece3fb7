// Reference implementation kept for the property test render-text.property.test.ts: the renderer as it was
// before src/imap/protocol/envelope.ts rendered to one string. Do not change; the new renderer must match it byte for byte.
// ENVELOPE rendering (RFC 9051 §7.5.2, RFC 3501 §7.4.2): date, subject, from, sender, reply-to, to, cc, bcc,
// in-reply-to and message-id as nstrings or address lists, NIL for what is absent. Pure.
import type { Envelope, EnvelopeAddress } from '../../../../src/mime/types.js';
import { list, nstring, raw, type Wire } from './encode.js';

const NIL = raw('NIL');

/** `(name adl mailbox host)`: a group start has a NIL host, a group end is all NIL. */
function address(a: EnvelopeAddress, utf8: boolean): Wire {
  return list([nstring(a.name, utf8), nstring(a.adl, utf8), nstring(a.mailbox, utf8), nstring(a.host, utf8)]);
}

/** An address list, or NIL when there is none (RFC 9051 §9 env-from etc.: "(" 1*address ")" / nil). */
function addresses(list_: readonly EnvelopeAddress[] | null, utf8: boolean): Wire {
  if (list_ === null || list_.length === 0) return NIL;
  return Buffer.concat([raw('('), ...list_.map((a) => address(a, utf8)), raw(')')]);
}

/** The ENVELOPE value, parenthesised. `utf8` once UTF8=ACCEPT is enabled (RFC 6855 §3). */
export function renderEnvelope(env: Envelope, utf8 = false): Wire {
  return list([
    nstring(env.date, utf8),
    nstring(env.subject, utf8),
    addresses(env.from, utf8),
    addresses(env.sender, utf8),
    addresses(env.replyTo, utf8),
    addresses(env.to, utf8),
    addresses(env.cc, utf8),
    addresses(env.bcc, utf8),
    nstring(env.inReplyTo, utf8),
    nstring(env.messageId, utf8),
  ]);
}
