// A cursor over structured header field values (RFC 2045 §5.1 tokens and tspecials, RFC 5322 §3.2.4 quoted
// strings, §3.2.2 comments and folding white space), tolerant of malformed input. Pure; never throws.

const TOKEN = /[^\x00-\x20()<>@,;:\\"/[\]?=\x7f]+/y;
const BARE_VALUE = /[^\x00-\x20();"\x7f]+/y;

/** A cursor over a structured value: RFC 2045 tokens, quoted strings, comments skipped as whitespace. */
export class Cursor {
  pos = 0;
  constructor(readonly text: string) {}

  get done(): boolean {
    this.skipCfws();
    return this.pos >= this.text.length;
  }

  peek(): string {
    this.skipCfws();
    return this.text[this.pos] ?? '';
  }

  /** Skips whitespace and (nested, escaped) comments. */
  skipCfws(): void {
    const t = this.text;
    while (this.pos < t.length) {
      const c = t[this.pos];
      if (c === ' ' || c === '\t' || c === '\r' || c === '\n') this.pos++;
      else if (c === '(') this.skipComment();
      else return;
    }
  }

  private skipComment(): void {
    let depth = 0;
    const t = this.text;
    while (this.pos < t.length) {
      const c = t[this.pos++];
      if (c === '\\') this.pos++;
      else if (c === '(') depth++;
      else if (c === ')' && --depth === 0) return;
    }
  }

  /** A token (RFC 2045 §5.1: no SPACE, CTLs or tspecials), or '' when none is here. */
  token(): string {
    return this.match(TOKEN);
  }

  /** An unquoted parameter value, tolerating tspecials such as "=" that senders leave unquoted. */
  bare(): string {
    return this.match(BARE_VALUE);
  }

  private match(re: RegExp): string {
    this.skipCfws();
    re.lastIndex = this.pos;
    const m = re.exec(this.text);
    if (!m) return '';
    this.pos += m[0].length;
    return m[0];
  }

  /** A quoted string, unquoted (backslash escapes removed); an unterminated one runs to the end. */
  quoted(): string {
    this.skipCfws();
    if (this.text[this.pos] !== '"') return '';
    this.pos++;
    let out = '';
    while (this.pos < this.text.length) {
      const c = this.text[this.pos++];
      if (c === '"') return out;
      if (c === '\\' && this.pos < this.text.length) out += this.text[this.pos++];
      else out += c;
    }
    return out;
  }

  /** Consumes `ch` when it is next. */
  eat(ch: string): boolean {
    if (this.peek() !== ch) return false;
    this.pos++;
    return true;
  }

  /** Skips to just after the next `ch` outside quotes (error recovery). */
  skipPast(ch: string): void {
    while (this.pos < this.text.length) {
      const c = this.text[this.pos];
      if (c === '"') this.quoted();
      else if (c === '(') this.skipCfws();
      else {
        this.pos++;
        if (c === ch) return;
      }
    }
  }
}
