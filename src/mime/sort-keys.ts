// What SORT and THREAD compare, computed once per body from its top header (RFC 5256 §2.1-§2.3, §3; RFC 5957
// §2 DISPLAY): the base subject, the first address's mailbox and display name of From/To/Cc, the sent date, and
// the Message-ID and references THREAD=REFERENCES links by. Kept by the store at ingest (migrations/0014).
// Pure.
import { MISSING_DOMAIN, MISSING_MAILBOX, parseAddressList } from './address.js';
import { baseSubject } from './base-subject.js';
import { decodeHeaderValue } from './decode-words.js';
import { fold } from './fold.js';
import { fieldValue, type HeaderField } from './header.js';

export interface AddressKey {
  /** The first address's addr-mailbox (RFC 5256 §3 FROM/TO/CC), as collationKey; '' when none. */
  mailbox: string;
  /** Its display name, else its addr-spec (RFC 5957 §2), as collationKey; '' when none. */
  display: string;
}

export interface SortKeys {
  /** The base subject (RFC 5256 §2.1), as collationKey. */
  subject: string;
  /** The base subject extraction removed a reply or forward marker (RFC 5256 §2.1). */
  isReply: boolean;
  from: AddressKey;
  to: AddressKey;
  cc: AddressKey;
  /** The Date: field's instant in ms since the epoch; null when absent or unreadable (then INTERNALDATE, §2.2). */
  sent: number | null;
  /** The first msg-id of the first Message-ID field, as written; null when none. */
  messageId: string | null;
  /** References' msg-ids, else the first of In-Reply-To (RFC 5256 §3 REFERENCES step 1). */
  references: string[];
}

const upperAscii = (s: string): string => s.replace(/[a-z]+/g, (m) => m.toUpperCase());

/**
 * A string as SORT compares it: RFC 5256 §1 asks for I18NLEVEL=1 collation (RFC 5255, i;unicode-casemap of
 * RFC 5051, which maps to titlecase): folded as search strings are (fold.ts: NFC, case-folded, ß → ss), then
 * ASCII upper-cased so that ASCII sorts as titlecase does (`_` after letters). Compared by code point.
 */
export function collationKey(s: string): string {
  return upperAscii(fold(s));
}
const NO_ADDRESS: AddressKey = { mailbox: '', display: '' };

/** RFC 5256 §2.3 / RFC 5957 §2 for one address field (the first real address; group markers skipped). */
export function addressKey(raw: string | null): AddressKey {
  const first = parseAddressList(raw)?.find((a) => a.host !== null);
  if (!first) return NO_ADDRESS;
  const local = first.mailbox === null || first.mailbox === MISSING_MAILBOX ? '' : first.mailbox;
  const name = first.name === null ? '' : decodeHeaderValue(first.name).trim();
  const spec = first.host === MISSING_DOMAIN ? local : `${local}@${first.host ?? ''}`;
  return { mailbox: collationKey(local), display: collationKey(name !== '' ? name : spec) };
}

const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];
/** RFC 5322 §4.3 obs-zone: the named zones, in minutes east of UTC; military letters read as UTC. */
const ZONES: Record<string, number> = { UT: 0, GMT: 0, Z: 0, EST: -300, EDT: -240, CST: -360, CDT: -300, MST: -420, MDT: -360, PST: -480, PDT: -420 };
const DATE = /(\d{1,2})\s+([a-z]{3})[a-z]*\.?\s+(\d{2,4})(?:\s+(\d{1,2})\s*:\s*(\d{2})(?:\s*:\s*(\d{2}))?(?:\s*([+-]\d{4}|[a-z]{1,5}))?)?/i;

/** The instant a Date: value names (RFC 5322 §3.3, §4.3; no time: midnight; no zone: UTC); null when unreadable. */
export function sentTime(value: string | null): number | null {
  if (value === null) return null;
  const m = DATE.exec(value);
  if (!m) return null;
  const month = MONTHS.indexOf((m[2] ?? '').toLowerCase());
  const day = Number(m[1]);
  let year = Number(m[3]);
  if ((m[3] ?? '').length === 2) year += year < 50 ? 2000 : 1900;
  else if ((m[3] ?? '').length === 3) year += 1900;
  const hour = Number(m[4] ?? 0);
  const minute = Number(m[5] ?? 0);
  const second = Number(m[6] ?? 0);
  if (month < 0 || day < 1 || day > 31 || hour > 23 || minute > 59 || second > 60) return null;
  const zone = m[7] ?? '';
  let east = 0;
  if (/^[+-]\d{4}$/.test(zone)) east = (zone[0] === '-' ? -1 : 1) * (Number(zone.slice(1, 3)) * 60 + Number(zone.slice(3)));
  else east = ZONES[zone.toUpperCase()] ?? 0;
  return Date.UTC(year, month, day, hour, minute, second) - east * 60_000;
}

/** The msg-ids (`<…>`) written in a value, in order. */
export function msgIds(value: string | null): string[] {
  if (value === null) return [];
  return [...value.matchAll(/<[^<>\s]+>/g)].map((m) => m[0]);
}

/** The sort and thread keys of a header's fields (lower-case names, as parseFields gives them). */
export function sortKeysOf(fields: readonly HeaderField[]): SortKeys {
  const subject = baseSubject(fieldValue(fields, 'subject'));
  const refs = msgIds(fieldValue(fields, 'references'));
  return {
    subject: collationKey(subject.key),
    isReply: subject.isReplyOrForward,
    from: addressKey(fieldValue(fields, 'from')),
    to: addressKey(fieldValue(fields, 'to')),
    cc: addressKey(fieldValue(fields, 'cc')),
    sent: sentTime(fieldValue(fields, 'date')),
    messageId: msgIds(fieldValue(fields, 'message-id'))[0] ?? null,
    references: refs.length > 0 ? refs : msgIds(fieldValue(fields, 'in-reply-to')).slice(0, 1),
  };
}
