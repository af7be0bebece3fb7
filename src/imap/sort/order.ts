// SORT's ordering (RFC 5256 §3, RFC 5957 §2): messages compared key by key on what the store keeps per body
// (base subject, first address, sent date) and per message (INTERNALDATE, size); REVERSE flips one key; equal
// messages keep the mailbox's order (sequence numbers). Pure.
import type { SortKeys } from '../../mime/sort-keys.js';
import type { SortCriterion } from '../protocol/types.js';

/** One message as SORT and THREAD see it. */
export interface SortItem {
  uid: number;
  seq: number;
  keys: SortKeys;
  /** INTERNALDATE, ms since the epoch. */
  arrival: number;
  size: number;
}

/** RFC 5256 §2.2: the sent date, else INTERNALDATE. */
export const sentDate = (m: SortItem): number => m.keys.sent ?? m.arrival;

/** Strings compared by code point (both sides already case-mapped as their comparator asks). */
function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function compareKey(a: SortItem, b: SortItem, key: SortCriterion['key']): number {
  switch (key) {
    case 'ARRIVAL':
      return a.arrival - b.arrival;
    case 'DATE':
      return sentDate(a) - sentDate(b);
    case 'SIZE':
      return a.size - b.size;
    case 'SUBJECT':
      return compareText(a.keys.subject, b.keys.subject);
    case 'FROM':
      return compareText(a.keys.from.mailbox, b.keys.from.mailbox);
    case 'TO':
      return compareText(a.keys.to.mailbox, b.keys.to.mailbox);
    case 'CC':
      return compareText(a.keys.cc.mailbox, b.keys.cc.mailbox);
    case 'DISPLAYFROM':
      return compareText(a.keys.from.display, b.keys.from.display);
    case 'DISPLAYTO':
      return compareText(a.keys.to.display, b.keys.to.display);
  }
}

/** The messages in SORT order: each criterion in turn, then the sequence number (RFC 5256 §3). */
export function sortItems(items: readonly SortItem[], criteria: readonly SortCriterion[]): SortItem[] {
  return [...items].sort((a, b) => {
    for (const c of criteria) {
      const d = compareKey(a, b, c.key);
      if (d !== 0) return c.reverse ? -d : d;
    }
    return a.seq - b.seq;
  });
}

/** By sent date, then sequence number: how THREAD orders siblings (RFC 5256 §3). */
export function byDate(a: SortItem, b: SortItem): number {
  return sentDate(a) - sentDate(b) || a.seq - b.seq;
}
