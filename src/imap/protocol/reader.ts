// The IMAP command tokenizer (RFC 9051 §4 and §9, RFC 3501 §9, RFC 7888 LITERAL+, RFC 3516 literal8, RFC 6855
// §3 UTF-8 quoted strings): a cursor over one command's exact wire bytes. Every error is a ProtocolError
// carrying the command's tag and the octet offset where reading stopped.
import { ProtocolError } from './types.js';

/** Nesting limit for parentheses and recursive search keys (R11.1: no stack exhaustion). */
export const MAX_DEPTH = 256;
/** RFC 9051 §9 number / nz-number: unsigned 32-bit. */
export const MAX_NUMBER = 0xffffffff;

const SP = 0x20;
const DQUOTE = 0x22;
const BACKSLASH = 0x5c;
const CR = 0x0d;
const LF = 0x0a;

/** RFC 9051 §9 ATOM-CHAR: CHAR minus CTL, SP and atom-specials ( ) { % * " \ ]. */
export function isAtomChar(c: number): boolean {
  return c > SP && c < 0x7f && !'(){%*"\\]'.includes(String.fromCharCode(c));
}

/** RFC 9051 §9 ASTRING-CHAR = ATOM-CHAR / "]". */
export function isAstringChar(c: number): boolean {
  return isAtomChar(c) || c === 0x5d;
}

/** RFC 9051 §9 list-char = ATOM-CHAR / list-wildcards / resp-specials. */
export function isListChar(c: number): boolean {
  return isAstringChar(c) || c === 0x25 || c === 0x2a;
}

/** RFC 7162 §7 mod-sequence-valzer (63-bit), bounded here by what a JS number holds exactly. */
export function modSequence(r: Reader, what: string): number {
  return r.number(Number.MAX_SAFE_INTEGER, what);
}

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

export class Reader {
  pos = 0;
  private depth = 0;

  constructor(
    readonly buf: Buffer,
    readonly tag: string | null,
    readonly utf8Accept: boolean,
  ) {}

  /** Throws the ProtocolError for this command: `<tag> BAD <what> (at octet n)`. */
  fail(what: string): never {
    throw new ProtocolError(`${what} (at octet ${this.pos})`, this.tag);
  }

  /** `Unknown <what> <name>`, the name (an atom, so printable ASCII) cut to 40 characters. */
  unknown(what: string, name: string): never {
    return this.fail(`Unknown ${what} ${name.slice(0, 40)}`);
  }

  atEnd(): boolean {
    return this.pos >= this.buf.length;
  }

  /** The next octet, or -1 at the end. */
  peek(offset = 0): number {
    return this.buf[this.pos + offset] ?? -1;
  }

  /** Whether the input continues with `text` (ASCII, case-insensitive). */
  lookingAt(text: string): boolean {
    if (this.pos + text.length > this.buf.length) return false;
    return this.buf.toString('latin1', this.pos, this.pos + text.length).toUpperCase() === text.toUpperCase();
  }

  /** Consumes one expected character. */
  expect(ch: string, what = `"${ch}"`): void {
    if (this.peek() !== ch.charCodeAt(0)) this.fail(`Expected ${what}`);
    this.pos += 1;
  }

  /** Exactly one SP between arguments (RFC 9051 §9 is strict about it). */
  sp(): void {
    this.expect(' ', 'SP');
  }

  /** Consumes SP when the input continues; false at the end. */
  more(): boolean {
    if (this.atEnd()) return false;
    this.sp();
    return true;
  }

  end(): void {
    if (!this.atEnd()) this.fail('Unexpected characters after the command');
  }

  /** "(" with the nesting budget; pair with close(). */
  open(): void {
    this.expect('(');
    this.enter();
  }

  close(): void {
    this.expect(')');
    this.leave();
  }

  enter(): void {
    this.depth += 1;
    if (this.depth > MAX_DEPTH) this.fail('Too deeply nested');
  }

  leave(): void {
    this.depth -= 1;
  }

  /** `"(" item *(SP item) ")"`, or `"()"` when allowEmpty. */
  list<T>(item: () => T, allowEmpty: boolean): T[] {
    this.open();
    const items: T[] = [];
    if (this.peek() === 0x29) {
      if (!allowEmpty) this.fail('Empty list');
    } else {
      for (;;) {
        items.push(item());
        if (this.peek() !== SP) break;
        this.sp();
      }
    }
    this.close();
    return items;
  }

  /** RFC 9051 §9 atom: 1*ATOM-CHAR. */
  atom(what = 'atom'): string {
    return this.run(isAtomChar, what);
  }

  /** An atom compared case-insensitively (command names, keywords, options): upper-cased. */
  keyword(what = 'keyword'): string {
    return this.atom(what).toUpperCase();
  }

  /** 1* of the octets `accept` admits, as ASCII text. */
  run(accept: (c: number) => boolean, what: string): string {
    const start = this.pos;
    while (this.pos < this.buf.length && accept(this.buf[this.pos]!)) this.pos += 1;
    if (this.pos === start) this.fail(`Expected ${what}`);
    return this.buf.toString('latin1', start, this.pos);
  }

  /** RFC 9051 §9 number (default 32-bit) or number64 (pass Number.MAX_SAFE_INTEGER). */
  number(max = MAX_NUMBER, what = 'number'): number {
    const start = this.pos;
    while (this.peek() >= 0x30 && this.peek() <= 0x39) this.pos += 1;
    if (this.pos === start) this.fail(`Expected ${what}`);
    const digits = this.buf.toString('latin1', start, this.pos).replace(/^0+(?=\d)/, '');
    const n = digits.length > 16 ? Infinity : Number(digits);
    if (n > max) this.fail(`${what} out of range`);
    return n;
  }

  nzNumber(max = MAX_NUMBER, what = 'non-zero number'): number {
    const n = this.number(max, what);
    if (n === 0) this.fail(`Expected ${what}`);
    return n;
  }

  /**
   * RFC 9051 §9 quoted, 8-bit octets included (QUOTED-CHAR takes UTF-8; clients send raw UTF-8 or the SEARCH
   * CHARSET's octets here, and Dovecot accepts them: issue 13 item 11). What an argument's octets mean is
   * judged where it is read: mailbox names must be modified UTF-7 (else NO) unless UTF8=ACCEPT, LOGIN and
   * search strings strict UTF-8 or the named charset (else BAD).
   */
  quoted(): Buffer {
    this.expect('"', 'quoted string');
    const out: number[] = [];
    for (;;) {
      const c = this.peek();
      if (c === -1) this.fail('Unterminated quoted string');
      if (c === DQUOTE) break;
      if (c === 0 || c === CR || c === LF) this.fail('NUL, CR or LF in a quoted string');
      if (c === BACKSLASH) {
        this.pos += 1;
        const e = this.peek();
        if (e !== DQUOTE && e !== BACKSLASH) this.fail('Only \\" and \\\\ may be escaped in a quoted string');
      }
      out.push(this.buf[this.pos]!);
      this.pos += 1;
    }
    this.pos += 1;
    return Buffer.from(out);
  }

  /** `{N}` / `{N+}` CRLF N octets (no NUL), or `~{N}` literal8 (any octets) where binary is allowed. */
  literal(allowBinary = false): { data: Buffer; binary: boolean } {
    const binary = this.peek() === 0x7e;
    if (binary) {
      if (!allowBinary) this.fail('literal8 not allowed here');
      this.pos += 1;
    }
    this.expect('{', 'literal');
    const size = this.number(Number.MAX_SAFE_INTEGER, 'literal size');
    if (this.peek() === 0x2b) this.pos += 1;
    this.expect('}');
    if (this.peek() !== CR || this.peek(1) !== LF) this.fail('Expected CRLF after the literal size');
    this.pos += 2;
    if (this.buf.length - this.pos < size) this.fail('Literal shorter than announced');
    const data = this.buf.subarray(this.pos, this.pos + size);
    if (!binary && data.includes(0)) this.fail('NUL in a literal (use literal8)');
    this.pos += size;
    return { data, binary };
  }

  /** RFC 9051 §9 string = quoted / literal. */
  string(what = 'string'): Buffer {
    const c = this.peek();
    if (c === DQUOTE) return this.quoted();
    if (c === 0x7b || c === 0x7e) return this.literal().data;
    return this.fail(`Expected ${what}`);
  }

  /** RFC 9051 §9 astring = 1*ASTRING-CHAR / string. */
  astring(what = 'astring'): Buffer {
    const c = this.peek();
    if (c === DQUOTE || c === 0x7b || (c === 0x7e && this.peek(1) === 0x7b)) return this.string(what);
    return Buffer.from(this.run(isAstringChar, what), 'latin1');
  }

  /** Whether the next token is NIL (not followed by more atom characters). */
  atNil(): boolean {
    return this.lookingAt('NIL') && !isAstringChar(this.peek(3));
  }

  /** RFC 9051 §9 nstring = string / nil. */
  nstring(what = 'string or NIL'): Buffer | null {
    if (this.atNil()) {
      this.pos += 3;
      return null;
    }
    return this.string(what);
  }

  /** Strict UTF-8 text of a string argument (RFC 6855 §3); malformed UTF-8 is BAD. */
  text(data: Buffer, what = 'string'): string {
    try {
      return utf8.decode(data);
    } catch {
      return this.fail(`Malformed UTF-8 in ${what}`);
    }
  }
}
