// Mailbox names on the wire (RFC 3501 §5.1.3, RFC 6855 §3): modified UTF-7 unless UTF8=ACCEPT is enabled,
// and LIST pattern matching with "*" and "%" (RFC 9051 §6.3.9) over the "/" hierarchy.
import type { ImapContext } from './context.js';
import { astring, string, type Wire } from './protocol/encode.js';
import { encodeMutf7 } from './protocol/mutf7.js';
import { ProtocolError } from './protocol/types.js';

export const DELIMITER = '/';
const MAX_WILDCARDS = 8;

export function mailboxWire(ctx: Pick<ImapContext, 'enabled'>, name: string): Wire {
  return ctx.enabled.utf8Accept ? string(name, true) : astring(encodeMutf7(name));
}

/**
 * A LIST pattern as a predicate: "*" matches anything, "%" anything but the delimiter (RFC 9051 §6.3.9).
 * Issue 13 item 15: reference and pattern are concatenated as they are (RFC 3501 §6.3.8: "the mailbox name
 * argument is interpreted as ... the reference argument" followed by it); no delimiter is inserted and a leading
 * one does not discard the reference, as Dovecot 2.3 (mailbox_list_join_refpattern) does: "a" + "%" is "a%".
 */
export function patternMatcher(reference: string, pattern: string): (name: string) => boolean {
  // RFC 9051 §5.1: INBOX is case-insensitive, so a leading "inbox" level of the joined pattern names INBOX and
  // its children ("inbox/%" lists INBOX/x; Dovecot imap_match "inboxcase"). The store keeps them as "INBOX/…".
  const joined = `${reference}${pattern}`.replace(/^inbox(?=\/|$)/i, 'INBOX');
  // Bounded backtracking: runs of wildcards collapse, and a pattern may hold only a few (R11.1).
  const wildcards = joined.replace(/[*%]*\*[*%]*/g, '*').replace(/%+/g, '%');
  if ((wildcards.match(/[*%]/g) ?? []).length > MAX_WILDCARDS) throw new ProtocolError('Too many wildcards in the pattern');
  let re = '';
  for (const ch of wildcards) {
    if (ch === '*') re += '.*';
    else if (ch === '%') re += `[^${DELIMITER}]*`;
    else re += ch.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
  }
  const exact = new RegExp(`^${re}$`);
  const folded = new RegExp(`^${re}$`, 'i');
  // INBOX is case-insensitive (RFC 9051 §5.1): "inbox" and "Inbox" match it.
  return (name) => exact.test(name) || (name === 'INBOX' && folded.test(name));
}
