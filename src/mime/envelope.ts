// Building the ENVELOPE of a message from its header fields (RFC 9051 §7.5.2, RFC 3501 §7.4.2): raw
// unfolded values, first occurrence of each field, Sender and Reply-To defaulting to From. Pure.
import { parseAddressList } from './address.js';
import { fieldValue, type HeaderField } from './header.js';
import type { Envelope } from './types.js';

export function buildEnvelope(fields: readonly HeaderField[]): Envelope {
  const from = parseAddressList(fieldValue(fields, 'from'));
  // RFC 9051 §7.5.2: an absent or empty Sender / Reply-To is set to the From member.
  const sender = parseAddressList(fieldValue(fields, 'sender')) ?? from;
  const replyTo = parseAddressList(fieldValue(fields, 'reply-to')) ?? from;
  return {
    date: fieldValue(fields, 'date'),
    subject: fieldValue(fields, 'subject'),
    from,
    sender,
    replyTo,
    to: parseAddressList(fieldValue(fields, 'to')),
    cc: parseAddressList(fieldValue(fields, 'cc')),
    bcc: parseAddressList(fieldValue(fields, 'bcc')),
    inReplyTo: fieldValue(fields, 'in-reply-to'),
    messageId: fieldValue(fields, 'message-id'),
  };
}
