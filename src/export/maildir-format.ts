// Dovecot's Maildir++ formats, pure (issue 16 item 2): folder directory names (`.Sub.Folder`, modified UTF-7,
// RFC 3501 §5.1.3), `subscriptions`, `dovecot-uidlist` version 3, `dovecot-keywords`, and message file names
// `<time>.<unique>.<host>,S=<size>,W=<vsize>:2,<flags>` (maildir(5); Dovecot's maildir-uidlist.c, maildir-keywords.c).
import { createHash } from 'node:crypto';
import { encodeMutf7 } from '../imap/protocol/mutf7.js';
import { HIERARCHY_DELIMITER } from '../store/types.js';

/** Maildir++ holds at most 26 keywords per mailbox: the letters a–z in the file name's info. */
export const MAX_KEYWORD_LETTERS = 26;

/** maildir(5) info letters of the system flags, in the ASCII order the info must list them. */
const SYSTEM_LETTERS: ReadonlyArray<readonly [string, string]> = [
  ['\\Draft', 'D'],
  ['\\Flagged', 'F'],
  ['\\Answered', 'R'],
  ['\\Seen', 'S'],
  ['\\Deleted', 'T'],
];

/** Why a mailbox name cannot be a Maildir++ folder, or null when it can. */
export function folderNameProblem(name: string): string | null {
  if (name.toUpperCase() === 'INBOX') return null;
  for (const part of name.split(HIERARCHY_DELIMITER)) {
    // Maildir++ uses "." as its hierarchy separator on disk: a "." inside a name level would split it.
    if (part.includes('.')) return `"${name}" has a "." in a name level (Maildir++ separates levels with ".")`;
    if (part === '') return `"${name}" has an empty name level`;
  }
  return null;
}

/** The folder's directory below the Maildir root: "" for INBOX, `.Lists.Work` for Lists/Work (names in mUTF-7). */
export function folderDirName(name: string): string {
  if (name.toUpperCase() === 'INBOX') return '';
  return `.${name.split(HIERARCHY_DELIMITER).map(encodeMutf7).join('.')}`;
}

/** Dovecot's `subscriptions` file (version 2): `V<TAB>2`, an empty line, then one name a line, levels separated by TAB. */
export function subscriptionsFile(names: readonly string[]): string {
  const lines = names.map((n) => (n.toUpperCase() === 'INBOX' ? 'INBOX' : n.split(HIERARCHY_DELIMITER).map(encodeMutf7).join('\t')));
  return `V\t2\n\n${lines.map((l) => `${l}\n`).join('')}`;
}

/** The mailbox GUID Dovecot keeps in the uidlist header: 128 bits in hex, here derived from Postern's MAILBOXID. */
export function mailboxGuid(objectId: string): string {
  return createHash('sha256').update(`postern-mailbox:${objectId}`).digest('hex').slice(0, 32);
}

/** `dovecot-uidlist` version 3 header: `3 V<uidvalidity> N<uidnext> G<guid>`. */
export function uidlistHeader(uidValidity: number, uidNext: number, guid: string): string {
  return `3 V${uidValidity} N${uidNext} G${guid}\n`;
}

/**
 * One `dovecot-uidlist` record: `<uid> [P<pop3 uidl>] :<file name without its info>`. Dovecot gives the P value
 * to POP3 UIDL as it is, so POP3 clients see the unique-ids they already know.
 */
export function uidlistLine(uid: number, baseName: string, pop3Uidl?: string): string {
  if (pop3Uidl !== undefined && !/^[\x21-\x7e]{1,70}$/.test(pop3Uidl)) throw new Error(`not a POP3 unique-id: ${pop3Uidl}`);
  return `${uid}${pop3Uidl === undefined ? '' : ` P${pop3Uidl}`} :${baseName}\n`;
}

/** `dovecot-keywords`: `<index> <name>` a line; index 0 is the letter a. */
export function keywordsFile(keywords: readonly string[]): string {
  if (keywords.length > MAX_KEYWORD_LETTERS) throw new Error('more than 26 keywords in one Maildir');
  return keywords.map((k, i) => `${i} ${k}\n`).join('');
}

/** The info part `2,<letters>`: system flags, then keyword letters, each list in ASCII order (maildir(5)). */
export function infoFlags(flags: readonly string[], keywordIndex: ReadonlyMap<string, number>): string {
  const have = new Set(flags);
  let letters = '';
  for (const [flag, letter] of SYSTEM_LETTERS) if (have.has(flag)) letters += letter;
  const keys: number[] = [];
  for (const f of flags) {
    const i = keywordIndex.get(f);
    if (i !== undefined) keys.push(i);
  }
  keys.sort((a, b) => a - b);
  for (const i of keys) letters += String.fromCharCode(0x61 + i);
  return `2,${letters}`;
}

/** The host part of a file name: maildir(5) writes "/" as \057 and ":" as \072; Dovecot also avoids ",". */
export function safeHost(host: string): string {
  return (host === '' ? 'localhost' : host).replace(/\//g, '\\057').replace(/:/g, '\\072').replace(/,/g, '\\054');
}

/** The file name without info: `<time>.<unique>.<host>,S=<size>,W=<vsize>` (Dovecot reads S= and W= from it). */
export function baseFileName(o: { time: number; unique: string; host: string; size: number; vsize: number }): string {
  return `${o.time}.${o.unique}.${safeHost(o.host)},S=${o.size},W=${o.vsize}`;
}

/** The size with every line ending as CRLF: what Dovecot serves as RFC822.SIZE (the W= field). */
export function virtualSize(bytes: Uint8Array): number {
  let extra = 0;
  for (let i = 0; i < bytes.length; i++) if (bytes[i] === 0x0a && (i === 0 || bytes[i - 1] !== 0x0d)) extra += 1;
  return bytes.length + extra;
}
