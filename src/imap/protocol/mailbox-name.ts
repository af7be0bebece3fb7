// Mailbox names and LIST patterns as arguments (RFC 3501 §5.1.3 modified UTF-7, RFC 6855 §3 UTF-8 under
// UTF8=ACCEPT, RFC 9051 §5.1 INBOX is case-insensitive): wire astring → the name handlers see.
import { decodeMutf7 } from './mutf7.js';
import { isListChar, type Reader } from './reader.js';

/** Decodes a name as sent: strict UTF-8 under UTF8=ACCEPT, else strict modified UTF-7 (malformed → BAD). */
export function decodeName(r: Reader, data: Buffer, what = 'mailbox name'): string {
  const name = r.utf8Accept ? r.text(data, what) : decodeMutf7(data.toString('latin1'));
  if (name === null) return r.fail(`The ${what} is not valid modified UTF-7`);
  // RFC 9051 §5.1 (Net-Unicode, RFC 5198): C0 and C1 controls are refused, even base64-encoded ones.
  if (/[\x00-\x1f\x7f-\x9f]/.test(name)) r.fail(`Control character in the ${what}`);
  return name;
}

/** RFC 9051 §9 mailbox = "INBOX" / astring, with INBOX in any case normalised to "INBOX". */
export function mailbox(r: Reader): string {
  const name = decodeName(r, r.astring('mailbox name'));
  return name.toUpperCase() === 'INBOX' ? 'INBOX' : name;
}

/** RFC 9051 §9 list-mailbox = 1*list-char / string: a LIST/LSUB pattern with "%" and "*" kept. */
export function listMailbox(r: Reader): string {
  const c = r.peek();
  const data = c === 0x22 || c === 0x7b ? r.string('mailbox pattern') : Buffer.from(r.run(isListChar, 'mailbox pattern'), 'latin1');
  return decodeName(r, data, 'mailbox pattern');
}
