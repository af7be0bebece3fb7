// What SORT and THREAD compare (RFC 5256, RFC 5957), as every store computes it per body at ingest: the sort keys
// of a body's top header, and whether a trace prefix served before it could change them. Pure.
import { findBodyStart, parseFields } from '../mime/header.js';
import { MAX_SEARCH_HEADER_BYTES } from '../mime/header-search.js';
import { sortKeysOf, type SortKeys } from '../mime/sort-keys.js';
import type { SortKeyNeed } from './types.js';

/** Bumped when the extraction's output changes: rows of another version are recomputed on first use. */
export const SORT_KEYS_VERSION = 1;

const SP = 0x20;
const HTAB = 0x09;

/** The fields the keys are read from: a prefix line starting with one of these could change them. */
export const KEY_FIELDS = new Set(['subject', 'from', 'to', 'cc', 'date', 'message-id', 'references', 'in-reply-to']);

export interface ComputedSortKeys {
  headerLen: number;
  folds: boolean;
  keys: SortKeys;
}

/** The sort keys of a body from its first octets. Pure. */
export function computeSortKeys(head: Buffer, headerEnd = findBodyStart(head, 0, head.length)): ComputedSortKeys {
  return {
    headerLen: Math.min(headerEnd, MAX_SEARCH_HEADER_BYTES),
    folds: head[0] === SP || head[0] === HTAB,
    keys: sortKeysOf(parseFields(head, 0, headerEnd, MAX_SEARCH_HEADER_BYTES)),
  };
}

/**
 * Whether a prefix followed by a body's header leaves the keyed fields exactly the body's own (as
 * search-fields.ts' prefixIsInert): it ends its last line, every line is a field whose name is not keyed or a
 * continuation, the body's first line is no continuation, and both fit in the octets read. Pure.
 */
export function prefixKeepsKeys(prefix: string, octets: number, headerLen: number, folds: boolean): boolean {
  if (octets === 0) return true;
  if (folds || !prefix.endsWith('\n') || octets + headerLen > MAX_SEARCH_HEADER_BYTES) return false;
  for (let pos = 0; pos < prefix.length; pos = prefix.indexOf('\n', pos) + 1) {
    const c = prefix.charCodeAt(pos);
    if (pos > 0 && (c === SP || c === HTAB)) continue;
    const lower = c | 0x20;
    if (lower < 0x61 || lower > 0x7a) return false;
    const eol = prefix.indexOf('\n', pos);
    const colon = prefix.indexOf(':', pos);
    if (colon < 0 || colon > eol || KEY_FIELDS.has(prefix.slice(pos, colon).trim().toLowerCase())) return false;
  }
  return true;
}

/** The keyed fields each need reads (a prefix line with another name cannot change it), and its stored columns. */
export const SORT_KEY_NEEDS: Record<SortKeyNeed, { fields: readonly string[]; columns: readonly string[] }> = {
  sent: { fields: ['date'], columns: ['sent_ms'] },
  subject: { fields: ['subject'], columns: ['subject'] },
  from: { fields: ['from'], columns: ['from_mailbox', 'from_display'] },
  to: { fields: ['to'], columns: ['to_mailbox', 'to_display'] },
  cc: { fields: ['cc'], columns: ['cc_mailbox', 'cc_display'] },
  thread: {
    fields: ['subject', 'date', 'message-id', 'references', 'in-reply-to'],
    columns: ['subject', 'is_reply', 'sent_ms', 'message_id', 'refs'],
  },
};
export const ALL_SORT_KEY_NEEDS = Object.keys(SORT_KEY_NEEDS) as SortKeyNeed[];
