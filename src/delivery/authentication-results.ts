// Parser of Authentication-Results field values (RFC 8601 §2.2, RFC 8616 UTF-8 values, RFC 5322 §3.2.2 CFWS):
// the authserv-id part exactly, the resinfo list minimally (SPEC R2.2). Never throws; linear time, no regex.
// No length or nesting limit of its own: the whole value is read, bounded only by the header block (R11).
import { Cursor } from './cfws-cursor.js';
import { canonicalAuthservId } from './field-readings.js';

export type AuthservIdResult = { authservId: string; version: number | null } | { error: string };

export interface ResultProperty {
  ptype: string;
  property: string;
  value: string;
}

export interface ResInfo {
  method: string;
  methodVersion: number | null;
  result: string;
  reason: string | null;
  props: ResultProperty[];
}

export type AuthenticationResults =
  | { authservId: string; version: number | null; none: boolean; results: ResInfo[] }
  | { error: string };

interface Head {
  authservId: string;
  version: number | null;
  cursor: Cursor;
}

function parseHead(value: string): Head | { error: string } {
  const c = new Cursor(value);
  if (!c.skipCfws()) return { error: c.error ?? 'bad comment' };
  const id = c.readValue(); // RFC 8601 §2.2: authserv-id = value (RFC 2045 token / quoted-string)
  if (id === null) return { error: c.error ?? 'missing authserv-id' };
  if (id.length === 0) return { error: 'empty authserv-id' };
  const gap = c.pos;
  if (!c.skipCfws()) return { error: c.error ?? 'bad comment' };
  let version: number | null = null;
  const digits = c.readDigits();
  if (digits !== null) {
    // authres-version needs CFWS between it and the id; "example.org1" is one token anyway.
    if (c.pos - digits.length === gap) return { error: 'version not separated from authserv-id' };
    version = Number(digits); // any length: a long version must not make the id undeterminable
    if (!c.skipCfws()) return { error: c.error ?? 'bad comment' };
  }
  if (!c.atEnd() && c.peek() !== ';') return { error: `unexpected text after authserv-id at ${c.pos}` };
  return { authservId: id, version, cursor: c };
}

/** Parses the authserv-id and optional version at the start of an Authentication-Results value. */
export function parseAuthservId(value: string): AuthservIdResult {
  const head = parseHead(value);
  if ('error' in head) return head;
  return { authservId: head.authservId, version: head.version };
}

/**
 * Case-insensitive comparison of authserv-ids (RFC 8601 §2.5), Unicode-aware (RFC 8616): NFKC and case folded,
 * spaces and invisible characters ignored, trailing root dots ignored (see canonicalAuthservId). Empty ids never match.
 */
export function sameAuthservId(a: string, b: string): boolean {
  const ca = canonicalAuthservId(a);
  return ca.length > 0 && ca === canonicalAuthservId(b);
}

function parsePvalue(c: Cursor): string | null {
  // pvalue = [CFWS] ( value / [ [ local-part ] "@" ] domain-name ) [CFWS]
  let out = '';
  if (c.peek() !== '@') {
    const v = c.readValue();
    if (v === null) return null;
    out = v;
  }
  if (c.peek() === '@') {
    c.pos += 1;
    const domain = c.readToken();
    if (domain === null) return null;
    out += `@${domain}`;
  }
  return out;
}

function parseResInfo(c: Cursor): ResInfo | { error: string } {
  const method = c.readKeyword();
  if (method === null) return { error: `expected a method at ${c.pos}` };
  let methodVersion: number | null = null;
  if (!c.skipCfws()) return { error: c.error ?? 'bad comment' };
  if (c.peek() === '/') {
    c.pos += 1;
    if (!c.skipCfws()) return { error: c.error ?? 'bad comment' };
    const v = c.readDigits();
    if (v === null || v.length > 9) return { error: 'bad method version' };
    methodVersion = Number(v);
    if (!c.skipCfws()) return { error: c.error ?? 'bad comment' };
  }
  if (c.peek() !== '=') return { error: `expected "=" after method at ${c.pos}` };
  c.pos += 1;
  if (!c.skipCfws()) return { error: c.error ?? 'bad comment' };
  const result = c.readKeyword();
  if (result === null) return { error: `expected a result at ${c.pos}` };
  const info: ResInfo = {
    method: method.toLowerCase(),
    methodVersion,
    result: result.toLowerCase(),
    reason: null,
    props: [],
  };
  for (;;) {
    if (!c.skipCfws()) return { error: c.error ?? 'bad comment' };
    if (c.atEnd() || c.peek() === ';') return info;
    const word = c.readKeyword();
    if (word === null) return { error: `unexpected character at ${c.pos}` };
    if (!c.skipCfws()) return { error: c.error ?? 'bad comment' };
    if (word.toLowerCase() === 'reason' && c.peek() === '=' && info.reason === null) {
      c.pos += 1;
      if (!c.skipCfws()) return { error: c.error ?? 'bad comment' };
      const reason = c.readValue();
      if (reason === null) return { error: 'bad reason' };
      info.reason = reason;
      continue;
    }
    if (c.peek() !== '.') return { error: `expected ptype.property at ${c.pos}` };
    c.pos += 1;
    if (!c.skipCfws()) return { error: c.error ?? 'bad comment' };
    const property = c.readKeyword();
    if (property === null) return { error: 'bad property' };
    if (!c.skipCfws()) return { error: c.error ?? 'bad comment' };
    if (c.peek() !== '=') return { error: `expected "=" after property at ${c.pos}` };
    c.pos += 1;
    if (!c.skipCfws()) return { error: c.error ?? 'bad comment' };
    const pvalue = parsePvalue(c);
    if (pvalue === null) return { error: 'bad property value' };
    info.props.push({ ptype: word.toLowerCase(), property: property.toLowerCase(), value: pvalue });
  }
}

/** Parses a whole Authentication-Results value: the id, `none`, or the resinfo list (for tests and logs). */
export function parseAuthenticationResults(value: string): AuthenticationResults {
  const head = parseHead(value);
  if ('error' in head) return head;
  const c = head.cursor;
  const results: ResInfo[] = [];
  let none = false;
  while (!c.atEnd()) {
    if (c.peek() !== ';') return { error: `expected ";" at ${c.pos}` };
    c.pos += 1;
    if (!c.skipCfws()) return { error: c.error ?? 'bad comment' };
    if (results.length === 0 && !none) {
      const save = c.pos;
      const word = c.readKeyword();
      if (word !== null && word.toLowerCase() === 'none') {
        if (!c.skipCfws()) return { error: c.error ?? 'bad comment' };
        if (c.atEnd()) {
          none = true;
          break;
        }
      }
      c.pos = save;
    }
    const info = parseResInfo(c);
    if ('error' in info) return info;
    results.push(info);
  }
  return { authservId: head.authservId, version: head.version, none, results };
}

/**
 * A forgiving guess at the first word of a value that failed to parse: comments removed however
 * unbalanced or deep, quotes and backslashes dropped, cut at the first character a token may not hold.
 * Reads the whole value.
 */
export function looseFirstWord(value: string): string {
  const limit = value.length;
  let depth = 0;
  let word = '';
  for (let i = 0; i < limit; i += 1) {
    const ch = value[i]!;
    if (ch === '\\') {
      i += 1;
      if (depth === 0 && i < limit) {
        const next = value[i]!;
        if (Cursor.isTokenChar(next)) word += next;
        else if (word.length > 0) return word;
      }
      continue;
    }
    if (ch === '(') {
      depth += 1;
      continue;
    }
    if (ch === ')') {
      if (depth > 0) depth -= 1;
      continue;
    }
    if (depth > 0 || ch === '"') continue;
    if (Cursor.isTokenChar(ch)) word += ch;
    else if (word.length > 0) return word;
  }
  return word;
}
