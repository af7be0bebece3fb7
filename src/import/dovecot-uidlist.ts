// Dovecot's dovecot-uidlist (Maildir UID list; Dovecot's src/lib-storage/index/maildir/maildir-uidlist.c) for
// `postern import dovecot` (issue 16 item 1). Pure. Version 3: a header "3 V<uidvalidity> N<nextuid> G<guid>",
// then one line per message "<uid> [<ext>...] :<filename base>", where ext is a letter and a value:
// W virtual (CRLF) size, S physical size, G GUID, P POP3 UIDL, O POP3 order (a position, not a UIDL).
// Version 1: a header "1 <uidvalidity> <nextuid>", lines "<uid> <filename>".

/** A POP3 unique-id as RFC 1939 §7 allows it. */
const POP3_UIDL = /^[\x21-\x7e]{1,70}$/;

export interface UidlistHeader {
  version: 1 | 3;
  uidValidity: number;
  nextUid: number;
}

export interface UidlistEntry {
  uid: number;
  /** The file name without the `:2,` info part (Dovecot keys on it; the flags in the name change). */
  base: string;
  /** P: the POP3 UIDL Dovecot serves for this message (RFC 1939 §7), when one was saved. */
  pop3Uidl?: string;
  /** W: the size with CRLF line ends, as IMAP and POP3 serve it. */
  vsize?: number;
}

export class UidlistError extends Error {}

/** The header line; throws UidlistError when it is not one Postern reads. */
export function parseUidlistHeader(line: string): UidlistHeader {
  const parts = line.trim().split(' ');
  if (parts[0] === '1' && parts.length >= 3) {
    return { version: 1, uidValidity: positive(parts[1]!, 'uidvalidity'), nextUid: positive(parts[2]!, 'nextuid') };
  }
  if (parts[0] !== '3') throw new UidlistError(`dovecot-uidlist version ${JSON.stringify(parts[0])} is not 1 or 3`);
  let uidValidity: number | undefined;
  let nextUid: number | undefined;
  for (const p of parts.slice(1)) {
    if (p.startsWith('V')) uidValidity = positive(p.slice(1), 'uidvalidity');
    else if (p.startsWith('N')) nextUid = positive(p.slice(1), 'nextuid');
  }
  if (uidValidity === undefined || nextUid === undefined) throw new UidlistError('dovecot-uidlist header without V or N');
  return { version: 3, uidValidity, nextUid };
}

/** One message line of a version 1 or 3 list; null for an empty line. Throws UidlistError on a malformed one. */
export function parseUidlistLine(line: string, version: 1 | 3): UidlistEntry | null {
  if (line.trim() === '') return null;
  const space = line.indexOf(' ');
  if (space <= 0) throw new UidlistError(`dovecot-uidlist line without a file name: ${JSON.stringify(line)}`);
  const uid = positive(line.slice(0, space), 'uid');
  const rest = line.slice(space + 1);
  if (version === 1) return { uid, base: baseOf(rest.trim()) };
  const entry: UidlistEntry = { uid, base: '' };
  let at = 0;
  while (at < rest.length) {
    const end = rest.indexOf(' ', at) === -1 ? rest.length : rest.indexOf(' ', at);
    const token = rest.slice(at, end);
    if (token.startsWith(':')) {
      entry.base = baseOf(rest.slice(at + 1)); // the file name runs to the end of the line
      break;
    }
    // RFC 1939 §7: 1–70 characters from 0x21–0x7E; another P value is not served (the default UIDL is).
    if (token.startsWith('P') && POP3_UIDL.test(token.slice(1))) entry.pop3Uidl = token.slice(1);
    else if (token.startsWith('W') && /^W\d+$/.test(token)) entry.vsize = Number(token.slice(1));
    at = end + 1;
  }
  if (entry.base === '') throw new UidlistError(`dovecot-uidlist line without a file name: ${JSON.stringify(line)}`);
  return entry;
}

/** A Maildir file name without its info part (`:2,FLAGS`). */
export function baseOf(filename: string): string {
  const colon = filename.indexOf(':');
  return colon === -1 ? filename : filename.slice(0, colon);
}

function positive(text: string, what: string): number {
  if (!/^\d{1,10}$/.test(text)) throw new UidlistError(`dovecot-uidlist: bad ${what} ${JSON.stringify(text)}`);
  const n = Number(text);
  if (n < 1 || n > 0xffffffff) throw new UidlistError(`dovecot-uidlist: ${what} ${n} out of range`);
  return n;
}
