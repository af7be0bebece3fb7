// authenticate = "AUTHENTICATE" SP auth-type [SP (base64 / "=")]   (RFC 9051 §6.2.2, RFC 4959 SASL-IR)
// The initial response is kept as sent ("=" is an empty response); the SASL codec decodes it.
import type { Reader } from '../reader.js';
import type { Command } from '../types.js';

/** RFC 9051 §9 base64 = *(4base64-char) [base64-terminal]. */
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

export function parseAuthenticate(r: Reader): Command {
  r.sp();
  const mechanism = r.keyword('SASL mechanism');
  if (!r.more()) return { name: 'AUTHENTICATE', mechanism, initialResponse: null };
  const start = r.pos;
  r.pos = r.buf.length;
  const initialResponse = r.buf.toString('latin1', start);
  if (initialResponse !== '=' && (initialResponse === '' || !BASE64.test(initialResponse))) {
    r.pos = start;
    r.fail('The initial response is not base64');
  }
  return { name: 'AUTHENTICATE', mechanism, initialResponse };
}
