// The encoder the reference renderers use (render-text.property.test.ts): the Buffer encoder of
// src/imap/protocol/encode.ts, which is still in use, except dateTime, frozen here as it was before it
// delegated to the string encoder (encode-text.ts) under test.
import type { Wire } from '../../../../src/imap/protocol/encode.js';

export { list, nstring, number, raw, string, type Wire } from '../../../../src/imap/protocol/encode.js';

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** RFC 9051 §9 date-time: "DD-Mon-YYYY HH:MM:SS +ZZZZ", quoted, in UTC. */
export function dateTime(d: Date): Wire {
  const pad = (n: number, w = 2): string => String(n).padStart(w, '0');
  const text = `${pad(d.getUTCDate())}-${MONTHS[d.getUTCMonth()]}-${d.getUTCFullYear()} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())} +0000`;
  return Buffer.from(`"${text}"`);
}
