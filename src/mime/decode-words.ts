// RFC 2047 encoded-words in header values decoded (libmime), for SEARCH, the text index and delivery rules.
// Pure; never throws.
import libmime from 'libmime';

/** RFC 2047 decoding of a header value; malformed encoded-words are left as they are. */
export function decodeHeaderValue(value: string): string {
  try {
    return libmime.decodeWords(value);
  } catch {
    return value;
  }
}
