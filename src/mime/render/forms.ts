// The wire forms FETCH sends for a whole message (RFC 9051 §7.5.2 ENVELOPE, BODY, BODYSTRUCTURE; RFC 3501 §7.4.2),
// in both string modes (RFC 6855 §3: UTF8=ACCEPT quotes UTF-8 and sends parameters decoded). Rendered once per body
// at ingest and stored beside it (issue 17 item 2), so that a cold FETCH reads and concatenates them. Pure.
import type { MimeMessage } from '../types.js';
import { bodyText } from './body-text.js';
import { envelopeText } from './envelope-text.js';
import type { WireText } from './wire-text.js';

/** The three values (without the item name), as octets in a binary string. */
export interface MessageForms {
  envelope: WireText;
  body: WireText;
  bodystructure: WireText;
}

/** A message's forms in one mode: without UTF8=ACCEPT (`utf8` false) or with it. */
export function renderForms(mime: MimeMessage, utf8: boolean): MessageForms {
  return {
    envelope: envelopeText(mime.envelope, utf8),
    body: bodyText(mime.root, { extended: false, utf8 }),
    bodystructure: bodyText(mime.root, { extended: true, utf8 }),
  };
}

/** Both modes; a UTF8=ACCEPT form is null where it is the same octets as the other (all-ASCII values). */
export interface StoredForms {
  plain: MessageForms;
  utf8: { [K in keyof MessageForms]: WireText | null };
}

export function renderStoredForms(mime: MimeMessage): StoredForms {
  const plain = renderForms(mime, false);
  const utf8 = renderForms(mime, true);
  return {
    plain,
    utf8: {
      envelope: utf8.envelope === plain.envelope ? null : utf8.envelope,
      body: utf8.body === plain.body ? null : utf8.body,
      bodystructure: utf8.bodystructure === plain.bodystructure ? null : utf8.bodystructure,
    },
  };
}

/** Bumped when what renderForms() produces changes: stored forms of another version are rendered again. */
export const FORMS_VERSION = 1;
