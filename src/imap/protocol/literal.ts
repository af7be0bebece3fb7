// Framing helpers for the session (RFC 9051 §4.3, §9 tag; RFC 7888 LITERAL+/LITERAL-; RFC 3516 literal8):
// does a line end with a literal marker, and what tag does a line start with. Pure.

/** A literal announced at the end of a line: `{N}`, `{N+}` (non-synchronising), `~{N}` / `~{N+}` (literal8). */
export interface TrailingLiteral {
  /** Octets announced; Infinity when the digits exceed Number.MAX_SAFE_INTEGER (no limit admits it). */
  size: number;
  nonSync: boolean;
  binary: boolean;
}

const OPEN = 0x7b; // {
const CLOSE = 0x7d; // }
const PLUS = 0x2b;
const TILDE = 0x7e;
const SP = 0x20;

function isDigit(c: number | undefined): boolean {
  return c !== undefined && c >= 0x30 && c <= 0x39;
}

/**
 * The literal marker a line (without its CRLF) ends with, or null. Strict: only `{`, decimal digits, an
 * optional `+`, `}` — no sign, space or exponent. A marker whose digits exceed Number.MAX_SAFE_INTEGER is still
 * a marker (its octets may already be on their way, RFC 7888 §4) and reports size Infinity so that any
 * size limit refuses it.
 */
export function trailingLiteral(line: Buffer): TrailingLiteral | null {
  let i = line.length - 1;
  if (line[i] !== CLOSE) return null;
  i -= 1;
  const nonSync = line[i] === PLUS;
  if (nonSync) i -= 1;
  const lastDigit = i;
  while (isDigit(line[i])) i -= 1;
  if (i === lastDigit || line[i] !== OPEN) return null;
  const binary = i > 0 && line[i - 1] === TILDE;
  const digits = line.toString('latin1', i + 1, lastDigit + 1).replace(/^0+(?=\d)/, '');
  const value = digits.length > 16 ? Infinity : Number(digits);
  return { size: value > Number.MAX_SAFE_INTEGER ? Infinity : value, nonSync, binary };
}

/** RFC 9051 §9: tag = 1*<any ASTRING-CHAR except "+">, i.e. CHAR minus CTL, SP and ( ) { % * " \ +. */
export function isTagChar(c: number): boolean {
  return c > SP && c < 0x7f && !'(){%*"\\+'.includes(String.fromCharCode(c));
}

/** The tag a line starts with when it is valid and followed by SP or the end of the line; else null. */
export function peekTag(line: Buffer): string | null {
  let i = 0;
  while (i < line.length && isTagChar(line[i]!)) i += 1;
  if (i === 0 || (i < line.length && line[i] !== SP)) return null;
  return line.toString('latin1', 0, i);
}
