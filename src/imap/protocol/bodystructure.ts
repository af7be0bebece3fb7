// BODY and BODYSTRUCTURE rendering (RFC 9051 §7.5.2; RFC 3501 §7.4.2) as octets: the text form is
// mime/render/body-text.ts (shared with the store's ingest-time rendering, issue 17 item 2), re-exported here. Pure.
import type { MimePart } from '../../mime/types.js';
import { bodyText, type BodyOptions } from '../../mime/render/body-text.js';
import type { Wire } from './encode.js';

export { bodyText, type BodyOptions } from '../../mime/render/body-text.js';

/** The BODY or BODYSTRUCTURE value of a part as octets. */
export function renderBody(part: MimePart, opts: BodyOptions): Wire {
  return Buffer.from(bodyText(part, opts), 'latin1');
}

/** BODYSTRUCTURE of a message. */
export function renderBodyStructure(root: MimePart, utf8 = false): Wire {
  return renderBody(root, { extended: true, utf8 });
}

/** BODY (non-extensible BODYSTRUCTURE) of a message. */
export function renderBodyBasic(root: MimePart, utf8 = false): Wire {
  return renderBody(root, { extended: false, utf8 });
}
