// Mailbox names and LIST patterns as arguments (RFC 3501 §5.1.3 modified UTF-7, RFC 6855 §3 UTF-8 under
// UTF8=ACCEPT, RFC 9051 §5.1 INBOX is case-insensitive): wire astring → the name handlers see.
// Issue 13 item 9: a name that is not valid modified UTF-7 is still a valid astring, so it is refused with NO
// (ProtocolRefusal), as Dovecot 2.3 does, not BAD; a LIST/LSUB pattern that is not valid matches nothing.
import { decodeMutf7 } from './mutf7.js';
import { isListChar, type Reader } from './reader.js';
import { ProtocolRefusal } from './types.js';

/** The decoded name, or null when it is not valid modified UTF-7 (or, under UTF8=ACCEPT, not valid UTF-8). */
function decodeOrNull(r: Reader, data: Buffer, what: string): string | null {
  if (!r.utf8Accept) return decodeMutf7(data.toString('latin1'));
  try {
    return r.text(data, what);
  } catch {
    return null;
  }
}

/** Decodes a name as sent: strict UTF-8 under UTF8=ACCEPT, else strict modified UTF-7 (malformed → NO). */
export function decodeName(r: Reader, data: Buffer, what = 'mailbox name', code: 'NONEXISTENT' | 'CANNOT' = 'NONEXISTENT'): string {
  const name = decodeOrNull(r, data, what);
  if (name === null) throw new ProtocolRefusal(`The ${what} is not valid ${r.utf8Accept ? 'UTF-8' : 'modified UTF-7'}`, code, r.tag);
  return checkControls(r, name, what);
}

function checkControls(r: Reader, name: string, what: string): string {
  // RFC 9051 §5.1 (Net-Unicode, RFC 5198): C0 and C1 controls are refused, even base64-encoded ones.
  if (/[\x00-\x1f\x7f-\x9f]/.test(name)) r.fail(`Control character in the ${what}`);
  return name;
}

/**
 * RFC 9051 §9 mailbox = "INBOX" / astring, with INBOX in any case normalised to "INBOX". `code` is the NO's
 * response code when the name is not valid: NONEXISTENT for a mailbox looked up, CANNOT for one to be made.
 */
export function mailbox(r: Reader, code: 'NONEXISTENT' | 'CANNOT' = 'NONEXISTENT'): string {
  const name = decodeName(r, r.astring('mailbox name'), 'mailbox name', code);
  return name.toUpperCase() === 'INBOX' ? 'INBOX' : name;
}

/** A reference (LIST, LSUB); null when it is not a valid name, and then nothing matches. */
export function reference(r: Reader): string | null {
  const name = decodeOrNull(r, r.astring('reference'), 'reference');
  return name === null ? null : checkControls(r, name, 'reference');
}

/**
 * RFC 9051 §9 list-mailbox = 1*list-char / string: a LIST/LSUB pattern with "%" and "*" kept; null when it is
 * not valid modified UTF-7 (no mailbox can match it).
 */
export function listMailbox(r: Reader): string | null {
  const c = r.peek();
  const data = c === 0x22 || c === 0x7b ? r.string('mailbox pattern') : Buffer.from(r.run(isListChar, 'mailbox pattern'), 'latin1');
  const name = decodeOrNull(r, data, 'mailbox pattern');
  return name === null ? null : checkControls(r, name, 'mailbox pattern');
}
