// SCRAM message syntax (RFC 5802 §5.1, §7): strict parsers for client-first and client-final messages and
// saslname encoding ("=2C" for ",", "=3D" for "="). Pure: text in, typed value or an error reason out.
import { isStrictBase64 } from './codec.js';

export type ScramParse<T> = { ok: true; value: T } | { ok: false; reason: 'malformed' | 'not-permitted' };

export interface ClientFirst {
  /** "n" (no channel binding support) or "y" (supported, but not offered by us). */
  cbindFlag: 'n' | 'y';
  /** Decoded authzid, '' when absent. */
  authzid: string;
  /** Decoded user name. */
  username: string;
  clientNonce: string;
  /** The gs2-header exactly as sent, echoed base64 in the client-final "c=". */
  gs2Header: string;
  /** client-first-message-bare, part of AuthMessage. */
  bare: string;
}

export interface ClientFinal {
  channelBinding: string;
  nonce: string;
  proof: Buffer;
  /** client-final-message-without-proof, part of AuthMessage. */
  withoutProof: string;
}

const MAX_NONCE = 512;
const MAX_EXTENSIONS = 16;
/** printable = %x21-2B / %x2D-7E (no comma). */
const PRINTABLE = /^[\x21-\x2b\x2d-\x7e]+$/;
/** attr-val = ALPHA "=" value; value = 1*value-char (UTF-8 except NUL and ","). */
const ATTR_VAL = /^[A-Za-z]=[^\x00,]+$/;

const bad = <T>(): ScramParse<T> => ({ ok: false, reason: 'malformed' });

/** saslname decoding: "=2C" → ",", "=3D" → "="; any other "=" or a NUL is malformed. */
export function decodeSaslname(text: string): string | null {
  if (text.length === 0 || text.includes('\u0000') || text.includes(',')) return null;
  let out = '';
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (ch !== '=') {
      out += ch;
      continue;
    }
    const esc = text.slice(i + 1, i + 3);
    if (esc === '2C') out += ',';
    else if (esc === '3D') out += '=';
    else return null;
    i += 2;
  }
  return out;
}

export function encodeSaslname(name: string): string {
  return name.replace(/=/g, '=3D').replace(/,/g, '=2C');
}

function validExtensions(parts: readonly string[]): boolean {
  return parts.length <= MAX_EXTENSIONS && parts.every((p) => ATTR_VAL.test(p) && !p.startsWith('m='));
}

/** client-first-message = gs2-header client-first-message-bare (RFC 5802 §7). */
export function parseClientFirst(message: string): ScramParse<ClientFirst> {
  const parts = message.split(',');
  const [flag, authzPart, userPart, noncePart, ...extensions] = parts;
  if (flag === undefined || authzPart === undefined || userPart === undefined || noncePart === undefined) return bad();
  // Channel binding: we offer no -PLUS mechanism, so "p=" is refused (RFC 5802 §6).
  if (flag.startsWith('p=')) return { ok: false, reason: 'not-permitted' };
  if (flag !== 'n' && flag !== 'y') return bad();
  let authzid = '';
  if (authzPart !== '') {
    if (!authzPart.startsWith('a=')) return bad();
    const decoded = decodeSaslname(authzPart.slice(2));
    if (decoded === null) return bad();
    authzid = decoded;
  }
  // RFC 5802 §5.1: a mandatory extension "m=" we do not understand fails the exchange.
  if (userPart.startsWith('m=')) return { ok: false, reason: 'not-permitted' };
  if (!userPart.startsWith('n=')) return bad();
  const username = decodeSaslname(userPart.slice(2));
  if (username === null) return bad();
  if (!noncePart.startsWith('r=')) return bad();
  const clientNonce = noncePart.slice(2);
  if (clientNonce.length > MAX_NONCE || !PRINTABLE.test(clientNonce)) return bad();
  if (!validExtensions(extensions)) return bad();
  const gs2Header = `${flag},${authzPart},`;
  return {
    ok: true,
    value: { cbindFlag: flag, authzid, username, clientNonce, gs2Header, bare: message.slice(gs2Header.length) },
  };
}

/** client-final-message = channel-binding "," nonce ["," extensions] "," proof (RFC 5802 §7). */
export function parseClientFinal(message: string): ScramParse<ClientFinal> {
  const parts = message.split(',');
  if (parts.length < 3 || parts.length > 3 + MAX_EXTENSIONS) return bad();
  const cb = parts[0] ?? '';
  const nonce = parts[1] ?? '';
  const proofPart = parts[parts.length - 1] ?? '';
  if (!cb.startsWith('c=') || !isStrictBase64(cb.slice(2)) || cb.length === 2) return bad();
  if (!nonce.startsWith('r=') || nonce.length > MAX_NONCE * 2 || !PRINTABLE.test(nonce.slice(2))) return bad();
  if (!proofPart.startsWith('p=') || !isStrictBase64(proofPart.slice(2)) || proofPart.length === 2) return bad();
  if (!validExtensions(parts.slice(2, -1))) return bad();
  return {
    ok: true,
    value: {
      channelBinding: cb.slice(2),
      nonce: nonce.slice(2),
      proof: Buffer.from(proofPart.slice(2), 'base64'),
      withoutProof: message.slice(0, message.length - proofPart.length - 1),
    },
  };
}
