// A cursor over a header field value for RFC 5322 §3.2.2 CFWS (nested comments, quoted-pairs, FWS),
// RFC 2045 §5.1 tokens and RFC 5322 §3.2.4 quoted-strings, widened to UTF-8 by RFC 8616 §3 (SPEC R2.2).
// Comments are skipped with a depth counter, not recursion, so any nesting is read (R11: no stack growth).

/** RFC 2045 tspecials plus SPACE; together with CTLs these may not appear in a token. */
const TSPECIALS = '()<>@,;:\\"/[]?= ';

export class Cursor {
  pos = 0;
  /** Why the last failed operation failed. */
  error: string | null = null;

  constructor(readonly text: string) {}

  /** RFC 2045 token characters, with non-ASCII allowed (RFC 8616). */
  static isTokenChar(ch: string): boolean {
    const code = ch.charCodeAt(0);
    if (code < 0x21 || code === 0x7f) return false;
    if (code > 0x7f) return true;
    return !TSPECIALS.includes(ch);
  }

  static isKeywordChar(ch: string): boolean {
    const code = ch.charCodeAt(0);
    return (
      (code >= 0x30 && code <= 0x39) ||
      (code >= 0x41 && code <= 0x5a) ||
      (code >= 0x61 && code <= 0x7a) ||
      ch === '-' ||
      ch === '_'
    );
  }

  atEnd(): boolean {
    return this.pos >= this.text.length;
  }

  peek(): string | undefined {
    return this.text[this.pos];
  }

  private fail(message: string): false {
    this.error = message;
    return false;
  }

  /** Skips whitespace (folding CR/LF included) and comments, nested to any depth. False on an unterminated comment. */
  skipCfws(): boolean {
    const t = this.text;
    while (this.pos < t.length) {
      const ch = t[this.pos]!;
      if (ch === ' ' || ch === '\t' || ch === '\r' || ch === '\n') {
        this.pos += 1;
      } else if (ch === '(') {
        if (!this.skipComment()) return false;
      } else {
        return true;
      }
    }
    return true;
  }

  private skipComment(): boolean {
    const t = this.text;
    let depth = 0;
    while (this.pos < t.length) {
      const ch = t[this.pos]!;
      this.pos += 1;
      if (ch === '\\') {
        if (this.pos >= t.length) break;
        this.pos += 1; // quoted-pair inside a comment
      } else if (ch === '(') {
        depth += 1;
      } else if (ch === ')') {
        depth -= 1;
        if (depth === 0) return true;
      }
    }
    return this.fail('unterminated comment');
  }

  /** A run of token characters, or null when there is none. */
  readToken(): string | null {
    const start = this.pos;
    while (this.pos < this.text.length && Cursor.isTokenChar(this.text[this.pos]!)) this.pos += 1;
    if (this.pos === start) {
      this.error = `expected a token at ${start}`;
      return null;
    }
    return this.text.slice(start, this.pos);
  }

  /** A run of letters, digits, hyphens and underscores (RFC 5321 Keyword, loosely), or null. */
  readKeyword(): string | null {
    const start = this.pos;
    while (this.pos < this.text.length && Cursor.isKeywordChar(this.text[this.pos]!)) this.pos += 1;
    return this.pos === start ? null : this.text.slice(start, this.pos);
  }

  readDigits(): string | null {
    const start = this.pos;
    while (this.pos < this.text.length) {
      const code = this.text.charCodeAt(this.pos);
      if (code < 0x30 || code > 0x39) break;
      this.pos += 1;
    }
    return this.pos === start ? null : this.text.slice(start, this.pos);
  }

  /** A quoted-string's content with quoted-pairs unescaped and folding line breaks removed; null if unterminated. */
  readQuoted(): string | null {
    const t = this.text;
    let out = '';
    this.pos += 1; // opening DQUOTE
    while (this.pos < t.length) {
      const ch = t[this.pos]!;
      this.pos += 1;
      if (ch === '"') return out;
      if (ch === '\\') {
        if (this.pos >= t.length) break;
        out += t[this.pos]!;
        this.pos += 1;
      } else if (ch !== '\r' && ch !== '\n') {
        out += ch;
      }
    }
    this.error = 'unterminated quoted-string';
    return null;
  }

  /** RFC 2045 value: a token or a quoted-string. */
  readValue(): string | null {
    return this.peek() === '"' ? this.readQuoted() : this.readToken();
  }
}
