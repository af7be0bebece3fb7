// The IMAP URLs CATENATE takes (RFC 4469 §5, RFC 5092 §6): only the absolute-path form of a message of the
// logged-in user's own mailboxes, "/" enc-mailbox [";UIDVALIDITY=" nz-number] "/;UID=" nz-number
// ["/;SECTION=" enc-section] ["/;PARTIAL=" number ["." nz-number]], keys case-insensitive, the mailbox name and
// section percent-encoded UTF-8. A URL naming a server or user ("imap://…"), URLAUTH or anything else is not
// parsed (the caller answers NO [BADURL]). Pure.
import { section as sectionSpec } from './parse/fetch-attribute.js';
import { Reader } from './reader.js';
import type { Section } from './types.js';

export interface MessageUrl {
  mailbox: string;
  uidValidity: number | null;
  uid: number;
  section: Section | null;
  partial: { offset: number; length: number } | null;
}

const FORM = /^\/(.+?)(?:;UIDVALIDITY=([1-9]\d*))?\/;UID=([1-9]\d*)(?:\/;SECTION=([^/]+))?(?:\/;PARTIAL=(\d+)(?:\.([1-9]\d*))?)?$/i;
const MAX_NUMBER = 0xffffffff;

function decode(text: string): string | null {
  try {
    return decodeURIComponent(text);
  } catch {
    return null;
  }
}

/** RFC 9051 §9 section-spec, as FETCH BODY[...] parses it; null when it is not one. */
function sectionOf(text: string): Section | null {
  const r = new Reader(Buffer.from(`[${text}]`, 'utf8'), null, false);
  try {
    const s = sectionSpec(r, false);
    return r.atEnd() ? s : null;
  } catch {
    return null;
  }
}

/** The message (and section) a URL names, or null when it is not a URL this server takes. */
export function parseMessageUrl(url: string): MessageUrl | null {
  const m = FORM.exec(url);
  if (!m) return null;
  const [, box, validity, uid, section, offset, length] = m;
  const mailbox = decode(box!);
  if (mailbox === null || mailbox === '' || /[\x00-\x1f]/.test(mailbox)) return null;
  const numbers = [validity, uid, offset, length].map((n) => (n === undefined ? null : Number(n)));
  if (numbers.some((n) => n !== null && n > MAX_NUMBER)) return null;
  let parsedSection: Section | null = null;
  if (section !== undefined) {
    const text = decode(section);
    parsedSection = text === null ? null : sectionOf(text);
    if (parsedSection === null) return null;
  }
  return {
    mailbox,
    uidValidity: numbers[0] ?? null,
    uid: numbers[1]!,
    section: parsedSection,
    partial: numbers[2] === null || numbers[2] === undefined ? null : { offset: numbers[2], length: numbers[3] ?? Number.MAX_SAFE_INTEGER },
  };
}

/** The URL as it may stand in `[BADURL url]` (RFC 4469 §6: resp-text without "]" or control characters). */
export function badUrlText(url: string): string {
  const clean = url.replace(/[\]\x00-\x1f\x7f]/g, '');
  return clean === '' ? '""' : clean;
}
