// id = "ID" SP id-params-list; id-params-list = "(" *(string SP nstring) ")" / nil   (RFC 2971 §4)
// RFC 2971 §3.3: at most 30 pairs, field names at most 30 octets, values at most 1024 octets.
import type { Reader } from '../reader.js';
import type { Command } from '../types.js';

export const MAX_ID_PAIRS = 30;
export const MAX_ID_FIELD = 30;
export const MAX_ID_VALUE = 1024;

const lenient = new TextDecoder('utf-8', { ignoreBOM: true });

export function parseId(r: Reader): Command {
  r.sp();
  if (r.atNil()) {
    r.pos += 3;
    return { name: 'ID', params: null };
  }
  // A null-prototype record: field names such as "__proto__" are plain keys.
  const params: Record<string, string | null> = Object.create(null) as Record<string, string | null>;
  let pairs = 0;
  r.open();
  while (r.peek() !== 0x29) {
    if (pairs > 0) r.sp();
    pairs += 1;
    if (pairs > MAX_ID_PAIRS) r.fail(`More than ${MAX_ID_PAIRS} ID field-value pairs`);
    const field = r.string('ID field name');
    if (field.length > MAX_ID_FIELD) r.fail(`ID field name longer than ${MAX_ID_FIELD} octets`);
    r.sp();
    const value = r.nstring('ID value');
    if (value !== null && value.length > MAX_ID_VALUE) r.fail(`ID value longer than ${MAX_ID_VALUE} octets`);
    // Informational only: decoded leniently (U+FFFD for malformed UTF-8), never refused for it.
    params[lenient.decode(field)] = value === null ? null : lenient.decode(value);
  }
  r.close();
  return { name: 'ID', params };
}
