// ENVELOPE rendering (RFC 9051 §7.5.2, RFC 3501 §7.4.2) as octets: the text form is mime/render/envelope-text.ts
// (shared with the store's ingest-time rendering, issue 17 item 2), re-exported here. Pure.
import type { Envelope } from '../../mime/types.js';
import { envelopeText } from '../../mime/render/envelope-text.js';
import type { Wire } from './encode.js';

export { envelopeText } from '../../mime/render/envelope-text.js';

/** The ENVELOPE value as octets. */
export function renderEnvelope(env: Envelope, utf8 = false): Wire {
  return Buffer.from(envelopeText(env, utf8), 'latin1');
}
