// xtext (RFC 3461 §4): the encoding of AUTH= (RFC 4954 §5) and XFORWARD values; pure.

/** Decodes xtext; null when it is malformed (a bad "+XX" escape or a character outside 33–126 but "="). */
export function decodeXtext(text: string): string | null {
  const bytes: number[] = [];
  for (let i = 0; i < text.length; i += 1) {
    const c = text.charCodeAt(i);
    if (c === 0x2b) {
      const hex = text.slice(i + 1, i + 3);
      if (!/^[0-9A-F]{2}$/.test(hex)) return null;
      bytes.push(parseInt(hex, 16));
      i += 2;
    } else if (c >= 33 && c <= 126 && c !== 0x3d) {
      bytes.push(c);
    } else {
      return null;
    }
  }
  const decoded = Buffer.from(bytes);
  const text8 = decoded.toString('utf8');
  // Escaped bytes that are not UTF-8 are refused rather than turned into replacement characters.
  return Buffer.from(text8, 'utf8').equals(decoded) ? text8 : null;
}

/** Encodes a string as xtext ("+", "=" and characters outside 33–126 as +XX, UTF-8 bytes for non-ASCII). */
export function encodeXtext(value: string): string {
  let out = '';
  for (const byte of Buffer.from(value, 'utf8')) {
    out += byte >= 33 && byte <= 126 && byte !== 0x2b && byte !== 0x3d
      ? String.fromCharCode(byte)
      : `+${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}
