// Address lists for ENVELOPE (RFC 5322 §3.4 with the obsolete forms of §4.4: routes, phrases with dots,
// comments and whitespace anywhere), as RFC 9051 §7.5.2 address structures, group start/end markers
// included. Garbage is tolerated: whatever is not an address is skipped or kept as a best guess. Pure.
import type { EnvelopeAddress } from './types.js';

/** Placeholders for a missing local part or domain, as Dovecot sends: a NIL host would read as a group. */
export const MISSING_MAILBOX = 'MISSING_MAILBOX';
export const MISSING_DOMAIN = 'MISSING_DOMAIN';

type Kind = 'word' | 'quoted' | 'literal' | 'special';

interface Token {
  kind: Kind;
  /** The text as written (quoted strings keep their quotes; see `unquoted`). */
  text: string;
  unquoted: string;
  /** Whitespace or a comment came before this token. */
  space: boolean;
  /** The text of the last comment between this token and the next one (unescaped, outer parentheses removed). */
  commentAfter: string | null;
}

const SPECIALS = '<>,:;@.';

function tokenize(value: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  let space = false;
  const n = value.length;
  while (i < n) {
    const c = value[i] ?? '';
    if (c === ' ' || c === '\t' || c === '\r' || c === '\n') {
      space = true;
      i++;
    } else if (c === '(') {
      let depth = 0;
      let text = '';
      while (i < n) {
        const d = value[i++] ?? '';
        if (d === '\\') {
          text += value[i++] ?? '';
          continue;
        }
        if (d === '(' && depth++ === 0) continue;
        if (d === ')' && --depth === 0) break;
        text += d;
      }
      const last = tokens[tokens.length - 1];
      if (last) last.commentAfter = text;
      space = true;
    } else if (c === '"' || c === '[') {
      const close = c === '"' ? '"' : ']';
      let j = i + 1;
      let inner = '';
      while (j < n && value[j] !== close) {
        if (value[j] === '\\' && j + 1 < n) j++;
        inner += value[j];
        j++;
      }
      const text = value.slice(i, Math.min(n, j + 1));
      tokens.push({ kind: c === '"' ? 'quoted' : 'literal', text, unquoted: c === '"' ? inner : text, space, commentAfter: null });
      i = j + 1;
      space = false;
    } else if (SPECIALS.includes(c)) {
      tokens.push({ kind: 'special', text: c, unquoted: c, space, commentAfter: null });
      i++;
      space = false;
    } else {
      let j = i;
      while (j < n && !' \t\r\n()"[<>,:;@.'.includes(value[j] ?? ' ')) j++;
      if (j === i) j++; // a stray ']' or similar: one character as a word
      const text = value.slice(i, j);
      tokens.push({ kind: 'word', text, unquoted: text, space, commentAfter: null });
      i = j;
      space = false;
    }
  }
  return tokens;
}

/** A display name from phrase tokens: quotes removed, words joined by one space where spaced. */
function phrase(tokens: readonly Token[]): string | null {
  let out = '';
  tokens.forEach((t, i) => {
    if (i > 0 && t.space) out += ' ';
    out += t.unquoted;
  });
  return out === '' ? null : out;
}

/** local-part "@" domain from tokens (obsolete spacing allowed); the last "@" splits. */
function addrSpec(tokens: readonly Token[]): { mailbox: string; host: string } | null {
  if (tokens.length === 0) return null;
  let at = -1;
  tokens.forEach((t, i) => {
    if (t.kind === 'special' && t.text === '@') at = i;
  });
  const local = (at < 0 ? tokens : tokens.slice(0, at)).map((t) => t.text).join('');
  const domain = at < 0 ? '' : tokens.slice(at + 1).map((t) => t.text).join('');
  return { mailbox: local || MISSING_MAILBOX, host: domain || MISSING_DOMAIN };
}

/**
 * The display name of a bare addr-spec: the last comment within or after it, as in the RFC 822 form
 * `user@domain (Real Name)` (Dovecot and Cyrus give it as the ENVELOPE's personal name). Null when none or empty.
 */
function trailingComment(tokens: readonly Token[]): string | null {
  for (let i = tokens.length - 1; i >= 0; i--) {
    const comment = tokens[i]?.commentAfter;
    if (comment !== null && comment !== undefined) return comment === '' ? null : comment;
  }
  return null;
}

class AddressParser {
  private i = 0;
  readonly out: EnvelopeAddress[] = [];

  constructor(private readonly tokens: readonly Token[]) {}

  private at(text: string): boolean {
    const t = this.tokens[this.i];
    return t !== undefined && t.kind === 'special' && t.text === text;
  }

  /** Tokens up to (not including) the first of the stop specials at this level. */
  private until(stops: string): Token[] {
    const start = this.i;
    while (this.i < this.tokens.length) {
      const t = this.tokens[this.i];
      if (t && t.kind === 'special' && stops.includes(t.text)) break;
      this.i++;
    }
    return this.tokens.slice(start, this.i);
  }

  parseList(): void {
    while (this.i < this.tokens.length) {
      if (this.at(',') || this.at(';') || this.at('>')) {
        this.i++;
        continue;
      }
      this.item(false);
    }
  }

  /** One mailbox or (when not already inside one) a group. */
  private item(inGroup: boolean): void {
    const words = this.until(inGroup ? '<,;' : '<,:;');
    if (!inGroup && this.at(':')) {
      this.i++;
      this.out.push({ name: null, adl: null, mailbox: phrase(words) ?? '', host: null });
      while (this.i < this.tokens.length && !this.at(';')) {
        if (this.at(',') || this.at(':') || this.at('>')) this.i++;
        else this.item(true);
      }
      if (this.at(';')) this.i++;
      this.out.push({ name: null, adl: null, mailbox: null, host: null });
      return;
    }
    if (this.at('<')) {
      this.i++;
      this.angleAddr(phrase(words));
      return;
    }
    const spec = addrSpec(words);
    if (spec) this.out.push({ name: trailingComment(words), adl: null, ...spec });
  }

  /** `[route ":"] addr-spec ">"` after the "<" (RFC 5322 §4.4 obs-angle-addr), then skips to a separator. */
  private angleAddr(name: string | null): void {
    let adl: string | null = null;
    if (this.at('@')) {
      const route = this.until(':>');
      if (this.at(':')) {
        this.i++;
        adl = route.map((t) => t.text).join('');
      } else {
        this.i -= route.length; // no ":": not a route after all
      }
    }
    const inner = this.until('>,;');
    if (this.at('>')) this.i++;
    this.until(',;');
    const spec = addrSpec(inner);
    if (spec) this.out.push({ name, adl, ...spec });
    else if (name !== null) this.out.push({ name, adl, mailbox: MISSING_MAILBOX, host: MISSING_DOMAIN });
  }
}

/** The addresses of an address-list header value; null when it holds none (RFC 9051 §7.5.2: NIL). */
export function parseAddressList(value: string | null): EnvelopeAddress[] | null {
  if (value === null) return null;
  const parser = new AddressParser(tokenize(value));
  parser.parseList();
  return parser.out.length > 0 ? parser.out : null;
}
