// Modified UTF-7 for mailbox names (RFC 3501 §5.1.3; RFC 9051 keeps it for clients without UTF8=ACCEPT).
// Pure. Decoding is strict: a name that is not valid modified UTF-7 is refused, not guessed.

/** Encodes a UTF-8 mailbox name: printable ASCII as is ("&" as "&-"), the rest as &base64(UTF-16BE)-. */
export function encodeMutf7(name: string): string {
  let out = '';
  let pending: number[] = [];
  const flush = (): void => {
    if (pending.length === 0) return;
    const bytes = Buffer.alloc(pending.length * 2);
    pending.forEach((unit, i) => bytes.writeUInt16BE(unit, i * 2));
    out += `&${bytes.toString('base64').replace(/=+$/, '').replace(/\//g, ',')}-`;
    pending = [];
  };
  for (let i = 0; i < name.length; i += 1) {
    const unit = name.charCodeAt(i);
    if (unit >= 0x20 && unit <= 0x7e) {
      flush();
      out += unit === 0x26 ? '&-' : name[i];
    } else {
      pending.push(unit);
    }
  }
  flush();
  return out;
}

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** Decodes a modified UTF-7 name; null when it is malformed (RFC 3501 §5.1.3 rules). */
export function decodeMutf7(text: string): string | null {
  let out = '';
  for (let i = 0; i < text.length; i += 1) {
    const ch = text[i]!;
    const code = ch.charCodeAt(0);
    if (code < 0x20 || code > 0x7e) return null;
    if (ch !== '&') {
      out += ch;
      continue;
    }
    const end = text.indexOf('-', i + 1);
    if (end < 0) return null;
    const b64 = text.slice(i + 1, end);
    i = end;
    if (b64 === '') {
      out += '&';
      continue;
    }
    if (!/^[A-Za-z0-9+,]+$/.test(b64)) return null;
    const bytes = Buffer.from(b64.replace(/,/g, '/'), 'base64');
    if (bytes.length % 2 !== 0 || bytes.length === 0) return null;
    let chunk = '';
    for (let j = 0; j < bytes.length; j += 2) chunk += String.fromCharCode(bytes.readUInt16BE(j));
    // Printable ASCII must not be base64-encoded, and the UTF-16 must be well formed.
    if (/[\x20-\x7e]/.test(chunk) || encodeMutf7(chunk) !== `&${b64}-`) return null;
    // Issue 13 item 9: a lone surrogate (&2D0-) is not a character; each run must be whole UTF-16.
    if (LONE_SURROGATE.test(chunk)) return null;
    out += chunk;
  }
  return out;
}
