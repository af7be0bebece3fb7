// ENVELOPE as IMAP wire text (RFC 9051 §7.5.2, RFC 3501 §7.4.2): date, subject, from, sender, reply-to, to, cc,
// bcc, in-reply-to and message-id as nstrings or address lists, NIL for what is absent. Pure and protocol-neutral:
// rendered at ingest by the store (issue 17 item 2) and at FETCH by imap/ (imap/protocol/envelope.ts).
import type { Envelope, EnvelopeAddress } from '../types.js';
import { nstringText, type WireText } from './wire-text.js';

/** An address list, or NIL when there is none (RFC 9051 §9 env-from etc.: "(" 1*address ")" / nil). */
function addresses(list: readonly EnvelopeAddress[] | null, utf8: boolean): WireText {
  if (list === null || list.length === 0) return 'NIL';
  let out = '(';
  // `(name adl mailbox host)`: a group start has a NIL host, a group end is all NIL.
  for (const a of list) {
    out += `(${nstringText(a.name, utf8)} ${nstringText(a.adl, utf8)} ${nstringText(a.mailbox, utf8)} ${nstringText(a.host, utf8)})`;
  }
  return `${out})`;
}

/** The ENVELOPE value, parenthesised, as text. `utf8` once UTF8=ACCEPT is enabled (RFC 6855 §3). */
export function envelopeText(env: Envelope, utf8 = false): WireText {
  return (
    `(${nstringText(env.date, utf8)} ${nstringText(env.subject, utf8)} ${addresses(env.from, utf8)} ` +
    `${addresses(env.sender, utf8)} ${addresses(env.replyTo, utf8)} ${addresses(env.to, utf8)} ` +
    `${addresses(env.cc, utf8)} ${addresses(env.bcc, utf8)} ${nstringText(env.inReplyTo, utf8)} ${nstringText(env.messageId, utf8)})`
  );
}
