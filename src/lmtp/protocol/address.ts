// Mailbox addresses in MAIL FROM / RCPT TO paths (RFC 5321 §4.1.2, RFC 6531 §3.3 for UTF-8); pure.
// Source routes (obsolete `@a,@b:`) are accepted and dropped, as RFC 5321 §4.1.1.3 asks.

export interface Address {
  localPart: string;
  /** Lower-cased domain; empty for the bare `Postmaster` recipient. */
  domain: string;
}

export type PathResult = { ok: true; address: Address | null; rest: string } | { ok: false; reason: string };

const ATEXT = /^[A-Za-z0-9!#$%&'*+\-/=?^_`{|}~\u0080-\uffff]+$/;
const DOMAIN = /^(?:[A-Za-z0-9\u0080-\uffff](?:[A-Za-z0-9\u0080-\uffff-]{0,62})?)(?:\.[A-Za-z0-9\u0080-\uffff](?:[A-Za-z0-9\u0080-\uffff-]{0,62})?)*$/;
const ADDRESS_LITERAL = /^\[(?:\d{1,3}(?:\.\d{1,3}){3}|IPv6:[0-9A-Fa-f:.]+)\]$/;

const MAX_PATH = 256; // RFC 5321 §4.5.3.1.3
const MAX_LOCAL_PART = 64; // RFC 5321 §4.5.3.1.1

function parseLocalPart(text: string): string | null {
  if (text.startsWith('"')) {
    if (text.length < 2 || !text.endsWith('"')) return null;
    let out = '';
    for (let i = 1; i < text.length - 1; i += 1) {
      let ch = text[i]!;
      if (ch === '\\') {
        i += 1;
        if (i >= text.length - 1) return null;
        ch = text[i]!;
      } else if (ch === '"') {
        return null;
      }
      const code = ch.charCodeAt(0);
      if (code < 32 || code === 127) return null;
      out += ch;
    }
    return out;
  }
  const atoms = text.split('.');
  return atoms.every((a) => a.length > 0 && ATEXT.test(a)) ? text : null;
}

/** Splits `local@domain` at the last "@" outside a quoted local part. */
export function parseMailbox(text: string): Address | null {
  let at = -1;
  let quoted = false;
  for (let i = 0; i < text.length; i += 1) {
    const ch = text[i];
    if (ch === '\\' && quoted) i += 1;
    else if (ch === '"') quoted = !quoted;
    else if (ch === '@' && !quoted) at = i;
  }
  if (at <= 0) return null;
  const localPart = parseLocalPart(text.slice(0, at));
  const domain = text.slice(at + 1);
  if (localPart === null || Buffer.byteLength(localPart) > MAX_LOCAL_PART) return null;
  if (!DOMAIN.test(domain) && !ADDRESS_LITERAL.test(domain)) return null;
  return { localPart, domain: domain.toLowerCase() };
}

/**
 * Parses `<path>` at the start of `text` (after "FROM:" or "TO:"); `<>` gives null (the null
 * reverse-path); `<Postmaster>` gives a domain-less address. Returns the text after ">".
 */
export function parsePath(text: string, opts: { allowNull: boolean }): PathResult {
  if (!text.startsWith('<')) return { ok: false, reason: 'the address must be enclosed in <>' };
  const end = findPathEnd(text);
  if (end < 0) return { ok: false, reason: 'missing ">" after the address' };
  const inner = text.slice(1, end);
  const rest = text.slice(end + 1);
  if (end + 1 > MAX_PATH + 2) return { ok: false, reason: 'address too long' };
  if (inner === '') {
    return opts.allowNull ? { ok: true, address: null, rest } : { ok: false, reason: 'an empty address is not allowed here' };
  }
  const withoutRoute = inner.replace(/^@[^:]*:/, '');
  if (/^postmaster$/i.test(withoutRoute)) return { ok: true, address: { localPart: 'postmaster', domain: '' }, rest };
  const address = parseMailbox(withoutRoute);
  return address ? { ok: true, address, rest } : { ok: false, reason: `invalid address <${inner}>` };
}

function findPathEnd(text: string): number {
  let quoted = false;
  for (let i = 1; i < text.length; i += 1) {
    const ch = text[i];
    if (ch === '\\' && quoted) i += 1;
    else if (ch === '"') quoted = !quoted;
    else if (ch === '>' && !quoted) return i;
  }
  return -1;
}

/** Renders an address for trace fields and replies; quotes a local part that needs it. */
export function formatAddress(a: Address | null): string {
  if (a === null) return '';
  if (a.domain === '') return a.localPart;
  const local = parseLocalPart(a.localPart) === a.localPart ? a.localPart : `"${a.localPart.replace(/["\\]/g, '\\$&')}"`;
  return `${local}@${a.domain}`;
}
