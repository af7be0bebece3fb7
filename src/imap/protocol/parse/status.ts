// status = "STATUS" SP mailbox SP "(" status-att *(SP status-att) ")"
// (RFC 9051 §6.3.11; SIZE RFC 8438, HIGHESTMODSEQ RFC 7162 §3.1.6, DELETED RFC 9051 §7.5.4, APPENDLIMIT RFC 7889 §3,
// DELETED-STORAGE RFC 9208 §4.2)
import { mailbox } from '../mailbox-name.js';
import type { Reader } from '../reader.js';
import type { Command, StatusItem } from '../types.js';

const ITEMS: ReadonlySet<string> = new Set<StatusItem>([
  'MESSAGES', 'RECENT', 'UIDNEXT', 'UIDVALIDITY', 'UNSEEN', 'SIZE', 'HIGHESTMODSEQ', 'DELETED', 'APPENDLIMIT',
  'DELETED-STORAGE', // RFC 9208 §4.2
  'MAILBOXID', // RFC 8474 §4.3
]);

/** `"(" status-att *(SP status-att) ")"`, shared with LIST RETURN (STATUS (...)) (RFC 5819 §2). */
export function statusItems(r: Reader): StatusItem[] {
  return r.list(() => {
    const item = r.keyword('status item');
    if (!ITEMS.has(item)) r.unknown('status item', item);
    return item as StatusItem;
  }, false);
}

export function parseStatus(r: Reader): Command {
  r.sp();
  const box = mailbox(r);
  r.sp();
  return { name: 'STATUS', mailbox: box, items: statusItems(r) };
}
