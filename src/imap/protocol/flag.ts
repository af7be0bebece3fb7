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

/** The system flags a client may store or append with (RFC 9051 §2.3.2); \Recent is the server's alone. */
const SETTABLE = new Set(['\\Answered', '\\Flagged', '\\Deleted', '\\Seen', '\\Draft']);

/**
 * A flag of STORE or APPEND: a keyword or one of the five settable system flags. Issue 13 item 17: `\Recent`
 * and unknown `\Foo` (RFC 9051 §9 flag-extension, none defined) are BAD, as Dovecot answers them.
 */
export function messageFlag(r: Reader): string {
  const at = r.pos;
  const f = flag(r);
  if (f.startsWith('\\') && !SETTABLE.has(f)) {
    r.pos = at;
    r.fail(`Invalid system flag ${f.slice(0, 40)}`);
  }
  return f;
}

/** RFC 9051 §9 flag-list = "(" [flag *(SP flag)] ")", of flags a client may set (messageFlag). */
export function messageFlagList(r: Reader): string[] {
  return r.list(() => messageFlag(r), true);
}
