// Flags as arguments (RFC 9051 §9 flag, flag-list; RFC 6154 §2 use-attr): "\" atom or a keyword atom.
// System flags and special-use attributes are compared case-insensitively, so they come out canonical.
import { isAtomChar, type Reader } from './reader.js';

const CANONICAL = new Map(
  [
    '\\Answered', '\\Flagged', '\\Deleted', '\\Seen', '\\Draft', '\\Recent',
    '\\All', '\\Archive', '\\Drafts', '\\Junk', '\\Sent', '\\Trash',
  ].map((f) => [f.toUpperCase(), f]),
);

/** RFC 9051 §9 flag = "\" atom (system or extension flag) / flag-keyword (atom). */
export function flag(r: Reader): string {
  if (r.peek() === 0x5c) {
    r.pos += 1;
    const name = `\\${r.run(isAtomChar, 'flag name')}`;
    return CANONICAL.get(name.toUpperCase()) ?? name;
  }
  return r.atom('flag');
}

/** RFC 9051 §9 flag-list = "(" [flag *(SP flag)] ")". */
export function flagList(r: Reader): string[] {
  return r.list(() => flag(r), true);
}
