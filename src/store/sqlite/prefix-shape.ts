// The shape of a message's trace prefix (migrations/0013; SPEC R7.4, issue 14 item 5), kept per message so that
// SEARCH over a mailbox knows in SQL which messages are served with exactly their body's stored values of a
// header field: the letters that start its lines, and whether it could otherwise change the header that
// follows it (the conditions of search-fields.ts' prefixIsInert that depend on the prefix alone). Pure.

/** Set when the prefix may change the body's header however its lines start. */
export const PREFIX_UNSAFE = 1 << 26;

const LF = 0x0a;
const SP = 0x20;
const HTAB = 0x09;

/** The bit of a lower-case ASCII letter's code, or 0 for another character. */
export function letterBit(code: number): number {
  const lower = code | 0x20;
  return lower >= 0x61 && lower <= 0x7a ? 1 << (lower - 0x61) : 0;
}

/**
 * Bits 0-25: a line of the prefix starts with that letter (either case). PREFIX_UNSAFE: the prefix does not end
 * its last line, starts with CR, LF, SP or HTAB, or holds a line starting with anything but a letter, SP or
 * HTAB (a blank line, CR, or an octet such as VT that parseFields' trim() drops before a field name). 0 for an
 * empty prefix.
 */
export function prefixShape(prefix: Uint8Array): number {
  if (prefix.length === 0) return 0;
  let shape = 0;
  if (prefix[prefix.length - 1] !== LF) shape |= PREFIX_UNSAFE;
  for (let pos = 0; pos < prefix.length; pos++) {
    const c = prefix[pos]!;
    if (pos !== 0 && prefix[pos - 1] !== LF) continue;
    const bit = letterBit(c);
    if (bit !== 0) shape |= bit;
    else if (pos === 0 || (c !== SP && c !== HTAB)) shape |= PREFIX_UNSAFE; // CR or LF: a blank line
  }
  return shape;
}
