// Wire form of SASL challenges and responses shared by IMAP AUTHENTICATE (RFC 9051 §6.2.2, RFC 4959), POP3
// AUTH (RFC 5034 §4) and LMTP/SMTP AUTH (RFC 4954 §4): base64 lines, "=" an empty response, "*" cancel (R6.2).

export type DecodedResponse =
  | { kind: 'cancel' }
  | { kind: 'data'; data: Buffer }
  | { kind: 'error'; message: string };

/** Longest response line accepted, in base64 characters (about 12 KiB decoded). */
export const MAX_RESPONSE_CHARS = 16384;

const BASE64_CHARS = /^[A-Za-z0-9+/]*={0,2}$/;

/**
 * Decodes one client response line (without its CRLF). Strict base64 (RFC 4648 §4): the alphabet only, no
 * whitespace, length a multiple of 4, correct padding and zero pad bits, so every response has one spelling.
 */
export function decodeResponse(line: string | Buffer, maxChars: number = MAX_RESPONSE_CHARS): DecodedResponse {
  if (line.length > maxChars) return { kind: 'error', message: 'response too long' };
  const text = typeof line === 'string' ? line : line.toString('latin1');
  if (text === '*') return { kind: 'cancel' };
  // RFC 4954 §4, seed 000: "=" is an empty (initial) response; an empty line is one too.
  if (text === '' || text === '=') return { kind: 'data', data: Buffer.alloc(0) };
  if (!BASE64_CHARS.test(text)) return { kind: 'error', message: 'invalid base64 character' };
  if (text.length % 4 !== 0) return { kind: 'error', message: 'invalid base64 length' };
  const data = Buffer.from(text, 'base64');
  if (data.toString('base64') !== text) return { kind: 'error', message: 'invalid base64 padding' };
  return { kind: 'data', data };
}

/** Whether `text` is canonical padded base64 (RFC 4648 §4): the one spelling Buffer would produce. */
export function isStrictBase64(text: string): boolean {
  return text.length % 4 === 0 && BASE64_CHARS.test(text) && Buffer.from(text, 'base64').toString('base64') === text;
}

/** Encodes a server challenge; an empty challenge is the empty string (IMAP "+ ", POP3 "+ ", LMTP "334 "). */
export function encodeChallenge(data: Buffer): string {
  return data.toString('base64');
}

/** Encodes a client response (for test clients and the SMTP "=" convention for an empty one). */
export function encodeResponse(data: Buffer): string {
  return data.length === 0 ? '=' : data.toString('base64');
}
