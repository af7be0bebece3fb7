// SEARCH CHARSET (RFC 9051 §6.4.4, RFC 3501 §6.4.4, RFC 5530 BADCHARSET; issue 13 item 11): which charsets the
// search strings may be written in, and their conversion to Unicode. Conversion uses the WHATWG decoders of
// TextDecoder (ISO-8859-x, windows-125x, KOI8-R/U, the CJK encodings ...): no dependency of our own. Pure.

/** Listed in `NO [BADCHARSET (...)]`: the charsets clients send; any other label TextDecoder knows works too. */
export const LISTED_CHARSETS = [
  'US-ASCII',
  'UTF-8',
  ...[1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 14, 15].map((n) => `ISO-8859-${n}`),
  ...[0, 1, 2, 3, 4, 5, 6, 7, 8].map((n) => `WINDOWS-125${n}`),
  'KOI8-R',
  'KOI8-U',
] as const;

type Decoder = InstanceType<typeof TextDecoder>;

/** Decoders by upper-cased label; only labels TextDecoder accepted are kept, so the map stays small. */
const decoders = new Map<string, Decoder>();

/**
 * The strict (fatal) decoder for a charset label, or null when it is not one we search in. UTF-16 is refused:
 * its octets would be read as another text's, and a NUL octet cannot travel in a string anyway.
 */
export function charsetDecoder(label: string): Decoder | null {
  const key = label.toUpperCase();
  const known = decoders.get(key);
  if (known) return known;
  if (!/^[A-Z0-9._:-]{1,40}$/.test(key)) return null; // a label is an atom-like name (RFC 2978 mime-charset)
  let decoder: Decoder;
  try {
    // No ignoreBOM: a BOM is a UTF-8/UTF-16 matter (UTF-8 strings are read by Reader.text), and Node 20's
    // single-byte decoders with ignoreBOM drop a leading 0xFF (ISO-8859-1 "ÿ" became "").
    decoder = new TextDecoder(key === 'US-ASCII' ? 'utf-8' : label, { fatal: true });
  } catch {
    return null; // ERR_ENCODING_NOT_SUPPORTED: unknown, or "replacement"
  }
  if (decoder.encoding.startsWith('utf-16')) return null;
  decoders.set(key, decoder);
  return decoder;
}

export function isSearchCharset(label: string): boolean {
  return charsetDecoder(label) !== null;
}
